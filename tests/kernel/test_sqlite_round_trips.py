"""On SQLite, ending a unit of work that only read costs no round trip to aiosqlite's thread (issue 16: a `help`
turn reads, then rolls back), and a unit of work that wrote is still committed or rolled back for real."""

from __future__ import annotations

import aiosqlite.core
import pytest
from sqlalchemy import exc, text

from storage.db import create_engine


@pytest.fixture
async def engine(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/trips.db")
    async with engine.connect() as conn:
        await conn.execute(text("CREATE TABLE t (x INTEGER)"))
        await conn.commit()
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch):
    """Calls queued to aiosqlite's thread: each is a round trip."""
    seen: list[str] = []
    queue = aiosqlite.core.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        seen.append(getattr(fn, "__name__", "?"))
        return await queue(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
    return seen


async def _rows(engine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one()


@pytest.mark.parametrize("end", ["commit", "rollback"])
async def test_ending_a_read_only_unit_of_work_is_not_a_round_trip(engine, trips, end):
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0
        trips.clear()
        await getattr(conn, end)()
        assert trips == []
        assert not conn.in_transaction()  # SQLAlchemy's own transaction is ended all the same


async def test_a_write_is_still_committed(engine, trips):
    async with engine.connect() as conn:
        await conn.execute(text("INSERT INTO t VALUES (1)"))
        trips.clear()
        await conn.commit()
        assert trips == ["commit"]
    assert await _rows(engine) == 1


async def test_a_write_is_still_rolled_back(engine, trips):
    async with engine.connect() as conn:
        await conn.execute(text("INSERT INTO t VALUES (1)"))
        trips.clear()
        await conn.rollback()
        assert trips == ["rollback"]
    assert await _rows(engine) == 0


async def test_a_write_left_open_is_rolled_back_when_the_connection_returns(engine):
    async with engine.connect() as conn:
        await conn.execute(text("INSERT INTO t VALUES (1)"))
    assert await _rows(engine) == 0


async def test_a_statement_is_one_round_trip(engine, trips):
    """The stock adapter makes a cursor, executes, fetches and closes: four trips (storage/sqlite_driver.py)."""
    async with engine.connect() as conn:
        trips.clear()
        await conn.execute(text("INSERT INTO t VALUES (1)"))
        await conn.execute(text("INSERT INTO t VALUES (:x)"), [{"x": 2}, {"x": 3}])
        rows = (await conn.execute(text("SELECT x FROM t ORDER BY x"))).scalars().all()
        assert rows == [1, 2, 3]
        assert trips == ["_statement"] * 3  # the executemany included
        await conn.commit()


async def test_row_counts_and_row_ids_come_back(engine):
    async with engine.connect() as conn:
        await conn.execute(text("CREATE TABLE k (id INTEGER PRIMARY KEY, x INTEGER UNIQUE)"))
        inserted = await conn.execute(text("INSERT INTO k (x) VALUES (7)"))
        assert inserted.lastrowid == 1
        returned = await conn.execute(text("INSERT INTO k (x) VALUES (8) RETURNING id"))
        assert returned.scalar_one() == 2
        updated = await conn.execute(text("UPDATE k SET x = x + 10"))
        assert updated.rowcount == 2
        result = await conn.execute(text("SELECT id, x FROM k ORDER BY id"))
        assert list(result.keys()) == ["id", "x"]
        assert result.fetchmany(1) == [(1, 17)] and result.fetchall() == [(2, 18)]


async def test_errors_are_translated_as_before(engine):
    async with engine.connect() as conn:
        await conn.execute(text("CREATE TABLE u (x INTEGER UNIQUE)"))
        await conn.execute(text("INSERT INTO u VALUES (1)"))
        with pytest.raises(exc.IntegrityError):
            await conn.execute(text("INSERT INTO u VALUES (1)"))
        with pytest.raises(exc.OperationalError):
            await conn.execute(text("SELECT nope FROM u"))
        assert (await conn.execute(text("SELECT count(*) FROM u"))).scalar_one() == 1


async def test_a_stream_still_works(engine):
    async with engine.connect() as conn:
        await conn.execute(text("INSERT INTO t VALUES (:x)"), [{"x": n} for n in range(5)])
        result = await conn.stream(text("SELECT x FROM t ORDER BY x"))
        assert [row.x async for row in result] == [0, 1, 2, 3, 4]
