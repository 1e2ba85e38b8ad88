"""The unit of work: one connection, one transaction, commit only when the service says so.

The kernel's repositories are fixed; each capability's comes from the registry as `uow.<capability>`.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.conversation_state import SqlConversationStateRepository
from storage.outbox import SqlOutboxRepository
from storage.preferences import SqlPreferenceRepository
from storage.repositories import SqlAddressRepository, SqlUserRepository


class ConnectionGate:
    """Units of work take the pool's connections in the order they asked for one.

    When every connection is in use, the pool's own queue (an asyncio.Queue) lets a newcomer take a connection
    that was just given back ahead of the units of work already waiting, which then queue again at the back: at
    50 turns in flight some waited seconds (PostgreSQL p99 x2.9 the echo bot's, against p50 x1.4). asyncio's
    Semaphore hands a freed place to the first waiter, so with at most as many units of work as connections
    admitted, none waits in the pool. One gate per engine (`of`), one semaphore per event loop (a semaphore is
    bound to the loop it waits in)."""

    _of_engine: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @classmethod
    def of(cls, engine: AsyncEngine) -> ConnectionGate:
        gate = cls._of_engine.get(engine.sync_engine)
        if gate is None:
            gate = cls._of_engine[engine.sync_engine] = cls(engine)
        return gate

    def __init__(self, engine: AsyncEngine) -> None:
        pool = engine.sync_engine.pool
        self.places = pool.size() if hasattr(pool, "size") else 0  # 0: a pool without a limit, no gate
        self.timeout = pool.timeout() if hasattr(pool, "timeout") else 30.0
        self._semaphores: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def enter(self) -> asyncio.Semaphore | None:
        if self.places <= 0:
            return None
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.places)
        try:
            async with asyncio.timeout(self.timeout):
                await semaphore.acquire()
        except TimeoutError:  # as the pool would have said after the same wait
            raise exc.TimeoutError(f"no database connection free after {self.timeout:.0f} s") from None
        return semaphore


class SqlUnitOfWork:
    def __init__(
        self,
        engine: AsyncEngine,
        repositories: Mapping[str, Callable[[AsyncConnection], Any]],
        gate: ConnectionGate | None = None,
    ) -> None:
        self._engine = engine
        self._repositories = repositories
        self._gate = gate
        self._place: asyncio.Semaphore | None = None
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        # No explicit BEGIN: the connection begins a transaction at its first statement (SQLAlchemy's autobegin),
        # so a unit of work that ends with a commit or rollback has nothing left to roll back at the end.
        if self._gate is not None:
            self._place = await self._gate.enter()
        try:
            self._conn = await self._engine.connect()
        except BaseException:
            self._leave()
            raise
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
            try:
                await self._conn.close()
            finally:
                self._conn = None
                self._leave()

    def _leave(self) -> None:
        if self._place is not None:
            self._place.release()
            self._place = None

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
        self.gate = ConnectionGate.of(engine)

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.repositories, self.gate)
