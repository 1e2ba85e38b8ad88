"""The proactive sender's two kinds of message besides a plain one, against the fake connector: a new thread in a
team channel (create_conversation with channelData.channel.id; the new thread's id comes back to the outbox) and
an update of an earlier message. And a channel the bot was removed from stops only that channel's sends."""

from dataclasses import replace

import pytest
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bot.app import _auth_configuration
from bot.config import Config
from bot.sender import BotFrameworkSender
from core.kernel.contacts import record_contact
from core.kernel.model import OutboundMessage
from core.kernel.ports import SendOutcomeKind
from scheduler.dispatcher import Dispatcher
from tests.fakes import teams_address

CHANNEL = "19:coaches0a1b2c@thread.tacv2"


@pytest.fixture
def sender():
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_auth_configuration(Config())))
    return BotFrameworkSender(adapter, app_id="", timeout=5)


def channel_address(connector, conversation_id=CHANNEL):
    return replace(
        teams_address(1), service_url=connector.url, conversation_id=conversation_id, conversation_type="channel"
    )


async def test_a_new_thread_is_created_in_the_channel_and_its_id_reported(sender, connector):
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "A question"}]}
    # The stored address may itself be a thread in the channel: the new thread still goes to the channel.
    outcome = await sender.send(
        channel_address(connector, f"{CHANNEL};messageid=1699999999999"),
        OutboundMessage(card=card, new_thread=True),
    )
    assert outcome.kind == SendOutcomeKind.SENT
    [parameters] = connector.created
    assert parameters["channelData"] == {"channel": {"id": CHANNEL}}
    assert parameters["isGroup"] is True and parameters["bot"]["id"] == "28:bot"
    assert parameters["activity"]["attachments"][0]["content"] == card
    [first] = connector.delivered()
    assert outcome.conversation_id == first.conversation_id
    assert outcome.conversation_id == f"{CHANNEL};messageid={first.activity['id']}"


async def test_a_failed_thread_creation_is_an_outcome_not_an_exception(sender, connector):
    connector.script(403)
    outcome = await sender.send(channel_address(connector), OutboundMessage(text="hello", new_thread=True))
    assert outcome.kind == SendOutcomeKind.GONE and outcome.conversation_id is None


async def test_replaces_updates_the_earlier_message(sender, connector):
    thread = f"{CHANNEL};messageid=1700000000123"
    outcome = await sender.send(
        channel_address(connector, thread), OutboundMessage(text="Withdrawn", replaces="1700000000123")
    )
    assert outcome.kind == SendOutcomeKind.SENT
    [update] = connector.received
    assert update.method == "PUT" and update.conversation_id == thread
    assert update.activity["id"] == "1700000000123" and update.text == "Withdrawn"


async def test_the_outbox_records_the_thread_a_message_started(uow_factory, sender, clock, connector):
    async with uow_factory() as uow:
        admin = (await record_contact(uow, address=channel_address(connector), now=clock.now())).user
        stored = await uow.addresses.for_conversation(admin.id, CHANNEL)
        await uow.outbox.add(
            dedupe_key="t:thread:1",
            user_id=admin.id,
            address_id=stored.id,
            category="clinic_updates",
            message=OutboundMessage(text="A question", new_thread=True),
            due_at=clock.now(),
            counts_to_budget=False,
            now=clock.now(),
        )
        assert await uow.outbox.started_conversation("t:thread:1") is None  # not sent yet
        await uow.commit()
    await Dispatcher(uow_factory, sender, clock, app_rate=50).drain()
    [first] = connector.delivered()
    async with uow_factory() as uow:
        assert await uow.outbox.started_conversation("t:thread:1") == first.conversation_id
        assert first.conversation_id.startswith(f"{CHANNEL};messageid=")


async def test_a_channel_the_bot_left_stops_there_and_the_person_stays_reachable(uow_factory, sender, clock, connector):
    async with uow_factory() as uow:
        personal = replace(teams_address(1), service_url=connector.url)
        admin = (await record_contact(uow, address=personal, now=clock.now())).user
        channel = await uow.addresses.upsert(admin.id, channel_address(connector), now=clock.now())
        mine = await uow.addresses.personal(admin.id)
        for key, address_id in (("t:channel", channel.id), ("t:personal", mine.id)):
            await uow.outbox.add(
                dedupe_key=key,
                user_id=admin.id,
                address_id=address_id,
                category="clinic_updates",
                message=OutboundMessage(text=key),
                due_at=clock.now(),
                counts_to_budget=False,
                now=clock.now(),
            )
        await uow.commit()
    connector.script(403, conversation_id=CHANNEL)
    await Dispatcher(uow_factory, sender, clock, app_rate=50, concurrency=1).drain()
    async with uow_factory() as uow:
        assert (await uow.addresses.get(channel.id)).active is False
        assert await uow.addresses.personal(admin.id) is not None  # still reachable one-to-one
        assert await uow.outbox.status_counts() == {"failed": 1, "sent": 1}
    assert [r.text for r in connector.delivered()] == ["t:personal"]
