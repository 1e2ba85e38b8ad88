"""The announcements' tick, every 20 seconds: start the sends that are due, hand each person's copy to the nudge
gate (quiet hours, the news opt-out, the budget unless urgent), catch people who installed the app since, try
Graph proactive installs when configured, and update the author's card in place when its counts change.

Copies are handed over in slices (`queue_window`), so one big announcement neither fills the outbox ahead of
everyone else's reminders nor leaves its progress card minutes behind. The card's own update is due at the
announcement's creation, so the dispatcher (oldest due first) takes it before the copies still waiting.
"""

from __future__ import annotations

import zlib
from collections import Counter
from datetime import datetime, timedelta

from core.announcements.model import Announcement, InstallStatus, Progress, RecipientState, Status
from core.announcements.ports import AnnouncementMessages
from core.announcements.sending import progress_key, recipient_key
from core.kernel.content import Content
from core.kernel.model import OutboundMessage
from core.kernel.nudges import Nudge, notify_many
from core.kernel.ports import UnitOfWork
from core.kernel.working_hours import next_open, windows_around

NO_CHAT = "no reachable personal chat"  # the nudge gate's reason when a person has not installed the app


async def deliver_announcements(
    uow: UnitOfWork, *, content: Content, messages: AnnouncementMessages, now: datetime
) -> dict[str, int]:
    rules = content.announcements.rules
    report: Counter[str] = Counter()
    for listed in await uow.announcements.active(since=now - timedelta(days=rules.late_days)):
        announcement = await uow.announcements.get(listed.id, lock=True)  # a pause waits for this tick
        if announcement is None:
            continue
        if announcement.status == Status.SCHEDULED and (announcement.send_at is None or announcement.send_at <= now):
            await uow.announcements.move(
                announcement.id, from_=frozenset({Status.SCHEDULED}), to=Status.SENDING, now=now, started_at=now
            )
            announcement.status, announcement.started_at = Status.SENDING, now
        if announcement.status in (Status.SENDING, Status.DONE):
            late = await uow.announcements.arrived(announcement.id, now=now)
            report["arrived"] += late
            if late and announcement.status == Status.DONE:
                await uow.announcements.move(
                    announcement.id, from_=frozenset({Status.DONE}), to=Status.SENDING, now=now, finished_at=None
                )
                announcement.status = Status.SENDING
        if announcement.status == Status.SENDING:
            report["queued"] += await _feed(uow, content, messages, announcement, now)
        if messages.installer is not None and announcement.status in (Status.SENDING, Status.DONE):
            report["installs"] += await _install(uow, content, messages, announcement, now)
        if announcement.status == Status.SENDING:
            progress = Progress(await uow.announcements.progress(announcement.id))
            if progress.outstanding == 0:
                await uow.announcements.move(
                    announcement.id, from_=frozenset({Status.SENDING}), to=Status.DONE, now=now, finished_at=now
                )
        report["cards"] += await update_progress_card(uow, content, messages, announcement.id, now=now)
    return {k: v for k, v in report.items() if v}


def _spread_slot(announcement: Announcement, user_id: int, content: Content, start: datetime) -> datetime:
    """A stable place for this person in the rest of the working day the send starts in."""
    hours, tz = content.nudges.default_hours, content.organisation.timezone
    opens = next_open(start, hours, tz)
    closes = next(end for begin, end in windows_around(opens, hours, tz) if begin <= opens < end)
    share = zlib.crc32(f"{announcement.id}:{user_id}".encode()) / 2**32
    return opens + (closes - opens) * share


async def _feed(
    uow: UnitOfWork, content: Content, messages: AnnouncementMessages, announcement: Announcement, now: datetime
) -> int:
    rules = content.announcements.rules
    room = rules.feed_per_tick
    if not announcement.spread:
        room = min(room, rules.queue_window - await uow.announcements.queued_count(announcement.id))
    if room <= 0:
        return 0
    waiting = await uow.announcements.waiting(announcement.id, limit=room)
    if not waiting:
        return 0
    message = OutboundMessage(card=messages.announcement_card(announcement))
    start = max(now, announcement.send_at or now)
    keys = [recipient_key(announcement.id, user_id, round_) for user_id, round_ in waiting]
    nudges = [
        Nudge(
            user_id=user_id,
            category=rules.category,
            message=message,
            key=key,
            not_before=_spread_slot(announcement, user_id, content, start) if announcement.spread else start,
            budget=not announcement.urgent,
        )
        for (user_id, _), key in zip(waiting, keys, strict=True)
    ]
    # The whole slice through the gate at once: a few queries for all of it, not several per person, so the tick
    # holds the database (SQLite's one connection) for a moment, not seconds, while the dispatcher waits.
    decisions = await notify_many(uow, content, nudges, now=now)
    states = []
    for (user_id, _), key, decision in zip(waiting, keys, decisions, strict=True):
        if decision.enqueued or decision.reason == "duplicate":
            states.append((user_id, RecipientState.QUEUED, key))
        elif decision.reason == NO_CHAT:
            states.append((user_id, RecipientState.NOT_INSTALLED, None))
        else:
            states.append((user_id, RecipientState.OPTED_OUT, None))
    await uow.announcements.set_states(announcement.id, states, now=now)
    return sum(state == RecipientState.QUEUED for _, state, _ in states)


async def _install(
    uow: UnitOfWork, content: Content, messages: AnnouncementMessages, announcement: Announcement, now: datetime
) -> int:
    """Graph proactive install for people without the app (never for someone who removed it). Teams then tells
    the bot about the new chat, and `arrived` queues their copy at a later tick."""
    rules = content.announcements.rules
    installer = messages.installer
    assert installer is not None
    candidates = await uow.announcements.install_candidates(
        announcement.id, attempts=rules.install_attempts, limit=rules.installs_per_tick
    )
    installed = 0
    for user_id, aad_object_id in candidates:
        status = await installer.install(aad_object_id)
        installed += status == InstallStatus.INSTALLED
        await uow.announcements.record_install(announcement.id, user_id, status, now=now)
    return installed


async def update_progress_card(
    uow: UnitOfWork, content: Content, messages: AnnouncementMessages, announcement_id: int, *, now: datetime
) -> int:
    """Queue an in-place update of the author's card if what it should show has changed; 1 if one was queued."""
    announcement = await uow.announcements.get(announcement_id)
    if announcement is None or not announcement.author_card or announcement.author_address_id is None:
        return 0
    progress = Progress(await uow.announcements.progress(announcement.id))
    seen = f"{announcement.status.value}|{progress.signature}"
    if seen == announcement.progress_seen:
        return 0
    sequence = await uow.announcements.save_progress(announcement.id, seen=seen, now=now)
    author = await uow.users.get(announcement.author_id) if announcement.author_id else None
    announcement.progress_seen = seen
    await uow.outbox.cancel(progress_key(announcement.id, 0)[:-1])  # an older update not sent yet is moot
    await uow.outbox.add(
        dedupe_key=progress_key(announcement.id, sequence),
        user_id=announcement.author_id,
        address_id=announcement.author_address_id,
        category=content.announcements.rules.category,
        message=OutboundMessage(
            card=messages.progress_card(announcement, progress, now, author), replaces=announcement.author_card
        ),
        due_at=announcement.created_at - timedelta(seconds=1),  # before every copy of it (oldest due first)
        counts_to_budget=False,
        now=now,
    )
    return 1
