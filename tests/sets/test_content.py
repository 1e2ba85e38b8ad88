"""content/sets.yaml is checked at start-up: a broken file names the file, line and problem."""

import shutil

import pytest

from bot import registry
from storage.content import DEFAULT_CONTENT_DIR, ContentError


def test_shipped_set_content_loads(content):
    rules = content.sets.rules
    assert (rules.min_members, rules.max_members, rules.min_weeks_between, rules.max_weeks_between) == (5, 8, 4, 6)
    assert rules.min_meetings == 4 and rules.max_actions == 3
    assert content.nudges.category("action_learning").transactional  # reminders, as clinic reminders are
    assert not content.nudges.category("set_updates").can_opt_out


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def test_an_unknown_placeholder_is_refused_with_its_line(content_copy):
    path = content_copy / "sets.yaml"
    lines = path.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("  left:"))
    lines[index] = '  left: "{nobody} has left"'
    path.write_text("\n".join(lines))
    with pytest.raises(ContentError, match=rf"sets.yaml:{index + 1}: messages/left: unknown or broken placeholder"):
        registry.load_content(content_copy)


def test_rules_that_contradict_each_other_are_refused(content_copy):
    path = content_copy / "sets.yaml"
    path.write_text(path.read_text().replace("min_members: 5", "min_members: 9"))
    with pytest.raises(ContentError, match="rules/min_members: more than max_members"):
        registry.load_content(content_copy)
