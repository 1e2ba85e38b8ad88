"""The one place where every proactive message is admitted to the outbox.

Quiet hours, the daily nudge budget, pauses and per-category opt-outs are all applied here, at enqueue
time, so the dispatcher only has to deliver what is due. Transactional messages (reminders a person asked for,
such as a booking reminder) keep their exact time and do not use the budget, but still honour an opt-out.

`notify` tells one person; `notify_many` tells many with the same rules in a few queries for all of them (an
announcement's slice of 2,000 copies), not several per person. `notify` is `notify_many` of one, so the rules
exist once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.kernel.content import Content, NudgeRules
from core.kernel.model import OutboundMessage, Preferences, StoredAddress
from core.kernel.ports import NewOutboxRow, UnitOfWork
from core.kernel.working_hours import local_day_bounds, next_open

MAX_DAYS_AHEAD = 14


@dataclass(frozen=True)
class NudgeDecision:
    enqueued: bool
    due_at: datetime | None = None
    reason: str | None = None  # why not: "opted out", "paused", "duplicate", ...


@dataclass(frozen=True)
class Nudge:
    """One message for `notify_many`: what `notify` takes, less the unit of work, the content and `now`."""

    user_id: int
    category: str
    message: OutboundMessage
    key: str
    not_before: datetime | None = None
    budget: bool = True


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
    nudge = Nudge(user_id, category, message, dedupe_key, not_before, budget)
    return (await _admit(uow, rules, timezone, [nudge], now))[0]


class _Known:
    """What the gate reads about the people of a batch, in one query each (chunked for very large batches), and
    keeps up to date as it admits messages, so a later message of the batch sees the earlier ones."""

    def __init__(self, queued, addresses, prefs, budgeted) -> None:
        self.queued: set[str] = queued
        self.addresses: dict[int, StoredAddress] = addresses
        self.prefs: dict[int, Preferences] = prefs
        self.budgeted: dict[int, list[datetime]] = budgeted  # due times of messages that use the budget

    @classmethod
    async def read(cls, uow: UnitOfWork, rules: NudgeRules, tz: ZoneInfo, nudges: Sequence[Nudge], now: datetime):
        users = sorted({n.user_id for n in nudges})
        budgeted = [n for n in nudges if n.budget and not rules.category(n.category).transactional]
        dues: dict[int, list[datetime]] = {}
        if budgeted:
            # The budget is counted per local day from the first day any of these could be due (never earlier).
            since = local_day_bounds(min(max(now, n.not_before or now) for n in budgeted), tz)[0]
            dues = await uow.outbox.budgeted_due_times(sorted({n.user_id for n in budgeted}), since=since)
        return cls(
            await uow.outbox.queued([n.key for n in nudges]),
            await uow.addresses.personal_many(users),
            await uow.preferences.get_many(users),
            dues,
        )

    def count_budgeted(self, user_id: int, start: datetime, end: datetime) -> int:
        return sum(1 for due in self.budgeted.get(user_id, ()) if start <= due < end)


async def _admit(
    uow: UnitOfWork, rules: NudgeRules, tz: ZoneInfo, nudges: Sequence[Nudge], now: datetime
) -> list[NudgeDecision]:
    kinds = [rules.category(n.category) for n in nudges]  # an unknown category fails before anything is read
    known = await _Known.read(uow, rules, tz, nudges, now)
    decisions: list[NudgeDecision] = []
    rows: list[NewOutboxRow] = []
    for nudge, kind in zip(nudges, kinds, strict=True):
        # A tick asks again every run for what it queued before (a stale project, a lapsed learner): the keys
        # already queued are known before the gate's other rules (issue 16). The outbox's unique key still
        # decides a race.
        if nudge.key in known.queued:
            decisions.append(NudgeDecision(False, reason="duplicate"))
            continue
        address = known.addresses.get(nudge.user_id)
        if address is None:
            decisions.append(NudgeDecision(False, reason="no reachable personal chat"))
            continue
        prefs = known.prefs.get(nudge.user_id) or Preferences(user_id=nudge.user_id)
        if kind.can_opt_out and nudge.category in prefs.opted_out:
            decisions.append(NudgeDecision(False, reason="opted out"))
            continue
        due: datetime | None = max(now, nudge.not_before or now)
        assert due is not None
        if not kind.transactional:
            if prefs.paused_until and due < prefs.paused_until:
                decisions.append(NudgeDecision(False, reason="paused"))
                continue
            hours = prefs.hours or rules.default_hours
            due = (
                _next_slot_within_budget(known, rules, tz, hours, nudge.user_id, due)
                if nudge.budget
                else next_open(due, hours, tz)
            )
            if due is None:
                decisions.append(NudgeDecision(False, reason="no slot within budget"))
                continue
        counts = nudge.budget and not kind.transactional
        rows.append(NewOutboxRow(nudge.key, nudge.user_id, address.id, nudge.category, nudge.message, due, counts))
        known.queued.add(nudge.key)
        if counts:
            known.budgeted.setdefault(nudge.user_id, []).append(due)
        decisions.append(NudgeDecision(True, due_at=due))
    inserted = await uow.outbox.add_many(rows, now=now) if rows else set()
    lost = {row.dedupe_key for row in rows} - inserted  # queued by someone else meanwhile
    return [
        NudgeDecision(False, reason="duplicate") if d.enqueued and n.key in lost else d
        for n, d in zip(nudges, decisions, strict=True)
    ]


def _next_slot_within_budget(known: _Known, rules: NudgeRules, tz: ZoneInfo, hours, user_id: int, when: datetime):
    for _ in range(MAX_DAYS_AHEAD):
        slot = next_open(when, hours, tz)
        day_start, day_end = local_day_bounds(slot, tz)
        if known.count_budgeted(user_id, day_start, day_end) < rules.daily_budget:
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


async def notify_many(
    uow: UnitOfWork, content: Content, nudges: Sequence[Nudge], *, now: datetime
) -> list[NudgeDecision]:
    """`notify_or_say_why` for many messages at once, in order, with the decisions it would give one by one (a
    person's second message of the batch sees their first in the budget; a key repeated is a duplicate), in a
    fixed number of queries for up to 500 people (a few more per 500 beyond)."""
    if not nudges:
        return []
    return await _admit(uow, content.nudges, content.organisation.timezone, nudges, now)
