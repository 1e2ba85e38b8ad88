"""Real Teams activity JSON, as Teams posts it to /api/messages (shapes taken from Teams traffic)."""

from __future__ import annotations

import itertools
import uuid

_ids = itertools.count(1)

BOT = {"id": "28:7d1e3c2a-bot", "name": "QI Companion"}


def person(n: int = 1) -> dict:
    return {"id": f"29:1user{n}", "aadObjectId": f"aad-{n}", "name": f"Sam Patel {n}"}


def _base(kind: str, service_url: str, n: int, tenant: str, conversation_type: str) -> dict:
    conversation_id = f"a:1personal{n}" if conversation_type == "personal" else f"19:group{n}@thread.v2"
    return {
        "type": kind,
        "id": f"1700000000{next(_ids):03d}",
        "timestamp": "2026-11-25T10:00:00.000Z",
        "localTimestamp": "2026-11-25T10:00:00.000+00:00",
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": person(n),
        "conversation": {
            "conversationType": conversation_type,
            "tenantId": tenant,
            "id": conversation_id,
            **({"isGroup": True} if conversation_type != "personal" else {}),
        },
        "recipient": BOT,
        "entities": [
            {
                "locale": "en-GB",
                "country": "GB",
                "platform": "Android",
                "timezone": "Europe/London",
                "type": "clientInfo",
            }
        ],
        "channelData": {"tenant": {"id": tenant}},
        "locale": "en-GB",
    }


def install(
    service_url: str, n: int = 1, *, tenant: str = "tenant-1", action: str = "add", conversation_type: str = "personal"
) -> dict:
    activity = _base("installationUpdate", service_url, n, tenant, conversation_type)
    activity["action"] = action
    activity["channelData"]["source"] = {"name": "message"}
    return activity


def bot_added(service_url: str, n: int = 1, *, tenant: str = "tenant-1", conversation_type: str = "personal"):
    activity = _base("conversationUpdate", service_url, n, tenant, conversation_type)
    activity["membersAdded"] = [{"id": BOT["id"]}]
    activity["channelData"]["eventType"] = "teamMemberAdded" if conversation_type == "channel" else None
    return activity


def message(
    service_url: str, text: str, n: int = 1, *, tenant: str = "tenant-1", conversation_type: str = "personal"
) -> dict:
    activity = _base("message", service_url, n, tenant, conversation_type)
    activity.update(text=text, textFormat="plain")
    return activity


def mention_message(service_url: str, text: str, n: int = 1) -> dict:
    """In a group chat the bot's name comes first as a mention."""
    activity = message(service_url, f"<at>QI Companion</at> {text}", n, conversation_type="groupChat")
    activity["entities"].append({"type": "mention", "text": "<at>QI Companion</at>", "mentioned": BOT})
    return activity


def card_action(service_url: str, verb: str, data: dict | None = None, n: int = 1, *, tenant: str = "tenant-1") -> dict:
    activity = _base("invoke", service_url, n, tenant, "personal")
    activity.update(
        name="adaptiveCard/action",
        replyToId=f"1700000000{uuid.uuid4().int % 1000:03d}",
        value={
            "action": {"type": "Action.Execute", "id": uuid.uuid4().hex, "verb": verb, "data": data or {}},
            "trigger": "manual",
        },
    )
    return activity


def file_message(
    service_url: str, download_url: str, name: str = "Falls poster.pdf", file_type: str = "pdf", n: int = 1, text=""
) -> dict:
    """A file sent to the bot in the personal chat (manifest "supportsFiles": true): Teams uploads it to the
    sender's OneDrive and posts a file.download.info attachment with a pre-authorised download URL, plus the
    message's HTML rendering."""
    activity = message(service_url, text, n)
    activity["attachments"] = [
        {
            "contentType": "application/vnd.microsoft.teams.file.download.info",
            "contentUrl": (
                "https://contoso-my.sharepoint.com/personal/sam_contoso_com/Documents/"
                f"Microsoft Teams Chat Files/{name}"
            ),
            "name": name,
            "content": {
                "downloadUrl": download_url,
                "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C9D",
                "fileType": file_type,
                "etag": "{1150D938-8870-4044-9F2C-5BBDEBA70C9D},2",
            },
        },
        {"contentType": "text/html", "content": "<div><div>\n<div>&nbsp;</div>\n</div>\n</div>"},
    ]
    return activity
