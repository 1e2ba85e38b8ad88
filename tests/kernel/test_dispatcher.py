"""The dispatcher with the real Bot Framework sender against a local fake connector (201, 429, 500, 403)."""

import random
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bot.app import _auth_configuration
from bot.config import Config
from bot.sender import BotFrameworkSender
from core.kernel.contacts import record_contact
from core.kernel.delivery import RetryPolicy
from core.kernel.model import OutboundMessage
from core.kernel.nudges import enqueue_nudge
from scheduler.dispatcher import Dispatcher
from tests.fakes import teams_address


class Recorder:
    def __init__(self):
        self.outcomes = []

    def delivered(self, outcome, latency_seconds=None):
        self.outcomes.append(outcome)


@pytest.fixture
def sender():
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(_auth_configuration(Config())))
    return BotFrameworkSender(adapter, app_id="", timeout=5)


@pytest.fixture
def dispatcher(uow_factory, sender, clock):
    return Dispatcher(
        uow_factory,
        sender,
        clock,
        app_rate=50,
        conversation_rate=7,
        policy=RetryPolicy(max_attempts=3, base_delay=2, max_delay=60),
        observer=Recorder(),
        rng=random.Random(7),
    )


async def people_with_nudges(uow_factory, clock, content, connector, count=3, per_person=1):
    async with uow_factory() as uow:
        for n in range(1, count + 1):
            address = replace(teams_address(n), service_url=connector.url)
            user = (await record_contact(uow, address=address, now=clock.now())).user
            for k in range(per_person):
                decision = await enqueue_nudge(
                    uow,
                    rules=content.nudges,
                    timezone=content.organisation.timezone,
                    user_id=user.id,
                    category="clinic_reminders",
                    message=OutboundMessage(text=f"reminder {n}.{k}"),
                    dedupe_key=f"test:{n}:{k}",
                    now=clock.now(),
                )
                assert decision.enqueued
        await uow.commit()


async def statuses(uow_factory):
    async with uow_factory() as uow:
        return await uow.outbox.status_counts()


async def test_every_message_is_delivered_once(dispatcher, uow_factory, clock, content, connector):
    await people_with_nudges(uow_factory, clock, content, connector, count=5, per_person=2)
    assert await dispatcher.drain() == 10
    texts = [r.text for r in connector.delivered()]
    assert sorted(texts) == sorted(f"reminder {n}.{k}" for n in range(1, 6) for k in range(2))
    assert await statuses(uow_factory) == {"sent": 10}
    assert await dispatcher.drain() == 0  # nothing sent twice
    assert len(connector.received) == 10
    sent = connector.delivered("a:conv-3")[0].activity
    assert sent["conversation"]["id"] == "a:conv-3" and sent["recipient"]["id"] == "29:user-3"


async def test_429_honours_retry_after_and_pauses_all_sending(uow_factory, sender, clock, content, connector):
    # One send at a time, so no other send is already in flight when the 429 arrives.
    dispatcher = Dispatcher(uow_factory, sender, clock, app_rate=50, concurrency=1)
    await people_with_nudges(uow_factory, clock, content, connector, count=3)
    connector.script((429, {"Retry-After": "1"}))
    await dispatcher.run_once()  # first send throttled; the other two (other people) wait for the pause
    throttled, *rest = connector.received
    assert throttled.status == 429
    assert [r.status for r in rest] == [201, 201]
    assert all(r.at - throttled.at >= 0.95 for r in rest), "sends resumed before Retry-After elapsed"
    assert await statuses(uow_factory) == {"sent": 2, "pending": 1}
    clock.advance(seconds=1)
    await dispatcher.run_once()
    assert await statuses(uow_factory) == {"sent": 3}
    assert len(connector.delivered()) == 3


async def test_5xx_retries_with_backoff_then_succeeds(dispatcher, uow_factory, clock, content, connector):
    await people_with_nudges(uow_factory, clock, content, connector, count=1)
    connector.script(500, 503)
    await dispatcher.run_once()
    assert await dispatcher.run_once() == 0  # not due again until the backoff has passed
    clock.advance(seconds=2)
    await dispatcher.run_once()
    clock.advance(seconds=4)
    await dispatcher.run_once()
    assert [r.status for r in connector.received] == [500, 503, 201]
    assert await statuses(uow_factory) == {"sent": 1}
    assert dispatcher.observer.outcomes == ["retried", "retried", "sent"]


async def test_persistent_failure_is_marked_failed_with_its_last_error(
    dispatcher, uow_factory, clock, content, connector
):
    await people_with_nudges(uow_factory, clock, content, connector, count=1)
    connector.script(500, 500, 412)
    for _ in range(3):
        await dispatcher.run_once()
        clock.advance(minutes=5)
    assert await statuses(uow_factory) == {"failed": 1}
    async with uow_factory() as uow:
        row = (await uow._conn.exec_driver_sql("SELECT attempts, last_error FROM outbox")).one()
    assert row.attempts == 3 and "412" in row.last_error
    await dispatcher.run_once()
    assert len(connector.received) == 3


async def test_403_marks_the_person_unreachable_and_stops_sending(dispatcher, uow_factory, clock, content, connector):
    await people_with_nudges(uow_factory, clock, content, connector, count=2, per_person=2)
    connector.script(403, conversation_id="a:conv-1")
    dispatcher.per_conversation.rate = 100
    await dispatcher.drain()
    to_one = [r for r in connector.received if r.conversation_id == "a:conv-1"]
    assert [r.status for r in to_one] == [403]  # the second message to them was never tried
    assert len(connector.delivered("a:conv-2")) == 2
    assert await statuses(uow_factory) == {"unreachable": 2, "sent": 2}
    async with uow_factory() as uow:
        user = await uow.users.by_teams_id("29:user-1")
        decision = await enqueue_nudge(
            uow,
            rules=content.nudges,
            timezone=content.organisation.timezone,
            user_id=user.id,
            category="clinic_reminders",
            message=OutboundMessage(text="again"),
            dedupe_key="later",
            now=clock.now() + timedelta(days=1),
        )
    assert not decision.enqueued


async def test_connection_refused_is_retried_not_lost(dispatcher, uow_factory, clock, content, connector):
    await people_with_nudges(uow_factory, clock, content, connector, count=1)
    await connector.stop()
    await dispatcher.run_once()
    assert await statuses(uow_factory) == {"pending": 1}
    await connector.start()
    async with uow_factory() as uow:
        user = await uow.users.by_teams_id("29:user-1")
        await uow.addresses.upsert(user.id, replace(teams_address(1), service_url=connector.url), now=clock.now())
        await uow.commit()
    clock.advance(minutes=1)
    await dispatcher.run_once()
    assert await statuses(uow_factory) == {"sent": 1}


async def test_per_conversation_rate_is_respected(uow_factory, sender, clock, content, connector):
    dispatcher = Dispatcher(uow_factory, sender, clock, app_rate=1000, conversation_rate=7)
    await people_with_nudges(uow_factory, clock, content, connector, count=1, per_person=15)
    started = time.monotonic()
    await dispatcher.drain()
    times = sorted(r.at for r in connector.delivered())
    assert len(times) == 15
    assert times[-1] - times[0] >= 14 / 7 - 0.1  # 15 sends to one conversation take at least 2 s
    assert time.monotonic() - started < 10
