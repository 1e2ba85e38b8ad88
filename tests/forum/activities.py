"""Real Teams channel activity JSON (a team channel: conversationType channel, channelData.team and .channel, a
thread's conversation id "19:...;messageid=<root>", the bot's @mention as an entity), built on the personal-chat
builders in tests/bot/activities.py."""

from __future__ import annotations

import itertools
import uuid

from tests.bot.activities import BOT, _base

CHANNEL = "19:2c9b1f3a0d4e4f1b9c8d7e6f5a4b3c2d@thread.tacv2"
TEAM = "19:8f7e6d5c4b3a4c2d9e1f0a1b2c3d4e5f@thread.tacv2"
GROUP = "2a84c4d1-6d2e-4c8b-9a7d-3f1e2d3c4b5a"
MENTION = "<at>QI Companion</at>"
_ids = itertools.count(500)


def _channel_data(tenant: str) -> dict:
    return {
        "teamsChannelId": CHANNEL,
        "teamsTeamId": TEAM,
        "channel": {"id": CHANNEL},
        "team": {"id": TEAM, "name": "QI coaches", "aadGroupId": GROUP},
        "tenant": {"id": tenant},
    }


def _in_channel(activity: dict, conversation_id: str, tenant: str) -> dict:
    activity["conversation"] = {
        "isGroup": True,
        "conversationType": "channel",
        "tenantId": tenant,
        "id": conversation_id,
    }
    activity["channelData"] = _channel_data(tenant)
    return activity


def new_post(service_url: str, text: str, n: int = 1, *, tenant: str = "tenant-1") -> dict:
    """A new post in the channel mentioning the bot: its conversation id names its own message as the root."""
    activity = _base("message", service_url, n, tenant, "channel")
    activity["id"] = f"1700000{next(_ids):06d}"
    _in_channel(activity, f"{CHANNEL};messageid={activity['id']}", tenant)
    activity.update(text=f"<p>{MENTION} {text}</p>", textFormat="xml")
    activity["entities"].append({"type": "mention", "text": MENTION, "mentioned": BOT})
    return activity


def thread_reply(
    service_url: str, text: str, n: int, *, thread: str, mention: bool = False, tenant: str = "tenant-1"
) -> dict:
    """A reply in a thread. With resource-specific consent it arrives without a mention too."""
    activity = _base("message", service_url, n, tenant, "channel")
    activity["id"] = f"1700000{next(_ids):06d}"
    _in_channel(activity, thread, tenant)
    activity["replyToId"] = thread.split(";messageid=")[1]
    activity.update(text=f"{MENTION} {text}" if mention else text, textFormat="plain")
    if mention:
        activity["entities"].append({"type": "mention", "text": MENTION, "mentioned": BOT})
    return activity


def channel_card_action(
    service_url: str, verb: str, data: dict, n: int, *, conversation_id: str, tenant: str = "tenant-1"
) -> dict:
    activity = _base("invoke", service_url, n, tenant, "channel")
    _in_channel(activity, conversation_id, tenant)
    activity.update(
        name="adaptiveCard/action",
        replyToId=conversation_id.split(";messageid=")[1],
        value={
            "action": {"type": "Action.Execute", "id": uuid.uuid4().hex, "verb": verb, "data": data},
            "trigger": "manual",
        },
    )
    return activity


def from_the_bot(activity: dict) -> dict:
    """The same activity as if the bot itself had sent it."""
    return {**activity, "from": dict(BOT)}
