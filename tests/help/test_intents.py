"""Talking like a person: plain phrases from content/intents.yaml reach the right flow."""

import pytest

from bot import registry
from core.kernel.intents import Intents
from tests.dialogs.harness import Chat, card_text, only_card


@pytest.mark.parametrize(
    ("said", "command"),
    [
        ("I want to book a clinic", "book clinic"),
        ("can I see a coach please", "book clinic"),
        ("I'd like to cancel my booking", "my bookings"),
        ("how am I doing?", "my progress"),
        ("I want to start a project", "register project"),
        ("please stop reminders", "settings"),
        ("what can you do", "help"),
        ("I want to book a clinc", "book clinic"),  # a small typo
    ],
)
def test_plain_phrases_name_their_command(content, said, command):
    assert content.intents.command_for(said) == command


@pytest.mark.parametrize("said", ["the weather is lovely", "book", "cancel", "zzz"])
def test_unrelated_or_too_short_phrases_match_no_intent(content, said):
    assert content.intents.command_for(said) is None


def test_the_longest_phrase_wins_over_a_shorter_one():
    intents = Intents.from_content(
        {"intents": [{"command": "a", "phrases": ["clinic"]}, {"command": "b", "phrases": ["cancel clinic"]}]}
    )
    assert intents.command_for("please cancel my clinic") == "b"
    assert intents.command_for("which clinic") == "a"


def test_every_intent_names_a_command_the_bot_has(content):
    registry.router().check_intents(content.intents)
    bad = Intents.from_content({"intents": [{"command": "teleport", "phrases": ["beam me up"]}]})
    with pytest.raises(ValueError, match="teleport"):
        registry.router().check_intents(bad)


async def test_a_phrase_opens_the_flow(content):
    chat = Chat(content)
    await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    card = only_card(await chat.say("I want to book a clinic"))
    assert "QI clinic" in card_text(card) or "clinic" in card_text(card).lower()
    assert "did not understand" not in card_text(card)


async def test_thanks_gets_a_word_not_a_menu(content):
    chat = Chat(content)
    response = await chat.say("Thank you!")
    assert [m.text for m in response.messages] == ["You're welcome. Type **help** whenever you need me."]


async def test_what_can_you_do_gets_the_menu_without_an_apology(content):
    chat = Chat(content)
    text = card_text(only_card(await chat.say("What can you do?")))
    assert "What I can do" in text and "Sorry" not in text
