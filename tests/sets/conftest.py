"""The HTTP app over SQLite, for the set meeting's calendar page."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import registry
from bot.app import create_app
from bot.config import Config


@pytest.fixture
async def client(sqlite_engine, content, clock):
    app = create_app(Config(scheduler_enabled=False), engine=sqlite_engine, content=content, clock=clock)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


@pytest.fixture
def uows(sqlite_engine):
    return registry.uow_factory(sqlite_engine)
