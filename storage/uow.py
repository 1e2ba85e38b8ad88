"""The unit of work: one connection, one transaction, commit only when the service says so.

The kernel's repositories are fixed; each capability's comes from the registry as `uow.<capability>`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.conversation_state import SqlConversationStateRepository
from storage.outbox import SqlOutboxRepository
from storage.preferences import SqlPreferenceRepository
from storage.repositories import SqlAddressRepository, SqlUserRepository


class SqlUnitOfWork:
    def __init__(self, engine: AsyncEngine, repositories: Mapping[str, Callable[[AsyncConnection], Any]]) -> None:
        self._engine = engine
        self._repositories = repositories
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        # No explicit BEGIN: the connection begins a transaction at its first statement (SQLAlchemy's autobegin),
        # so a unit of work that ends with a commit or rollback has nothing left to roll back at the end.
        self._conn = await self._engine.connect()
        self.users = SqlUserRepository(self._conn)
        self.addresses = SqlAddressRepository(self._conn)
        self.preferences = SqlPreferenceRepository(self._conn)
        self.outbox = SqlOutboxRepository(self._conn)
        self.conversation_state = SqlConversationStateRepository(self._conn)
        for name, repository in self._repositories.items():
            setattr(self, name, repository(self._conn))
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._conn is not None
        try:
            if self._conn.in_transaction():
                await self._conn.rollback()
        finally:
            await self._conn.close()
            self._conn = None

    async def commit(self) -> None:
        assert self._conn is not None
        await self._conn.commit()

    async def rollback(self) -> None:
        assert self._conn is not None
        await self._conn.rollback()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine, repositories: Mapping[str, Callable[[AsyncConnection], Any]]) -> None:
        self.engine = engine
        self.repositories = repositories

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.repositories)
