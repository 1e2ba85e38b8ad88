"""Runs the APScheduler 3 ticks on the replica that holds leadership, and hands over when it stops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import undefined

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


class SchedulerObserver(Protocol):
    """What an operator sees (bot.metrics): whether this replica schedules, and each tick's runs."""

    def leading(self, leading: bool) -> None: ...
    def tick_ran(self, name: str, outcome: str) -> None: ...


class _NoObserver:
    def leading(self, leading: bool) -> None:
        pass

    def tick_ran(self, name: str, outcome: str) -> None:
        pass


class SchedulerRunner:
    def __init__(
        self,
        leader: Leader,
        ticks: list[Tick],
        *,
        timezone,
        poll_seconds: float = 5.0,
        observer: SchedulerObserver | None = None,
    ) -> None:
        self.leader = leader
        self.ticks = ticks
        self.timezone = timezone
        self.poll_seconds = poll_seconds
        self.observer = observer or _NoObserver()
        self.scheduler: AsyncIOScheduler | None = None
        self._task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self.scheduler is not None

    def _observed(self, tick: Tick) -> Callable[[], Awaitable[object]]:
        async def run() -> object:
            try:
                result = await tick.run()
            except Exception:
                self.observer.tick_ran(tick.name, "error")
                raise  # APScheduler logs it; the next run tries again
            self.observer.tick_ran(tick.name, "ok")
            return result

        return run

    def _start_scheduler(self) -> None:
        scheduler = AsyncIOScheduler(timezone=self.timezone)
        now = datetime.now(UTC)
        for tick in self.ticks:
            if tick.every_seconds:
                # An interval tick runs at once on the replica that takes over (ticks are idempotent: dedupe keys),
                # so a restart or a failover never delays it by a whole interval.
                trigger, first = IntervalTrigger(seconds=tick.every_seconds, timezone=self.timezone), now
            else:
                trigger, first = CronTrigger.from_crontab(tick.cron, timezone=self.timezone), undefined
            scheduler.add_job(
                self._observed(tick),
                trigger,
                id=tick.name,
                name=tick.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=60,
                next_run_time=first,
            )
        scheduler.start()
        self.scheduler = scheduler
        self.observer.leading(True)
        log.info("scheduler started", extra={"ticks": [t.name for t in self.ticks]})

    def _stop_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
            self.observer.leading(False)
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
