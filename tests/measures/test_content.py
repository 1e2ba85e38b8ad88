"""content/measures.yaml: the shipped definitions load, and a definition naming an unknown breakdown, source,
kind, course or survey score is refused at start-up with the file and line."""

import shutil

import pytest

from bot import registry
from storage.content import DEFAULT_CONTENT_DIR, ContentError


def test_the_four_measures_load(content):
    measures = content.measures.measures
    assert [m.id for m in measures] == [
        "staff_trained",
        "projects_registered",
        "project_evaluations",
        "self_efficacy_change",
    ]
    trained = measures[0]
    assert [e.source for e in trained.evidence] == ["events.training", "learning.award"]
    assert trained.evidence[1].options["award"] == content.learning.rules.award  # the award learning gives
    assert trained.reach and trained.breakdowns == ("site", "legacy_trust", "staff_group")
    assert content.measures.legacy_trust("southend") == "Southend University Hospital"


@pytest.fixture
def content_dir(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def edit(content_dir, old, new, at=None):
    """Replace `old` by `new`; the line number of the (first) line of the edit holding `at`."""
    path = content_dir / "measures.yaml"
    text = path.read_text()
    assert old in text
    start = text.index(old)
    path.write_text(text.replace(old, new, 1))
    first = text[:start].count("\n") + 1
    return first + next(i for i, line in enumerate(new.splitlines()) if (at or new.splitlines()[0]) in line)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            "breakdowns: [site, legacy_trust, staff_group]\n    fix_after: 12\n  - id: projects",
            "breakdowns: [site, ward, staff_group]\n    fix_after: 12\n  - id: projects",
            "unknown breakdown 'ward'",
        ),
        ("{source: projects.registered}", "{source: projects.started}", "unknown source 'projects.started'"),
        (
            "{source: events.training, courses: [fundamentals, practitioner]}",
            "{source: events.training, courses: [fundamentals, bootcamp]}",
            "unknown course 'bootcamp'",
        ),
        (
            "kind: items\n    evidence:\n      - {source: projects.registered}",
            "kind: people\n    evidence:\n      - {source: projects.registered}",
            "gives items evidence, not people",
        ),
        ("scoring: self_efficacy}", "scoring: confidence}", "unknown survey score qi_self_efficacy/confidence"),
        ("kind: mean_change", "kind: median", "unknown kind 'median'"),
    ],
)
def test_a_bad_definition_is_refused_with_its_file_and_line(content_dir, old, new, says):
    line = edit(content_dir, old, new, at="source" if "source" in new else None)
    with pytest.raises(ContentError) as refused:
        registry.load_content(content_dir)
    message = str(refused.value)
    assert says in message
    assert f"measures.yaml:{line}:" in message


def test_an_option_a_source_does_not_take_is_refused(content_dir):
    edit(content_dir, "{source: projects.evaluated}", "{source: projects.evaluated, award: QI foundations}")
    with pytest.raises(ContentError, match="projects.evaluated takes no 'award'"):
        registry.load_content(content_dir)
