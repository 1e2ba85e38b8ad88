"""The one place where every proactive message is admitted to the outbox.

Quiet hours, the daily nudge budget, pauses and per-category opt-outs are all applied here, at enqueue
time, so the dispatcher only has to deliver what is due. Transactional messages (reminders a person asked for,
such as a booking reminder) keep their exact time and do not use the budget, but still honour an opt-out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

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
    timezone: ZoneInfo,
    user_id: int,
    category: str,
    message: OutboundMessage,
    dedupe_key: str,
    now: datetime,
    not_before: datetime | None = None,
    budget: bool = True,
) -> NudgeDecision:
    """`budget=False` (an urgent announcement): the message neither waits for nor uses the daily budget, but still
    waits for the person's working hours and honours a pause and an opt-out."""
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
        hours = prefs.hours or rules.default_hours
        due = (
            await _next_slot_within_budget(uow, rules, timezone, hours, user_id, due)
            if budget
            else next_open(due, hours, timezone)
        )
        if due is None:
            return NudgeDecision(False, reason="no slot within budget")
    inserted = await uow.outbox.add(
        dedupe_key=dedupe_key,
        user_id=user_id,
        address_id=address.id,
        category=category,
        message=message,
        due_at=due,
        counts_to_budget=budget and not kind.transactional,
        now=now,
    )
    if not inserted:
        return NudgeDecision(False, reason="duplicate")
    return NudgeDecision(True, due_at=due)


async def _next_slot_within_budget(uow, rules: NudgeRules, tz: ZoneInfo, hours, user_id: int, when: datetime):
    for _ in range(MAX_DAYS_AHEAD):
        slot = next_open(when, hours, tz)
        day_start, day_end = local_day_bounds(slot, tz)
        if await uow.outbox.count_budgeted(user_id, day_start, day_end) < rules.daily_budget:
            return slot
        when = day_end + timedelta(seconds=0)
    return None


async def notify(uow: UnitOfWork, content: Content, **message) -> bool:
    """Tell a person something: the one way a capability queues a message to a person. It finds their personal
    chat and applies the organisation's rules (`enqueue_nudge`); once per `key`. True if it was queued."""
    return (await notify_or_say_why(uow, content, **message)).enqueued


async def notify_or_say_why(
    uow: UnitOfWork,
    content: Content,
    *,
    user_id: int,
    category: str,
    message: OutboundMessage,
    key: str,
    now: datetime,
    not_before: datetime | None = None,
    budget: bool = True,
) -> NudgeDecision:
    """`notify`, with the gate's decision: why a message was not queued (e.g. "no reachable personal chat")."""
    return await enqueue_nudge(
        uow,
        rules=content.nudges,
        timezone=content.organisation.timezone,
        user_id=user_id,
        category=category,
        message=message,
        dedupe_key=key,
        now=now,
        not_before=not_before,
        budget=budget,
    )
