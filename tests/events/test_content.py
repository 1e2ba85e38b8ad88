"""content/events.yaml: the shipped file loads, and a broken one names the file, line and problem."""

import shutil

import pytest

from bot import registry
from storage.content import DEFAULT_CONTENT_DIR, ContentError


def test_the_shipped_event_content_loads(content):
    events = content.events
    practitioner = events.template("practitioner")
    assert (practitioner.dates, practitioner.requires, practitioner.awards_experience) == (
        5,
        ("fundamentals",),
        "qsir_practitioner",
    )
    assert [q.id for q in events.questions_for(practitioner)] == ["dietary", "access", "manager_agreement"]
    assert [c.id for c in events.rubric] == [
        "aim_measurement",
        "learning",
        "patient_involvement",
        "spread",
        "presentation",
    ]
    assert events.rules.abstract_word_limit == 300
    assert content.nudges.category("event_reminders").transactional
    assert not content.nudges.category("event_updates").can_opt_out
    assert not content.nudges.category("events").transactional


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "requires: [fundamentals]",
            "requires: [fundamentalz]",
            "templates/1/requires: unknown template 'fundamentalz'",
        ),
        ("questions: [access]", "questions: [acess]", "templates/2/questions: unknown question 'acess'"),
        ("awards_experience: qsir_practitioner", "awards_experience: expert", "unknown experience level 'expert'"),
        ("{title} ({date}) is tomorrow", "{title} ({day}) is tomorrow", "messages/reminder_day: unknown or broken"),
        ("dates: 5", "dates: 50", "templates/1/dates: 50 is greater than the maximum of 10"),
    ],
)
def test_a_broken_events_file_names_the_line_and_problem(content_copy, old, new, problem):
    path = content_copy / "events.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError) as error:
        registry.load_content(content_copy)
    assert "events.yaml:" in str(error.value) and problem in str(error.value)
