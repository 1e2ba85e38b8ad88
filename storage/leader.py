"""Which replica runs the scheduler (the `leader` the scheduler runner asks).

PostgreSQL: whoever holds a session advisory lock; SQLite: the only process.

APScheduler 3 job stores must not be shared between processes, so exactly one replica schedules; the others
serve HTTP and try for the lock every few seconds, taking over when the holder stops (its session ends and
PostgreSQL releases the lock).
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.uow import ConnectionGate

log = logging.getLogger(__name__)

# An arbitrary, fixed 64-bit key: "QIBOTSCH" in ASCII.
SCHEDULER_LOCK_KEY = 0x5149424F54534348


class AdvisoryLockLeader:
    """The lock's connection comes from the bot's pool, so it takes a place at the pool's gate (storage/uow.py) and
    keeps it while this replica leads: the units of work then share the connections that are left, in the order
    they asked, instead of one of them waiting in the pool's own queue for the connection the leader holds."""

    def __init__(self, engine: AsyncEngine, key: int = SCHEDULER_LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._gate = ConnectionGate.of(engine)
        self._place: asyncio.Semaphore | None = None
        self._conn: AsyncConnection | None = None
        self._pid: int | None = None

    @property
    def leading(self) -> bool:
        return self._conn is not None

    async def try_acquire(self) -> bool:
        if self._conn is not None:
            return await self.still_leading()
        place = await self._gate.enter()
        try:
            conn = await self.engine.connect()
        except BaseException:
            _leave(place)
            raise
        try:
            got = await conn.scalar(select(func.pg_try_advisory_lock(self.key)))
            await conn.commit()  # the lock is session-level: it outlives the transaction
        except BaseException:
            await conn.close()
            _leave(place)
            raise
        if not got:
            await conn.close()
            _leave(place)
            return False
        self._conn, self._place = conn, place
        self._pid = await conn.scalar(select(func.pg_backend_pid()))
        await conn.commit()
        log.info("this replica now runs the scheduler")
        return True

    async def still_leading(self) -> bool:
        if self._conn is None:
            return False
        try:
            # Same backend as when we took the lock? SQLAlchemy silently reconnects an invalidated connection,
            # and a new session does not hold the lock.
            pid = await self._conn.scalar(select(func.pg_backend_pid()))
            await self._conn.commit()
        except Exception:  # noqa: BLE001 - any failure means the lock is gone with the session
            pid = None
        if pid != self._pid:
            log.warning("lost the scheduler lock (database session ended)")
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        if self._conn is None:
            return
        try:
            await self._conn.scalar(select(func.pg_advisory_unlock(self.key)))
            await self._conn.commit()
        finally:
            await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        place, self._place = self._place, None
        try:
            if conn is not None:
                try:
                    await conn.close()
                except Exception:  # noqa: BLE001 - the connection is already broken
                    await conn.invalidate()
        finally:
            _leave(place)


def _leave(place: asyncio.Semaphore | None) -> None:
    if place is not None:
        place.release()


class SoleLeader:
    """SQLite is single-process: this process always runs the scheduler."""

    leading = True

    async def try_acquire(self) -> bool:
        return True

    async def still_leading(self) -> bool:
        return True

    async def release(self) -> None:
        return None
