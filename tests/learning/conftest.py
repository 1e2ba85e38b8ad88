import pytest

from tests.fakes import FakeUnitOfWork
from tests.learning.data import person


@pytest.fixture
async def learner(content):
    uow = FakeUnitOfWork()
    return uow, await person(uow, content, 1)
