"""The survey instruments: the four shipped ones, and broken files refused at start-up with file, line and problem."""

import shutil

import pytest

from bot import registry
from core.surveys.content import LIKERT, TEXT
from storage.content import DEFAULT_CONTENT_DIR, ContentError

MINIMAL = """\
id: tiny
version: 1
title: Tiny
intro: Two questions.
scales:
  four:
    points:
      - {value: 1, label: One}
      - {value: 2, label: Two}
      - {value: 3, label: Three}
      - {value: 4, label: Four}
sections:
  - id: only
    title: Only
    items:
      - id: a
        type: likert
        scale: four
        text: First
      - id: b
        type: likert
        scale: four
        text: Second
scoring:
  - {id: total, label: Total, method: mean, items: [a, b]}
"""


def test_the_four_instruments_ship_and_load(content):
    ids = set(content.surveys.instruments)
    assert {"qi_self_efficacy", "scoping", "practitioner_support", "course_feedback"} <= ids


def test_the_self_efficacy_scale_has_ten_task_items_on_a_four_point_scale_each_with_its_source(content):
    scale = content.surveys.instrument("qi_self_efficacy")
    items = scale.items
    assert len(items) == 10 and all(i.type == LIKERT and i.required for i in items)
    assert {i.scale.id for i in items} == {"confidence4"} and items[0].scale.values == (1, 2, 3, 4)
    assert all(i.source and len(i.source) > 20 for i in items), [i.id for i in items if not i.source]
    sources = " ".join(i.source for i in items) + " ".join(scale.sources)
    for work in ("Bandura", "Langley", "Perla", "Making Data Count", "Institute for Healthcare Improvement"):
        assert work in sources, work
    texts = " ".join(i.text.lower() for i in items)
    for task in ("aim", "pdsa", "run chart", "special-cause", "driver diagram", "patients", "lead a team"):
        assert task in texts, task
    [scoring] = scale.scoring
    assert scoring.method == "mean" and set(scoring.items) == {i.id for i in items}
    waves = {(r.series, r.wave) for r in scale.triggers}
    assert ("micro_learning", "before") in waves and ("micro_learning", "follow_up") in waves
    follow_up = next(r for r in scale.triggers if r.id == "learning_follow_up")
    assert (follow_up.after, follow_up.months) == ("learning_completed", 3)


def test_the_scoping_survey_asks_understanding_training_help_staff_group_and_site(content):
    scoping = content.surveys.instrument("scoping")
    assert scoping.profile_item("staff_groups").prefer_not_to_say and scoping.profile_item("sites")
    assert any(i.type == TEXT and i.themed for i in scoping.items)
    assert any(i.scale and i.scale.is_range and (i.scale.low, i.scale.high) == (0, 100) for i in scoping.items)
    assert [s.id for s in scoping.sections] == ["understanding", "training", "help", "about_you"]


def test_feedback_is_sent_after_a_course_and_the_celebration_day(content):
    feedback = content.surveys.instrument("course_feedback")
    assert {r.on for r in feedback.triggers} == {"course_date_attended", "celebration_day", "webinar_attended"}


def test_legacy_trusts_come_from_the_organisation_file(content):
    assert content.surveys.legacy_trust("broomfield") == "Mid Essex Hospital Services"
    assert content.surveys.legacy_trust("community") is None


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def broken(content_copy, text: str) -> str:
    (content_copy / "surveys" / "tiny.yaml").write_text(text)
    with pytest.raises(ContentError) as error:
        registry.load_content(content_copy)
    return str(error.value)


def line_of(text: str, fragment: str, nth: int = 1) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    return hits[nth - 1]


def test_a_minimal_instrument_loads(content_copy):
    (content_copy / "surveys" / "tiny.yaml").write_text(MINIMAL)
    assert registry.load_content(content_copy).surveys.instrument("tiny").scoring[0].items == ("a", "b")


def test_a_schema_error_names_the_file_line_and_field(content_copy):
    text = MINIMAL.replace(
        "type: likert\n        scale: four\n        text: Second", "type: slider\n        text: Second"
    )
    message = broken(content_copy, text)
    assert f"tiny.yaml:{line_of(text, 'type: slider')}: sections/0/items/1/type" in message


def test_a_scale_must_have_four_five_or_seven_points(content_copy):
    text = MINIMAL.replace(
        "      - {value: 4, label: Four}\n",
        "      - {value: 4, label: Four}\n      - {value: 5, label: Five}\n      - {value: 6, label: Six}\n",
    )
    message = broken(content_copy, text)
    assert f"tiny.yaml:{line_of(text, 'four:')}: scales/four: a scale has 4, 5 or 7 labelled points, not 6" in message


def test_points_must_increase(content_copy):
    message = broken(content_copy, MINIMAL.replace("{value: 3, label: Three}", "{value: 1, label: Three}"))
    assert "scales/four: point values must increase" in message


def test_an_item_naming_an_unknown_scale_is_refused_at_its_line(content_copy):
    text = MINIMAL.replace("scale: four\n        text: Second", "scale: five\n        text: Second")
    message = broken(content_copy, text)
    assert f"tiny.yaml:{line_of(text, '- id: b')}: sections/0/items/1: a likert item needs a scale" in message


def test_a_score_over_an_unknown_item_or_a_text_item_is_refused(content_copy):
    assert "scoring/0: unknown items ['c']" in broken(content_copy, MINIMAL.replace("items: [a, b]", "items: [a, c]"))
    text = MINIMAL.replace(
        "type: likert\n        scale: four\n        text: Second", "type: text\n        text: Second"
    )
    assert "scoring/0: a scale score is over likert items that share one scale" in broken(content_copy, text)


def test_duplicate_ids_are_refused(content_copy):
    text = MINIMAL.replace("- id: b\n", "- id: a\n")
    message = broken(content_copy, text)
    assert f"tiny.yaml:{line_of(text, '- id: a', 2)}: sections/0/items/1/id: duplicate id 'a'" in message
    (content_copy / "surveys" / "copy.yaml").write_text(MINIMAL)
    assert "'tiny' is also the id of" in broken(content_copy, MINIMAL)


def test_a_follow_up_needs_its_timing(content_copy):
    text = MINIMAL + 'triggers:\n  - {id: later, "on": follow_up, series: s, wave: follow_up, window_days: 7}\n'
    message = broken(content_copy, text)
    assert f"tiny.yaml:{line_of(text, 'id: later')}: triggers/0: a follow_up needs after and months" in message


def test_prefer_not_to_say_is_not_a_choice_id(content_copy):
    text = MINIMAL.replace(
        "scoring:",
        "      - id: c\n        type: single\n        text: Third\n        choices:\n"
        "          - {id: prefer_not_to_say, label: Rather not}\n          - {id: sure, label: Sure}\nscoring:",
    )
    assert "'prefer_not_to_say' is reserved" in broken(content_copy, text)


def test_broken_yaml_names_the_line(content_copy):
    assert "tiny.yaml:" in broken(content_copy, MINIMAL + "sections: [unclosed\n")


def test_a_site_may_name_its_legacy_trust_but_nothing_else_new(content_copy):
    path = content_copy / "organisation.yaml"
    path.write_text(path.read_text().replace("legacy_trust: Mid Essex", "legacy_name: Mid Essex"))
    with pytest.raises(ContentError, match=r"organisation.yaml:\d+: sites/1"):
        registry.load_content(content_copy)
