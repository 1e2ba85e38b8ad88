"""Transcripts: help, typos, unknown text, stale cards and role checks."""

import pytest

from tests.dialogs.harness import Chat, card_text, only_card


@pytest.fixture
def chat(content):
    return Chat(content)


async def test_help_shows_a_button_per_capability(chat):
    card = only_card(await chat.say("help"))
    text = card_text(card)
    assert "What I can do" in text
    assert "Profile" in text and "Settings" in text
    assert "Admin" not in text  # not for staff


@pytest.mark.parametrize("typed", ["PROFILE", "profle", "  Profile!  ", "my profile", "edit profil"])
async def test_commands_are_case_insensitive_and_forgive_typos(chat, typed):
    assert "Your profile" in card_text(only_card(await chat.say(typed)))


async def test_unknown_text_gets_the_menu_not_a_dead_end(chat):
    card = only_card(await chat.say("what is the meaning of life"))
    assert "Sorry, I did not understand that." in card_text(card)
    assert "What I can do" in card_text(card)


async def test_menu_button_replaces_the_menu_with_the_result(chat):
    response = await chat.press("help.run", command="settings")
    assert response.card is not None and not response.messages
    assert "Your settings" in card_text(response.card)


async def test_a_stale_or_unknown_card_verb_gets_a_friendly_menu(chat):
    response = await chat.press("clinics.book_old_version", session="17")
    assert "This card is out of date" in card_text(response.card)
    gone = await chat.press("help.run", command="karaoke")
    assert "no longer available" in card_text(gone.card)


async def test_admin_command_is_refused_to_staff_and_changes_nothing(chat):
    response = await chat.say("admin")
    assert "only for a QI admin" in card_text(only_card(response))
    assert response.commit is False


async def test_a_crafted_admin_card_action_is_refused_on_the_server(chat):
    response = await chat.press("admin.refresh", role="admin", is_admin=True)
    assert "only for a QI admin" in card_text(response.card)
    assert "Admin: programme at a glance" not in card_text(response.card)


async def test_configured_admin_sees_admin_tools(content):
    chat = Chat(content, admins=frozenset({"aad-1"}))
    assert "Admin" in card_text(only_card(await chat.say("help")))
    card = only_card(await chat.say("admin"))
    assert "Admin: programme at a glance" in card_text(card)
    refreshed = await chat.press("admin.refresh")
    assert "Updated." in card_text(refreshed.card)
