"""Through /api/messages with real Teams JSON: Send on the review card records the id of the message holding the
card (Teams' replyToId), and the tick's progress update replaces exactly that message."""

import pytest
from sqlalchemy import select

from bot import registry
from bot.config import Config
from core.announcements.delivery import deliver_announcements
from storage.tables import outbox
from tests.announcements.data import fields
from tests.bot import activities as a
from tests.dialogs.harness import FakeLinks


@pytest.fixture
def settings():
    return Config(scheduler_enabled=False, admins=frozenset({"aad-1"}))


async def invoke(client, activity):
    response = await client.post("/api/messages", json=activity)
    assert response.status == 200
    return (await response.json())["value"]


async def test_send_remembers_the_card_message_and_the_progress_update_replaces_it(
    client, connector, uows, content, clock, sqlite_engine
):
    for n in (1, 2, 3):
        assert (await client.post("/api/messages", json=a.message(connector.url, "hello", n))).status in (200, 201)
    preview = a.card_action(connector.url, "announcements.preview", {"form": "httpform1", **fields()})
    review = await invoke(client, preview)
    send = next(b for b in review["actions"] if b["title"] == "Send")
    activity = a.card_action(connector.url, "announcements.send", send["data"])
    assert "Scheduled" in str(await invoke(client, activity))
    async with uows() as uow:
        assert (await uow.announcements.get(send["data"]["a"])).author_card == activity["replyToId"]
        messages = registry.messages(content, FakeLinks())["announcements"]
        await deliver_announcements(uow, content=content, messages=messages, now=clock.now())
        await uow.commit()
    async with sqlite_engine.connect() as conn:
        rows = (await conn.execute(select(outbox.c.dedupe_key, outbox.c.payload))).all()
    updates = [payload for key, payload in rows if ":card:" in key]
    assert len(updates) == 1 and updates[0]["replaces"] == activity["replyToId"]
    assert len([key for key, _ in rows if ":to:" in key]) == 3
