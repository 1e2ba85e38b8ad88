"""Card data is checked in one place before any handler runs: ids, numbers, strings, shapes."""

import pytest

from dialogs.kit import card_data

GOOD = [
    {},
    {"project_id": 3, "step": "2"},
    {"project_id": "9223372036854775807", "session_id": -1, "page": 0},
    {"booking_id": None, "measure_id": ""},  # missing ids are the handlers' business ("out of date")
    {"topic_id": "pdsa", "bite": 1},  # topic_id is a content slug, not a row id
    {"att_12": "attended", "att_13": "no_show", "session_id": "5"},
    {"title": "Fewer falls", "problem": "x" * card_data.MAX_TEXT, "sure": "true", "value": 3.5},
    {"verb": "help.run", "msteams": {"type": "messageBack", "displayText": "Hi"}},  # Action.Submit fallback
    {"emoji": "\U0001f600 ok", "waitlist": True, "pause_days": 7},
    {"pause_days": "3.5", "value": "twelve", "comment": "inf", "title": "NaN"},  # free text may say anything
]

BAD = [
    [],
    "project_id=1",
    {"project_id": "1e5"},
    {"project_id": "12abc"},
    {"project_id": 1.0},
    {"project_id": True},
    {"project_id": [1]},
    {"session_id": 2**63},
    {"booking_id": str(-(2**63) - 1)},
    {"id": "٣"},  # a non-ASCII digit int() would accept
    {"step": "two"},
    {"page": {"n": 1}},
    {"att_x": "attended"},
    {"att_99999999999999999999": "attended"},
    {"value": float("nan")},
    {"value": float("inf")},
    {"score": 10**30},
    {"pause_days": "inf"},
    {"pause_days": "1e400"},
    {"value": "-Infinity"},
    {"usefulness": "nan"},
    {"title": "a\x00b"},
    {"title": "lone \ud800 surrogate"},
    {"title": "x" * (card_data.MAX_TEXT + 1)},
    {"title": ["a", "b"]},
    {"problem": {"text": "x"}},
    {"k" * 101: "x"},
    {"bad\x00key": "x"},
    {f"k{i}": i for i in range(card_data.MAX_KEYS + 1)},
    {"msteams": {"a": {"b": {"c": {"d": {"e": 1}}}}}},
    {"msteams": {"x": float("nan")}},
]


@pytest.mark.parametrize("data", GOOD)
def test_good_data_passes(data):
    assert card_data.problem(data) is None


@pytest.mark.parametrize("data", BAD, ids=range(len(BAD)))
def test_bad_data_gets_a_friendly_message_that_echoes_nothing(data, caplog):
    caplog.set_level("DEBUG")
    message = card_data.problem(data)
    assert message == card_data.PROBLEM and "nothing was changed" in message
    assert [r.getMessage() for r in caplog.records] == ["card data rejected"]


def test_id_keys():
    assert card_data.is_id_key("project_id") and card_data.is_id_key("id") and card_data.is_id_key("step")
    assert not card_data.is_id_key("topic_id") and not card_data.is_id_key("idea")
