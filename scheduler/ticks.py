"""The ticks every deployment runs: the outbox's own, then each capability's, from the registry's list.

This module names no capability: the composition root hands it (TickSpec, messages) pairs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from core.kernel.content import Content
from core.kernel.ports import Clock, UnitOfWorkFactory
from core.kernel.ticks import TickSpec
from scheduler.dispatcher import Dispatcher
from scheduler.runner import Tick

log = logging.getLogger(__name__)

OUTBOX_RETENTION = timedelta(days=90)


def build_ticks(
    *,
    dispatcher: Dispatcher,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    content: Content,
    capability_ticks: Iterable[tuple[TickSpec, Any]],
) -> list[Tick]:
    async def dispatch() -> int:
        return await dispatcher.drain(max_batches=20)

    async def purge_outbox() -> int:
        async with uow_factory() as uow:
            removed = await uow.outbox.purge_finished(before=clock.now() - OUTBOX_RETENTION)
            await uow.commit()
        log.info("purged finished outbox rows", extra={"rows": removed})
        return removed

    def in_transaction(spec: TickSpec, messages: Any):
        async def run() -> object:
            async with uow_factory() as uow:
                result = await spec.work(uow, content=content, messages=messages, now=clock.now())
                await uow.commit()
            if result:
                log.info("tick did work", extra={"tick": spec.name, "result": str(result)})
            return result

        return run

    ticks = [
        Tick("outbox.dispatch", dispatch, every_seconds=1.0),
        Tick("outbox.purge", purge_outbox, cron="30 3 * * *"),
    ]
    for spec, messages in capability_ticks:
        ticks.append(Tick(spec.name, in_transaction(spec, messages), every_seconds=spec.every_seconds, cron=spec.cron))
    return ticks
