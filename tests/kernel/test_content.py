"""Content files are validated at start-up; a broken file names the file, line and problem."""

import shutil

import pytest

from bot import registry
from storage.content import DEFAULT_CONTENT_DIR, ContentError


def test_shipped_content_loads(content):
    org = content.organisation
    assert [s.id for s in org.sites] == ["basildon", "broomfield", "southend", "community"]
    assert "qsir_practitioner" in [e.id for e in org.experience_levels]
    assert content.nudges.daily_budget == 2
    assert content.nudges.category("clinic_reminders").transactional


@pytest.fixture
def content_copy(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def test_schema_error_names_file_line_and_field(content_copy):
    path = content_copy / "organisation.yaml"
    lines = path.read_text().splitlines()
    index = next(i for i, line in enumerate(lines) if "id: southend" in line)
    lines[index] = lines[index].replace("southend", "South End")
    path.write_text("\n".join(lines))
    with pytest.raises(ContentError) as error:
        registry.load_content(content_copy)
    assert f"organisation.yaml:{index + 1}: sites/2/id" in str(error.value)


def test_yaml_syntax_error_names_the_line(content_copy):
    path = content_copy / "nudges.yaml"
    path.write_text(path.read_text() + "\ncategories: [unclosed\n")
    with pytest.raises(ContentError, match=r"nudges.yaml:\d+: not valid YAML"):
        registry.load_content(content_copy)


def test_duplicate_ids_are_refused(content_copy):
    path = content_copy / "organisation.yaml"
    path.write_text(path.read_text().replace("id: broomfield", "id: basildon"))
    with pytest.raises(ContentError, match="duplicate id 'basildon'"):
        registry.load_content(content_copy)


def test_unknown_timezone_is_refused(content_copy):
    path = content_copy / "organisation.yaml"
    path.write_text(path.read_text().replace("Europe/London", "Europe/Atlantis"))
    with pytest.raises(ContentError, match="organisation.yaml:5: timezone: unknown zone"):
        registry.load_content(content_copy)


def test_a_broken_intents_file_names_file_line_and_field(content_copy):
    path = content_copy / "intents.yaml"
    path.write_text("intents:\n  - command: help\n    phrases: []\nsmall_talk: []\n")
    with pytest.raises(ContentError, match=r"intents\.yaml:3: intents/0/phrases"):
        registry.load_content(content_copy)
