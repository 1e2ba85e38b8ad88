"""Transcripts: `settings` (pause, opt-outs, own hours)."""

import json
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
    assert "Settings saved." in text and "Paused until" in text
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


@pytest.mark.parametrize("days", ["-3", "400"])
async def test_a_pause_out_of_range_gets_a_message_by_the_field(chat, days):
    response = await chat.press("preferences.save", **form(pause_days=days))
    body = json.dumps(response.card)
    assert "Please choose a pause of 0 to 90 days." in card_text(response.card)
    pause = next(e for e in walk(response.card) if e.get("id") == "pause_days")
    assert pause["errorMessage"] == "Please choose a pause of 0 to 90 days."
    assert '"id": "settings-pause", "isVisible": true' in body  # the section with the problem is open
    assert chat.uow.rolled_back


async def test_a_refused_save_keeps_everything_that_was_changed(chat):
    typed = form(pause_days="lots", cat_events="false", learning_time="07:30", own_hours="true", days="5,6")
    response = await chat.press("preferences.save", **typed)
    inputs = {e["id"]: e.get("value") for e in walk(response.card) if str(e.get("type", "")).startswith("Input.")}
    assert inputs["cat_events"] == "false" and inputs["learning_time"] == "07:30"
    assert inputs["own_hours"] == "true" and inputs["days"] == "5,6"
    assert "whole number of days" in card_text(response.card)


async def test_the_settings_card_is_short_and_uses_24_hour_times(chat):
    card = only_card(await chat.say("settings"))
    hidden = [e for e in card["body"] if e.get("type") == "Container" and e.get("isVisible") is False]
    assert len(hidden) == 3  # Pause, kinds of message and hours open on demand
    times = [e for e in walk(card) if e.get("id") in ("learning_time", "start", "end")]
    assert times and all(e["type"] == "Input.ChoiceSet" for e in times)
    assert all(":" in c["value"] and "M" not in c["title"] for e in times for c in e["choices"])


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)
