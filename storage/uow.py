"""The unit of work: one connection, one transaction, commit only when the service says so."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.clinics import SqlClinicRepository
from storage.learning import SqlLearningRepository
from storage.projects import SqlProjectRepository
from storage.repositories import (
    SqlAddressRepository,
    SqlConversationStateRepository,
    SqlOutboxRepository,
    SqlPreferenceRepository,
    SqlUserRepository,
)


class SqlUnitOfWork:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        self._conn = await self._engine.connect()
        await self._conn.begin()
        self.users = SqlUserRepository(self._conn)
        self.addresses = SqlAddressRepository(self._conn)
        self.preferences = SqlPreferenceRepository(self._conn)
        self.outbox = SqlOutboxRepository(self._conn)
        self.conversation_state = SqlConversationStateRepository(self._conn)
        self.clinics = SqlClinicRepository(self._conn)
        self.learning = SqlLearningRepository(self._conn)
        self.projects = SqlProjectRepository(self._conn)
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
        await self._conn.begin()

    async def rollback(self) -> None:
        assert self._conn is not None
        await self._conn.rollback()
        await self._conn.begin()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)
