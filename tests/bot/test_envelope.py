"""Bad envelopes are a 400 naming the field, never a 500, and nothing of them is stored or logged; mentions
without `mentioned` and the old Action.Submit fallback work."""

from __future__ import annotations

import json
import logging

import pytest

from bot.teams import SORRY
from tests.bot import activities as a
from tests.dialogs.harness import card_text

MARKER = "MARKER-7f3a"

WRONG = [
    ("timestamp", "garbage", "timestamp is not a valid date and time"),
    ("timestamp", "2026-13-40T00:00:00Z", "timestamp is not a valid date and time"),
    ("timestamp", 1.5, "timestamp must be a string"),
    ("localTimestamp", "yesterday", "localTimestamp is not a valid date and time"),
    ("expiration", "soon", "expiration is not a valid date and time"),
    ("entities", 5, "entities must be a list"),
    ("entities", [5], "entities.0 must be an object"),
    ("entities", [{"type": 5}], "entities.0.type must be a string"),
    ("entities", [{"type": "mention", "mentioned": "bot"}], "entities.0.mentioned must be an object"),
    ("membersAdded", [1], "membersAdded.0 must be an object"),
    ("membersAdded", {"id": "x"}, "membersAdded must be a list"),
    ("membersRemoved", [{"id": 7}], "membersRemoved.0.id must be a string"),
    ("attachments", "card", "attachments must be a list"),
    ("attachments", [[]], "attachments.0 must be an object"),
    ("attachments", [{"contentType": 3}], "attachments.0.contentType must be a string"),
    ("text", 42, "text must be a string"),
    ("text", {"a": 1}, "text must be a string"),
    ("channelData", [], "channelData must be an object"),
    ("conversation", {"id": "c", "conversationType": 1}, "conversation.conversationType must be a string"),
    ("conversation", {"id": "c", "isGroup": "yes"}, "conversation.isGroup must be true or false"),
    ("from", {"id": "29:x", "name": ["Sam"]}, "from.name must be a string"),
    ("from", {"id": "29:x", "aadObjectId": 1}, "from.aadObjectId must be a string"),
    ("recipient", "bot", "recipient must be an object"),
    ("suggestedActions", 5, "suggestedActions must be an object"),
    ("relatesTo", "x", "relatesTo must be an object"),
    ("reactionsAdded", [3], "reactionsAdded.0 must be an object"),
    ("textHighlights", [{"occurrence": "one"}], "textHighlights.0.occurrence must be a whole number"),
    ("historyDisclosed", "no", "historyDisclosed must be true or false"),
    ("locale", 44, "locale must be a string"),
    ("replyToId", 1, "replyToId must be a string"),
    ("channelData", {"tenant": {"id": 5}}, "channelData.tenant.id must be a string"),
    ("channelData", {"tenant": "t"}, "channelData.tenant must be an object"),
    ("from", {"id": "29:x", "name": "Sam\x00"}, "from.name contains a character that is not allowed"),
    ("conversation", {"id": "a:\x00"}, "conversation.id contains a character that is not allowed"),
    ("from", {"id": "29:x", "name": "Sam \ud800"}, "from.name contains a character that is not allowed"),
]


@pytest.mark.parametrize(("field", "value", "reason"), WRONG, ids=[f"{f}={v!r}" for f, v, _ in WRONG])
async def test_a_wrong_typed_field_is_a_400_naming_it(client, connector, uows, caplog, field, value, reason):
    caplog.set_level(logging.DEBUG)
    activity = a.message(connector.url, f"help {MARKER}")
    activity["from"]["name"] = f"Zebulon {MARKER}"
    activity[field] = value
    response = await client.post("/api/messages", json=activity)
    assert response.status == 400, await response.text()
    assert (await response.json())["error"] == f"activity field {reason}"
    async with uows() as uow:
        assert await uow.users.by_teams_id("29:1user1") is None
    assert connector.received == []
    assert MARKER not in caplog.text


INVOKE_WRONG = [
    ({"value": None}, "value must be an object"),
    ({"value": "x"}, "value must be an object"),
    ({"value": {"trigger": "manual"}}, "value.action is missing"),
    ({"value": {"action": [1]}}, "value.action must be an object"),
    ({"value": {"action": {"verb": 7, "data": {}}}}, "value.action.verb must be a string"),
    ({"value": {"action": {"verb": "help.run", "data": "x"}}}, "value.action.data must be an object"),
]


@pytest.mark.parametrize(("change", "reason"), INVOKE_WRONG)
async def test_a_card_action_whose_value_is_not_an_object_is_a_400(client, connector, change, reason):
    activity = a.card_action(connector.url, "help.run")
    activity.update(change)
    if change.get("value") is None:
        del activity["value"]
        reason = "value is missing"
    response = await client.post("/api/messages", json=activity)
    assert response.status == 400 and (await response.json())["error"] == f"activity field {reason}"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
async def test_nan_and_infinity_are_not_json(client, connector, constant):
    body = json.dumps(a.card_action(connector.url, "settings.save", {"pause_days": 1})).replace("1}", constant + "}")
    assert constant in body
    response = await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})
    assert response.status == 400 and "not valid JSON" in (await response.json())["error"]


async def test_deeply_nested_json_is_a_400(client):
    body = "[" * 100_000 + "]" * 100_000
    response = await client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})
    assert response.status == 400


@pytest.mark.parametrize(
    "entity",
    [
        {"type": "mention", "text": "<at>QI Companion</at>"},  # no `mentioned`
        {"type": "mention", "mentioned": {"name": "QI Companion"}},  # no id
        {"type": "mention", "mentioned": {"id": "28:7d1e3c2a-bot", "name": "QI (Companion"}},  # not a regex
        {"type": "Mention", "mentioned": None},
        {"type": None},
        {},
    ],
)
async def test_odd_mention_entities_do_not_crash(client, connector, entity):
    activity = a.mention_message(connector.url, "help")
    activity["entities"].append(entity)
    response = await client.post("/api/messages", json=activity)
    assert response.status == 200
    [reply] = connector.delivered()
    assert reply.text != SORRY and "What I can do" in card_text(reply.card)


async def test_the_bot_mention_is_removed_without_the_sdk(client, connector):
    activity = a.message(connector.url, "<at>QI (Companion</at> help", conversation_type="groupChat")
    bot = {**activity["recipient"], "name": "QI (Companion"}
    activity["entities"].append({"type": "mention", "text": "<at>QI (Companion</at>", "mentioned": bot})
    assert (await client.post("/api/messages", json=activity)).status == 200
    assert "What I can do" in card_text(connector.delivered()[-1].card)


async def test_the_old_action_submit_fallback_gets_its_reply(client, connector):
    activity = a.message(connector.url, "")
    activity["value"] = {"verb": "help.run"}
    del activity["text"]
    response = await client.post("/api/messages", json=activity)
    assert response.status == 200
    replies = [r for r in connector.delivered() if "What I can do" in card_text(r.card)]
    assert len(replies) == 1 and all(r.text != SORRY for r in connector.delivered())


async def test_the_action_submit_fallback_of_a_save_gets_its_result(client, connector, uows):
    await client.post("/api/messages", json=a.install(connector.url))
    activity = a.message(connector.url, "")
    activity["value"] = {
        "verb": "onboarding.save",
        "site": "basildon",
        "staff_group": "medical_dental",
        "experience": "none",
    }
    assert (await client.post("/api/messages", json=activity)).status == 200
    assert "Thanks, you are all set." in card_text(connector.delivered()[-1].card)
    async with uows() as uow:
        assert (await uow.users.by_teams_id("29:1user1")).site == "basildon"
