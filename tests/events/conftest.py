"""Fixtures for the events tests: the organisation for profiles, and the HTTP app over SQLite for pages."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import registry
from bot.app import create_app
from bot.config import Config
from core.events.hooks import HOOKS
from tests.events.data import use_organisation


@pytest.fixture(autouse=True)
def organisation(content):
    use_organisation(content.organisation)


@pytest.fixture
def fired():
    """Every hook the services fire while the test runs, as (name, user id, event id)."""
    seen: list[tuple[str, int, int]] = []

    async def record(uow, happened):
        seen.append((happened.name, happened.user_id, happened.event_id))

    for name in HOOKS.subscribers:
        HOOKS.subscribe(name, record)
    yield seen
    for name in HOOKS.subscribers:
        HOOKS.unsubscribe(name, record)


@pytest.fixture
async def client(sqlite_engine, content, clock):
    app = create_app(
        Config(scheduler_enabled=False, admins=frozenset({"aad-1"})), engine=sqlite_engine, content=content, clock=clock
    )
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


@pytest.fixture
def uows(sqlite_engine):
    return registry.uow_factory(sqlite_engine)
