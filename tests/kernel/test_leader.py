"""Only one replica runs the scheduler; another takes over when it stops (PostgreSQL advisory lock)."""

import asyncio
import random

import pytest
from sqlalchemy import exc

from scheduler.runner import SchedulerRunner, Tick
from storage.db import create_engine
from storage.leader import AdvisoryLockLeader, SoleLeader
from storage.uow import SqlUnitOfWorkFactory
from tests.conftest import PG_URL, make_engine


@pytest.fixture
async def pg_engines(tmp_path):
    first, cleanup = await make_engine("postgres", tmp_path)
    second = create_engine(PG_URL)
    yield first, second
    await second.dispose()
    await cleanup()


def runner_for(engine, key, calls):
    async def tick():
        calls.append(engine)

    return SchedulerRunner(
        AdvisoryLockLeader(engine, key=key),
        [Tick("test.tick", tick, every_seconds=0.05)],
        timezone="Europe/London",
        poll_seconds=0.05,
    )


async def test_one_replica_schedules_and_the_other_takes_over(pg_engines):
    key = random.getrandbits(62)
    calls: list = []
    first, second = (runner_for(engine, key, calls) for engine in pg_engines)
    await first.step()
    await second.step()
    assert first.running and not second.running
    await asyncio.sleep(0.3)
    assert calls and all(engine is pg_engines[0] for engine in calls)

    await first.stop()  # the replica shuts down: its session and lock go with it
    calls.clear()
    await second.step()
    assert second.running
    await asyncio.sleep(0.3)
    assert calls and all(engine is pg_engines[1] for engine in calls)
    await second.stop()


async def test_a_dead_leader_connection_hands_over(pg_engines):
    key = random.getrandbits(62)
    leader = AdvisoryLockLeader(pg_engines[0], key=key)
    other = AdvisoryLockLeader(pg_engines[1], key=key)
    assert await leader.try_acquire()
    assert not await other.try_acquire()
    await leader._conn.invalidate()  # as if the replica's connection dropped (crash, network)
    assert not await leader.still_leading()
    assert await other.try_acquire()
    await other.release()


async def test_the_leaders_connection_takes_a_place_at_the_pool_gate():
    """While it leads, the lock's connection is one of the pool's: a unit of work that would need it waits at the
    gate (and times out there, in order), not in the pool's own queue; leading ends and the place is free again."""
    engine = create_engine(PG_URL, pool_size=3)
    key = random.getrandbits(62)
    uows = SqlUnitOfWorkFactory(engine, {})
    uows.gate.timeout = 0.3
    leader, other = AdvisoryLockLeader(engine, key=key), AdvisoryLockLeader(engine, key=key)
    try:
        assert await leader.try_acquire()
        assert not await other.try_acquire()  # a failed try gives its place back
        opened = [uows(), uows()]
        for uow in opened:
            await uow.__aenter__()
        with pytest.raises(exc.TimeoutError):  # the gate's, in 0.3 s: not the pool's queue, after 30 s
            await asyncio.wait_for(uows().__aenter__(), 5)
        for uow in opened:
            await uow.__aexit__(None, None, None)
        await leader.release()
        opened = [uows() for _ in range(3)]
        for uow in opened:  # every place is free again
            await uow.__aenter__()
        for uow in opened:
            await uow.__aexit__(None, None, None)
    finally:
        await leader.release()
        await engine.dispose()


async def test_sqlite_is_always_its_own_leader():
    calls = []

    async def tick():
        calls.append(1)

    runner = SchedulerRunner(
        SoleLeader(), [Tick("t", tick, every_seconds=0.05)], timezone="Europe/London", poll_seconds=0.05
    )
    runner.start()
    await asyncio.sleep(0.3)
    await runner.stop()
    assert runner.scheduler is None and calls


class Seen:
    def __init__(self):
        self.leading_calls, self.runs = [], []

    def leading(self, leading):
        self.leading_calls.append(leading)

    def tick_ran(self, name, outcome):
        self.runs.append((name, outcome))


async def test_a_new_leader_runs_interval_ticks_at_once_not_after_a_whole_interval():
    calls = []

    async def hourly():
        calls.append("hourly")

    async def broken():
        raise RuntimeError("boom")

    async def nightly():
        calls.append("nightly")

    seen = Seen()
    runner = SchedulerRunner(
        SoleLeader(),
        [
            Tick("hourly", hourly, every_seconds=3600),
            Tick("broken", broken, every_seconds=3600),
            Tick("nightly", nightly, cron="0 3 * * *"),
        ],
        timezone="Europe/London",
        observer=seen,
    )
    await runner.step()
    await asyncio.sleep(0.3)
    await runner.stop()
    assert calls == ["hourly"]  # the cron tick keeps its time of day
    assert sorted(seen.runs) == [("broken", "error"), ("hourly", "ok")]
    assert seen.leading_calls == [True, False]
