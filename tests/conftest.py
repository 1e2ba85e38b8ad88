"""Shared fixtures: databases (SQLite always; PostgreSQL when reachable, required with CI=true), clocks,
content, and a fake Bot Connector."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot import registry
from storage.db import create_engine, normalise_url
from storage.migrate import upgrade
from tests.fake_connector import FakeConnector
from tests.fakes import FixedClock

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = normalise_url(os.environ.get("QIBOT_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
_pg_state: dict[str, str | None] = {}


def require_or_skip(reason: str) -> None:
    """Outside CI a missing service skips with a one-line reason; in CI it is a failure."""
    if IN_CI:
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


async def _postgres_problem() -> str | None:
    if "problem" not in _pg_state:
        engine = create_engine(PG_URL)
        try:
            async with asyncio.timeout(5):
                async with engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
            _pg_state["problem"] = None
        except Exception as exc:  # noqa: BLE001
            _pg_state["problem"] = f"PostgreSQL not reachable at {PG_URL} ({type(exc).__name__})"
        finally:
            await engine.dispose()
    return _pg_state["problem"]


async def make_engine(kind: str, tmp_path):
    """A migrated, empty database of the given kind; returns (engine, cleanup)."""
    if kind == "sqlite":
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/test.db")
        await upgrade(engine)
        return engine, engine.dispose
    problem = await _postgres_problem()
    if problem:
        require_or_skip(problem)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(PG_URL, schema=schema, pool_size=20)
    await upgrade(engine)

    async def cleanup():
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()

    return engine, cleanup


@pytest.fixture(params=["sqlite", "postgres"])
async def engine(request, tmp_path):
    """Integration tests run once on SQLite and once on PostgreSQL."""
    eng, cleanup = await make_engine(request.param, tmp_path)
    yield eng
    await cleanup()


@pytest.fixture
async def sqlite_engine(tmp_path):
    eng, cleanup = await make_engine("sqlite", tmp_path)
    yield eng
    await cleanup()


@pytest.fixture
def uow_factory(engine):
    return registry.uow_factory(engine)


@pytest.fixture(scope="session")
def content():
    return registry.load_content()


@pytest.fixture
def clock():
    # A Wednesday, mid-morning in London (GMT).
    return FixedClock(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))


@pytest.fixture
async def connector():
    fake = FakeConnector()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    """A SQLite database for the `qibot` command line, in a folder with no .env; logging restored after."""
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("QIBOT_DATABASE_URL", url)
    for name in ("MicrosoftAppId", "QIBOT_HOST"):
        monkeypatch.delenv(name, raising=False)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield url
    root.handlers[:] = handlers
    root.setLevel(level)
