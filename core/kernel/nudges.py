"""The one place where every proactive message is admitted to the outbox.

Quiet hours, the daily nudge budget, pauses and per-category opt-outs are all applied here, at enqueue
time, so the dispatcher only has to deliver what is due. Transactional messages (reminders a person asked for,
such as a booking reminder) keep their exact time and do not use the budget, but still honour an opt-out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.kernel.content import Content, NudgeRules
from core.kernel.model import OutboundMessage
from core.kernel.ports import UnitOfWork
from core.kernel.working_hours import local_day_bounds, next_open

MAX_DAYS_AHEAD = 14


@dataclass(frozen=True)
class NudgeDecision:
    enqueued: bool
    due_at: datetime | None = None
    reason: str | None = None  # why not: "opted out", "paused", "duplicate", ...


async def enqueue_nudge(
    uow: UnitOfWork,
    *,
    rules: NudgeRules,
    user_id: int,
    category: str,
    message: OutboundMessage,
    dedupe_key: str,
    now: datetime,
    not_before: datetime | None = None,
) -> NudgeDecision:
    kind = rules.category(category)
    # A tick asks again every run for what it queued before (a stale project, a lapsed learner): one look-up says
    # so, before the gate's reads (issue 16). The outbox's unique key still decides a race.
    if await uow.outbox.has(dedupe_key):
        return NudgeDecision(False, reason="duplicate")
    address = await uow.addresses.personal(user_id)
    if address is None:
        return NudgeDecision(False, reason="no reachable personal chat")
    prefs = await uow.preferences.get(user_id)
    if kind.can_opt_out and category in prefs.opted_out:
        return NudgeDecision(False, reason="opted out")
    due = max(now, not_before or now)
    if not kind.transactional:
        if prefs.paused_until and due < prefs.paused_until:
            return NudgeDecision(False, reason="paused")
        due = await _next_slot_within_budget(uow, rules, prefs.hours or rules.default_hours, user_id, due)
        if due is None:
            return NudgeDecision(False, reason="no slot within budget")
    inserted = await uow.outbox.add(
        dedupe_key=dedupe_key,
        user_id=user_id,
        address_id=address.id,
        category=category,
        message=message,
        due_at=due,
        counts_to_budget=not kind.transactional,
        now=now,
    )
    if not inserted:
        return NudgeDecision(False, reason="duplicate")
    return NudgeDecision(True, due_at=due)


async def _next_slot_within_budget(uow, rules: NudgeRules, hours, user_id: int, when: datetime):
    tz = rules.timezone
    for _ in range(MAX_DAYS_AHEAD):
        slot = next_open(when, hours, tz)
        day_start, day_end = local_day_bounds(slot, tz)
        if await uow.outbox.count_budgeted(user_id, day_start, day_end) < rules.daily_budget:
            return slot
        when = day_end + timedelta(seconds=0)
    return None


async def notify(
    uow: UnitOfWork,
    content: Content,
    *,
    user_id: int,
    category: str,
    message: OutboundMessage,
    key: str,
    now: datetime,
    not_before: datetime | None = None,
) -> bool:
    """`enqueue_nudge` with the organisation's rules, for a capability's services: True if it was queued."""
    decision = await enqueue_nudge(
        uow,
        rules=content.nudges,
        user_id=user_id,
        category=category,
        message=message,
        dedupe_key=key,
        now=now,
        not_before=not_before,
    )
    return decision.enqueued
