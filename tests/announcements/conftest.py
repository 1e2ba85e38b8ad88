"""Shared fixtures for the announcement tests: a fake unit of work."""

from __future__ import annotations

import pytest

from tests.fakes import FakeUnitOfWork


@pytest.fixture
def uow():
    return FakeUnitOfWork()


from tests.bot.conftest import client, settings, uows  # noqa: E402, F401  (the app over SQLite, for the pages)
