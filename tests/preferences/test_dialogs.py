"""Transcripts: `settings` (pause, opt-outs, own hours)."""

from datetime import time, timedelta

import pytest

from tests.dialogs.harness import Chat, card_text, only_card


@pytest.fixture
def chat(content):
    return Chat(content)


def form(**overrides):
    values = {"pause_days": "", "own_hours": "false", "days": "0,1,2,3,4", "start": "08:00", "end": "18:00"}
    values.update(
        {
            "cat_learning": "true",
            "cat_projects": "true",
            "cat_action_learning": "true",
            "cat_events": "true",
            "cat_surveys": "true",
            "cat_clinic_reminders": "true",
        }
    )
    values.update(overrides)
    return values


async def test_settings_card_shows_current_state(chat):
    text = card_text(only_card(await chat.say("settings")))
    assert "Nudges are on." in text
    assert "Mon, Tue, Wed, Thu, Fri 08:00-18:00 (the usual working week)" in text


async def test_pause_opt_out_and_own_hours_are_saved(chat):
    response = await chat.press(
        "preferences.save",
        **form(pause_days="7", cat_events="false", own_hours="true", days="5,6", start="19:00", end="07:00"),
    )
    text = card_text(response.card)
    assert "Settings saved." in text and "Nudges are paused until" in text
    prefs = await chat.uow.preferences.get((await chat.user()).id)
    assert prefs.opted_out == {"events"}
    assert prefs.paused_until == chat.clock.now() + timedelta(days=7)
    assert (prefs.hours.days, prefs.hours.start, prefs.hours.end) == ({5, 6}, time(19), time(7))


async def test_zero_resumes_and_empty_keeps_the_pause(chat):
    await chat.press("preferences.save", **form(pause_days="3"))
    await chat.press("preferences.save", **form(pause_days=""))
    user = await chat.user()
    assert (await chat.uow.preferences.get(user.id)).paused_until is not None
    await chat.press("preferences.save", **form(pause_days="0"))
    assert (await chat.uow.preferences.get(user.id)).paused_until is None


@pytest.mark.parametrize(
    "bad, message",
    [
        (dict(pause_days="2.5"), "whole number of days"),
        (dict(pause_days="lots"), "whole number of days"),
        (dict(pause_days="365"), "0 to 90 days"),
        (dict(own_hours="true", days=""), "at least one working day"),
        (dict(own_hours="true", start="25:00"), "From must be a time"),
        (dict(own_hours="true", start="09:00", end="09:00"), "must be different"),
    ],
)
async def test_bad_settings_get_a_clear_message_and_change_nothing(chat, bad, message):
    await chat.say("settings")
    before = chat.snapshot()
    response = await chat.press("preferences.save", **form(cat_events="false", **bad))
    assert message in card_text(response.card)
    assert chat.uow.rolled_back and chat.snapshot() == before
    prefs = await chat.uow.preferences.get((await chat.user()).id)
    assert prefs.opted_out == frozenset() and prefs.paused_until is None
