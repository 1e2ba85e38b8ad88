"""Two real bot processes (`qibot serve`, development mode) on one PostgreSQL database.

Both answer /api/messages; only the one holding the advisory lock runs the scheduler. SIGKILL that one mid-send:
the other takes over within 10 s, runs the ticks again without doing their work twice (dedupe keys), and
finishes the outbox: nothing lost, and duplicates no more than the sends in flight at the kill.

PostgreSQL only (SQLite is one process); skipped without it outside CI, as tests/conftest.py does.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
import time
import uuid
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot import registry
from core.events.attendance import record_register
from core.events.commands import RegistrationRequest
from core.events.model import Mark
from core.events.registration import register
from core.kernel.clock import SystemClock
from core.kernel.contacts import record_contact
from core.kernel.model import OutboundMessage, Role
from core.profile.services import save_profile
from storage.db import create_engine
from storage.migrate import upgrade
from storage.tables import outbox
from tests.bot import activities
from tests.conftest import PG_URL, _postgres_problem, require_or_skip
from tests.events.data import add_event
from tests.events.fakes import RecordingEventMessages
from tests.fake_connector import FakeConnector
from tests.fakes import teams_address

ROOT = Path(__file__).resolve().parents[2]
ROWS = 150  # outbox rows due at the start: about 3 s of sending at 48/s
KILL_AFTER = 40  # SIGKILL the leader once the connector has accepted this many of them
TAKEOVER_LIMIT = 10.0
TICK = "surveys.invitations"  # an interval tick: a new leader runs it at once
INVITATION = "surveys:inv:"  # the dedupe keys of the survey invitations it queues


@pytest.fixture
async def database():
    """A database of its own (advisory locks are per database: no other test's bot can hold this one's lock)."""
    problem = await _postgres_problem()
    if problem:
        require_or_skip(problem)
    name = f"qibot_replicas_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    await upgrade(engine)
    try:
        yield url, engine
    finally:
        await engine.dispose()
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
async def connector():
    fake = FakeConnector(rate_limit=50)
    await fake.start()
    yield fake
    await fake.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Replica:
    name: str
    port: int
    process: asyncio.subprocess.Process

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


async def start_replica(name: str, database_url: str, workdir: Path) -> Replica:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "QIBOT_"))}
    env.update(
        QIBOT_DATABASE_URL=database_url,
        QIBOT_HOST="127.0.0.1",
        QIBOT_PORT=str(port),
        QIBOT_SEND_LEASE_SECONDS="5",  # rows the dead leader held are retried 5 s after their claim
        QIBOT_LOG_LEVEL="INFO",
    )
    # `qibot serve`, from a directory without a .env file, so only these variables count.
    log = open(workdir / f"{name}.log", "wb")  # noqa: ASYNC230, SIM115 - the process writes to it until it ends
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "serve",
        cwd=workdir,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=log,
        stderr=log,
    )
    log.close()
    return Replica(name, port, process)


async def metrics(http: aiohttp.ClientSession, replica: Replica) -> str:
    async with http.get(f"{replica.url}/metrics") as response:
        assert response.status == 200
        return await response.text()


def gauge(body: str, name: str) -> float:
    found = re.search(rf"^{name} ([0-9.e+-]+)$", body, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def tick_runs(body: str, tick: str) -> float:
    found = re.search(rf'^qibot_ticks_total{{outcome="ok",tick="{re.escape(tick)}"}} ([0-9.e+-]+)$', body, re.M)
    return float(found.group(1)) if found else 0.0


async def until(condition, *, seconds: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = await condition()
        if result:
            return result
        await asyncio.sleep(every)
    raise AssertionError(f"not within {seconds:.0f} s: {what}")


async def ready(http: aiohttp.ClientSession, replica: Replica) -> bool:
    try:
        async with http.get(f"{replica.url}/readyz") as response:
            return response.status == 200
    except aiohttp.ClientConnectionError:
        return False


async def leading(http, replica) -> bool:
    try:
        return gauge(await metrics(http, replica), "qibot_scheduler_leader") == 1
    except aiohttp.ClientConnectionError:
        return False


async def seed(engine, connector: FakeConnector) -> list[int]:
    """ROWS nudges due now (each carries its dedupe key in its text), and an event that ended yesterday with two
    people who attended: their course's surveys are owed (the events hooks, as the app wires them), which the
    surveys.invitations tick sends. Returns the attendees' user ids."""
    content = registry.load_content()
    registry.wire(content)  # as create_app does: a completed course invites its attendees to its surveys
    uow_factory = registry.uow_factory(engine)
    now = SystemClock().now()
    async with uow_factory() as uow:
        for n in range(ROWS):
            address = replace(teams_address(n), service_url=connector.url)
            user = (await record_contact(uow, address=address, now=now)).user
            stored = await uow.addresses.personal(user.id)
            await uow.outbox.add(
                dedupe_key=f"replica:{n}",
                user_id=user.id,
                address_id=stored.id,
                category="bench",
                message=OutboundMessage(text=f"nudge replica:{n}"),
                due_at=now,
                counts_to_budget=False,
                now=now,
            )
        starts = now - timedelta(days=1)
        event_id = await add_event(uow, starts_at=starts)
        event = await uow.events.get_event(event_id)
        booked = starts - timedelta(days=3)
        messages = RecordingEventMessages()
        attendees, registrations = [], {}
        for n in (1001, 1002):
            address = replace(teams_address(n), service_url=connector.url)
            user = (await record_contact(uow, address=address, now=booked)).user
            user = await save_profile(
                uow,
                user_id=user.id,
                site="basildon",
                staff_group="ahp",
                experience="none",
                organisation=content.organisation,
                now=booked,
            )
            registration = await register(
                uow,
                user=user,
                request=RegistrationRequest(event_id, answers={"manager_agreement": "true"}),
                content=content,
                messages=messages,
                now=booked,
            )
            attendees.append(user.id)
            registrations[registration.id] = Mark.ATTENDED
        facilitator = (
            await record_contact(uow, address=replace(teams_address(1099), service_url=connector.url), now=booked)
        ).user
        await uow.users.grant_role(facilitator.id, Role.FACILITATOR, now=booked)
        facilitator = replace(facilitator, roles=facilitator.roles | {Role.FACILITATOR})
        await record_register(
            uow,
            user=facilitator,
            event_id=event_id,
            date_id=event.dates[0].id,
            marks=registrations,
            content=content,
            messages=messages,
            now=event.ends_at,
        )
        await uow.commit()
    return attendees


async def outbox_rows(engine) -> list:
    async with engine.connect() as conn:
        return (await conn.execute(select(outbox.c.dedupe_key, outbox.c.status, outbox.c.due_at))).all()


def key_of(received) -> str | None:
    words = (received.text or "").split()
    return words[-1] if words and words[-1].startswith("replica:") else None


async def say_help(http, replica: Replica, connector: FakeConnector, n: int) -> None:
    """A real Teams message to this replica's /api/messages; its reply must reach the connector."""
    activity = activities.message(connector.url, "help", n)
    async with http.post(f"{replica.url}/api/messages", json=activity) as response:
        assert response.status in (200, 201), f"{replica.name} answered {response.status}"

    async def replied():
        return any(r.activity.get("replyToId") == activity["id"] for r in connector.delivered())

    await until(replied, seconds=15, what=f"{replica.name}'s reply to help")


async def test_two_replicas_one_scheduler_and_a_killed_leader_is_replaced(database, connector, tmp_path):
    url, engine = database
    attendees = await seed(engine, connector)
    replicas = [await start_replica(name, url, tmp_path) for name in ("first", "second")]
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            for replica in replicas:
                await until(lambda r=replica: ready(http, r), seconds=45, what=f"{replica.name} ready")

            # Exactly one replica schedules; it ran the feedback tick at once; the other ran no tick at all.
            async def one_leader():
                flags = [await leading(http, r) for r in replicas]
                return flags if sum(flags) == 1 else None

            flags = await until(one_leader, seconds=15, what="one leader")
            leader, standby = (replicas[0], replicas[1]) if flags[0] else (replicas[1], replicas[0])

            async def invitations_ran(replica):
                return tick_runs(await metrics(http, replica), TICK) >= 1

            await until(lambda: invitations_ran(leader), seconds=20, what=f"the leader runs {TICK} at once")
            assert "qibot_ticks_total{" not in await metrics(http, standby)
            first_run = {key for key, _, _ in await outbox_rows(engine) if key.startswith(INVITATION)}
            assert len(first_run) >= len(attendees), first_run  # each attendee was sent their survey

            # Both serve /api/messages.
            await say_help(http, leader, connector, 1)
            await say_help(http, standby, connector, 2)

            async def accepted(count):
                return sum(1 for r in connector.delivered() if key_of(r)) >= count

            await until(lambda: accepted(KILL_AFTER), seconds=30, what=f"{KILL_AFTER} nudges sent by the leader")
            leader.process.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            sending_at_kill = {key for key, status, _ in await outbox_rows(engine) if status == "sending"}
            await leader.process.wait()

            await until(lambda: leading(http, standby), seconds=TAKEOVER_LIMIT, what="the standby takes over")
            takeover = time.monotonic() - killed_at
            assert takeover < TAKEOVER_LIMIT

            # Rows the dead leader had claimed, and whose message the connector had accepted: sent, not recorded.
            await asyncio.sleep(max(0.0, 1.0 - takeover))
            accepted_early = {key_of(r) for r in connector.delivered() if key_of(r) and r.at <= killed_at + 1.0}
            in_flight = sending_at_kill & accepted_early

            now = SystemClock().now()

            async def outbox_done():
                rows = await outbox_rows(engine)
                unfinished = [k for k, s, due in rows if s == "sending" or (s == "pending" and due <= now)]
                return rows if not unfinished else None

            rows = await until(outbox_done, seconds=40, what="the new leader finishes the outbox", every=0.5)
            await until(lambda: invitations_ran(standby), seconds=20, what=f"{TICK} runs again on takeover")
            await say_help(http, standby, connector, 3)  # and it still serves
    finally:
        running = [r.process for r in replicas if r.process.returncode is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()

    # No outbox row lost: every nudge reached the connector; nothing due is left unsent.
    statuses = {key: status for key, status, _ in rows}
    counts: dict[str, int] = {}
    for r in connector.delivered():
        if key_of(r):
            counts[key_of(r)] = counts.get(key_of(r), 0) + 1
    expected = {f"replica:{n}" for n in range(ROWS)}
    assert expected <= set(counts), f"lost: {sorted(expected - set(counts))[:5]}"
    assert all(statuses[key] == "sent" for key in expected)
    # Duplicates: only rows in flight at the kill, and no more of them than the dispatcher's concurrency.
    duplicated = {key for key, n in counts.items() if n > 1}
    assert duplicated <= in_flight and len(in_flight) <= 16
    assert sum(counts[key] - 1 for key in duplicated) <= len(in_flight)
    # The invitations tick ran on both leaders; its work was done once: the second run queued nothing new.
    assert {key for key in statuses if key.startswith(INVITATION)} == first_run
