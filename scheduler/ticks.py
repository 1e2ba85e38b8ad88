"""The fixed ticks every deployment runs. Capabilities add their own ticks here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from core.content import Content
from core.model import OutboundMessage, Project
from core.ports import ClinicMessages, Clock, UnitOfWorkFactory
from core.services import clinics, learning, projects
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
    clinic_messages: ClinicMessages,
    learning_nudge: Callable[[int], OutboundMessage],
    stale_project: Callable[[Project], OutboundMessage],
) -> list[Tick]:
    async def dispatch() -> int:
        return await dispatcher.drain(max_batches=20)

    async def purge_outbox() -> int:
        async with uow_factory() as uow:
            removed = await uow.outbox.purge_finished(before=clock.now() - OUTBOX_RETENTION)
            await uow.commit()
        log.info("purged finished outbox rows", extra={"rows": removed})
        return removed

    def in_transaction(name: str, work):
        async def run() -> object:
            async with uow_factory() as uow:
                result = await work(uow, content=content, messages=clinic_messages, now=clock.now())
                await uow.commit()
            if result:
                log.info("tick did work", extra={"tick": name, "result": str(result)})
            return result

        return run

    async def sync(uow, *, content, messages, now):
        return await clinics.sync_clinics(uow, content=content, now=now)

    async def quiet_projects(uow, *, content, messages, now):
        return await projects.nudge_stale(uow, content=content, now=now, message_for=stale_project)

    async def nudge(uow, *, content, messages, now):
        return await learning.nudge_learners(uow, content=content, now=now, message_for=learning_nudge)

    return [
        Tick("outbox.dispatch", dispatch, every_seconds=1.0),
        Tick("outbox.purge", purge_outbox, cron="30 3 * * *"),
        Tick("clinics.attendance", in_transaction("clinics.attendance", clinics.request_attendance), every_seconds=300),
        Tick("clinics.feedback", in_transaction("clinics.feedback", clinics.request_feedback), every_seconds=300),
        Tick("clinics.sync", in_transaction("clinics.sync", sync), cron="0 2 * * *"),
        Tick("learning.nudge", in_transaction("learning.nudge", nudge), cron="*/15 * * * *"),
        Tick("projects.stale", in_transaction("projects.stale", quiet_projects), cron="0 10 * * mon-fri"),
    ]
