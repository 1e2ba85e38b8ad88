"""Shared fixtures for the survey tests: a fake unit of work and the recording messages (with a fixed key)."""

from __future__ import annotations

import pytest

from tests.fakes import FakeUnitOfWork
from tests.surveys.fakes import RecordingSurveyMessages


@pytest.fixture
def uow():
    return FakeUnitOfWork()


@pytest.fixture
def messages():
    return RecordingSurveyMessages()


from tests.bot.conftest import client, settings, uows  # noqa: E402, F401  (the app over SQLite, for the pages)
