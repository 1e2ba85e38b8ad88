"""The one form mechanism: a refused form comes back with what was typed and the message by its field."""

import pytest

from core.kernel.content import Choice, choice_label
from core.kernel.errors import InvalidInput
from core.kernel.text import clean_text
from dialogs.kit import cards
from dialogs.kit.forms import card_int, card_number, field_error, refill
from dialogs.kit.run import run_command


def form():
    return cards.card(
        {"type": "Input.Text", "id": "title", "label": "Title"},
        {"type": "Container", "items": [{"type": "Input.Number", "id": "n", "label": "N", "value": 1}]},
        cards.toggle("sure", "Sure?", False),
        cards.time_input("at", "At", "09:00"),
    )


def test_refill_puts_back_every_value_typed_and_the_message_under_its_field():
    card = refill(form(), {"title": "Falls", "n": "7", "sure": "true", "at": "17:30"}, field="n", message="Too big.")
    by_id = {}

    def walk(node):
        if isinstance(node, dict):
            if "id" in node:
                by_id[node["id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    assert by_id["title"]["value"] == "Falls" and by_id["n"]["value"] == 7
    assert by_id["sure"]["value"] == "true" and by_id["at"]["value"] == "17:30"
    container = card["body"][1]["items"]
    assert container[1] == field_error("Too big.")
    assert by_id["n"]["errorMessage"] == "Too big."


def test_a_number_input_never_gets_a_non_number():
    card = refill(form(), {"n": "lots"})
    assert "value" not in card["body"][1]["items"][0]


@pytest.mark.parametrize(("raw", "value"), [("12", 12.0), (" 2.5 ", 2.5), (9, 9.0), ("-3", -3.0), (0.25, 0.25)])
def test_card_number_reads_what_a_number_input_sends(raw, value):
    assert card_number({"x": raw}, "x") == value
    assert isinstance(card_number({"x": raw}, "x"), float)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_card_number_is_none_for_an_empty_input(raw):
    assert card_number({"x": raw}, "x", invalid=-1) is None
    assert card_number({"x": raw}, "x", whole=True, invalid=-1) is None
    assert card_number({}, "x") is None


@pytest.mark.parametrize("raw", ["lots", "1,5", "nan", "inf", "-Infinity", "1e400", True, False, [1], {"a": 1}])
def test_card_number_gives_the_callers_invalid_value_for_a_non_number(raw):
    assert card_number({"x": raw}, "x") is None
    assert card_number({"x": raw}, "x", invalid=-1) == -1
    assert card_number({"x": raw}, "x", whole=True, invalid=-1) == -1


@pytest.mark.parametrize(("raw", "value"), [("12", 12), (" 7 ", 7), ("3.0", 3), (4.0, 4), (25, 25), ("-2", -2)])
def test_card_number_whole_reads_whole_numbers_as_ints(raw, value):
    number = card_number({"x": raw}, "x", whole=True, invalid=-1)
    assert number == value and isinstance(number, int)


@pytest.mark.parametrize("raw", ["1.5", 2.5, "0.1"])
def test_card_number_whole_refuses_a_fraction(raw):
    assert card_number({"x": raw}, "x", whole=True, invalid=-1) == -1


def test_choice_label_finds_the_label_or_says_what_is_missing():
    choices = (Choice("qi", "Measurement and data"), Choice("pdsa", "PDSA cycles"))
    assert choice_label(choices, "pdsa") == "PDSA cycles"
    assert choice_label(choices, "gone") == "not set"
    assert choice_label(choices, None, "Other") == "Other"


@pytest.mark.parametrize(("raw", "value"), [("12", 12), (" 7 ", 7), (9, 9), ("-3", -3)])
def test_card_int_reads_ids_and_numbers(raw, value):
    assert card_int({"x": raw}, "x") == value


@pytest.mark.parametrize("raw", [None, "", "1.5", "1 OR 1=1", True, [1], 2**63, "9" * 30])
def test_card_int_refuses_anything_else_as_a_stale_card(raw):
    with pytest.raises(InvalidInput, match="out of date"):
        card_int({"x": raw}, "x")


def test_clean_text_trims_drops_control_characters_and_enforces_limits():
    assert clean_text("  a\x00b\tc\n ", 10, "the note") == "ab\tc"
    assert clean_text("   ", 10, "the note") is None
    with pytest.raises(InvalidInput, match="Please keep the note to 3 characters"):
        clean_text("abcd", 3, "the note")
    with pytest.raises(InvalidInput, match="Please add the note"):
        clean_text("", 3, "the note", required=True)
    with pytest.raises(InvalidInput):
        clean_text(["a"], 3, "the note")


def test_the_transcript_check_finds_an_escape_a_required_input_would_block():
    from tests.dialogs.harness import blocked_escapes

    required = {"type": "Input.Text", "id": "t", "label": "T", "isRequired": True}
    blocked = cards.card(
        required, actions=[cards.execute("Back", run_command), cards.execute("Finish later", run_command)]
    )
    assert blocked_escapes(blocked) == ["Back", "Finish later"]
    free = cards.card(required, actions=[cards.execute("Back", run_command, inputs=False)])
    assert blocked_escapes(free) == []
