"""The fixed ticks every deployment runs. Capabilities add their own ticks here."""

from __future__ import annotations

import logging
from datetime import timedelta

from core.ports import Clock, UnitOfWorkFactory
from scheduler.dispatcher import Dispatcher
from scheduler.runner import Tick

log = logging.getLogger(__name__)

OUTBOX_RETENTION = timedelta(days=90)


def build_ticks(*, dispatcher: Dispatcher, uow_factory: UnitOfWorkFactory, clock: Clock) -> list[Tick]:
    async def dispatch() -> int:
        return await dispatcher.drain(max_batches=20)

    async def purge_outbox() -> int:
        async with uow_factory() as uow:
            removed = await uow.outbox.purge_finished(before=clock.now() - OUTBOX_RETENTION)
            await uow.commit()
        log.info("purged finished outbox rows", extra={"rows": removed})
        return removed

    return [
        Tick("outbox.dispatch", dispatch, every_seconds=1.0),
        Tick("outbox.purge", purge_outbox, cron="30 3 * * *"),
    ]
