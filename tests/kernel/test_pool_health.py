"""PostgreSQL connections are checked before use only when they sat idle in the pool (storage/db.py:
_ping_if_idle): a busy bot pays no ping a turn, and a connection that died while idle (a restart, a failover, a
firewall's idle timeout) is replaced without the turn noticing."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import exc, text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection

from storage import db
from storage.db import create_engine
from tests.conftest import PG_URL, _postgres_problem, require_or_skip

IDLE_S = 0.3


@pytest.fixture
async def pg(monkeypatch):
    problem = await _postgres_problem()
    if problem:
        require_or_skip(problem)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", IDLE_S)  # the rule as in production, at a test's pace
    engine = create_engine(PG_URL, pool_size=2)
    admin = create_engine(PG_URL)
    yield engine, admin
    await engine.dispose()
    await admin.dispose()


@pytest.fixture
def pings(monkeypatch):
    seen: list[int] = []
    ping = AsyncAdapt_asyncpg_connection.ping

    def counted(self):
        seen.append(1)
        return ping(self)

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", counted)
    return seen


async def _backend(engine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()


async def _kill(admin, pid: int) -> None:
    async with admin.connect() as conn:
        assert (await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})).scalar_one()
    await asyncio.sleep(0.1)  # the backend is gone before the test goes on


async def test_a_connection_used_moments_ago_is_not_pinged(pg, pings):
    engine, _ = pg
    first = await _backend(engine)
    pings.clear()
    for _ in range(5):
        assert await _backend(engine) == first  # the same pooled connection, back to back
    assert pings == []


async def test_a_connection_that_sat_idle_is_pinged_first(pg, pings):
    engine, _ = pg
    first = await _backend(engine)
    pings.clear()
    await asyncio.sleep(IDLE_S + 0.1)
    assert await _backend(engine) == first
    assert len(pings) == 1


async def test_a_connection_that_died_while_idle_is_replaced_without_an_error(pg):
    engine, admin = pg
    first = await _backend(engine)
    await _kill(admin, first)  # as a restart or an idle timeout would
    await asyncio.sleep(IDLE_S + 0.1)
    second = await _backend(engine)  # no error: the ping found it dead and the pool connected again
    assert second != first


async def test_after_one_dead_connection_the_pool_drops_all_of_them(pg):
    engine, admin = pg
    async with engine.connect() as a, engine.connect() as b:  # two connections in the pool
        pids = [(await c.execute(text("SELECT pg_backend_pid()"))).scalar_one() for c in (a, b)]
    for pid in pids:
        await _kill(admin, pid)
    await asyncio.sleep(IDLE_S + 0.1)
    async with engine.connect() as a, engine.connect() as b:  # neither comes back dead
        fresh = [(await c.execute(text("SELECT pg_backend_pid()"))).scalar_one() for c in (a, b)]
    assert not set(fresh) & set(pids)


async def test_a_connection_that_died_within_the_window_fails_once_then_the_pool_recovers(pg):
    """The price of not pinging a busy connection: a statement on one that died seconds after its last use fails
    (as it would with pre-ping if it died between the ping and the statement); the turn apologises and the pool
    is discarded, so the next unit of work connects afresh."""
    engine, admin = pg
    first = await _backend(engine)
    await _kill(admin, first)
    with pytest.raises(exc.DBAPIError) as raised:
        await _backend(engine)
    assert raised.value.connection_invalidated
    assert await _backend(engine) != first
