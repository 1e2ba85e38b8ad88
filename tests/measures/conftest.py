"""The measures tests: a fake unit of work, and the app over SQLite for the pages."""

from __future__ import annotations

import pytest

from tests.fakes import FakeUnitOfWork


@pytest.fixture
def uow():
    return FakeUnitOfWork()


from tests.bot.conftest import client, settings, uows  # noqa: E402, F401  (the app over SQLite, for the pages)
