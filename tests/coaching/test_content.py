"""content/coaching.yaml is checked at start-up."""

import shutil

import pytest

from bot import registry
from storage.content import DEFAULT_CONTENT_DIR, ContentError


def test_the_framework_loads_in_order_with_plain_words(content):
    coaching = content.coaching
    assert [level.id for level in coaching.levels] == [
        "qsir_practitioner",
        "coach_in_training",
        "qi_coach",
        "senior_coach",
    ]
    assert coaching.level("qi_coach").role == "coach" and coaching.level("senior_coach").signs_off
    assert {c.id for c in coaching.competencies} == {
        "qi_theory",
        "coaching_live_team",
        "patient_involvement",
        "using_data",
        "record_keeping",
        "facilitation",
    }
    assert coaching.next_level(None).id == "qsir_practitioner" and coaching.next_level("senior_coach") is None
    assert content.nudges.category("coaching_updates").transactional


def test_a_level_naming_an_unknown_competency_is_refused(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    path = target / "coaching.yaml"
    path.write_text(
        path.read_text().replace("competencies: [qi_theory, using_data]", "competencies: [qi_theory, juggling]")
    )
    with pytest.raises(ContentError, match="levels/0/competencies: unknown competency 'juggling'"):
        registry.load_content(target)
