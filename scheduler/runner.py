"""Runs the APScheduler 3 ticks on the replica that holds leadership, and hands over when it stops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Tick:
    """A fixed job: it reads the clock when it runs and enqueues what is due (idempotently)."""

    name: str
    run: Callable[[], Awaitable[object]]
    every_seconds: float | None = None
    cron: str | None = None  # "minute hour day month day_of_week", in the organisation's timezone


class Leader(Protocol):
    """Decides which replica schedules (storage.leader: a PostgreSQL advisory lock, or always for SQLite)."""

    async def try_acquire(self) -> bool: ...
    async def release(self) -> None: ...


class SchedulerRunner:
    def __init__(self, leader: Leader, ticks: list[Tick], *, timezone, poll_seconds: float = 5.0) -> None:
        self.leader = leader
        self.ticks = ticks
        self.timezone = timezone
        self.poll_seconds = poll_seconds
        self.scheduler: AsyncIOScheduler | None = None
        self._task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self.scheduler is not None

    def _start_scheduler(self) -> None:
        scheduler = AsyncIOScheduler(timezone=self.timezone)
        for tick in self.ticks:
            trigger = (
                IntervalTrigger(seconds=tick.every_seconds, timezone=self.timezone)
                if tick.every_seconds
                else CronTrigger.from_crontab(tick.cron, timezone=self.timezone)
            )
            scheduler.add_job(
                tick.run, trigger, id=tick.name, name=tick.name, max_instances=1, coalesce=True, misfire_grace_time=60
            )
        scheduler.start()
        self.scheduler = scheduler
        log.info("scheduler started", extra={"ticks": [t.name for t in self.ticks]})

    def _stop_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
            log.info("scheduler stopped")

    async def step(self) -> None:
        """One round of the leadership loop (public for tests)."""
        try:
            leading = await self.leader.try_acquire()
        except Exception:
            log.exception("leadership check failed")
            leading = False
        if leading and not self.running:
            self._start_scheduler()
        elif not leading and self.running:
            self._stop_scheduler()

    async def _loop(self) -> None:
        while True:
            await self.step()
            await asyncio.sleep(self.poll_seconds)

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="scheduler-leadership")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._stop_scheduler()
        await self.leader.release()
