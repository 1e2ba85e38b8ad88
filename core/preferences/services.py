"""`settings`: pause nudges, opt out of a kind of nudge, set the hours a person may be nudged."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from core.kernel.content import NudgeRules
from core.kernel.errors import InvalidInput
from core.kernel.model import Preferences, WorkingHours
from core.kernel.ports import UnitOfWork


async def get_preferences(uow: UnitOfWork, *, user_id: int) -> Preferences:
    return await uow.preferences.get(user_id)


async def update_preferences(
    uow: UnitOfWork,
    *,
    user_id: int,
    rules: NudgeRules,
    pause_days: int | None,
    opted_out: set[str],
    hours: WorkingHours | None,
    now: datetime,
    learning_time: time | None = None,
) -> Preferences:
    """Replace the person's settings in one go (the settings card submits the whole form)."""
    unknown = opted_out - {c.id for c in rules.categories if c.can_opt_out}
    if unknown:
        raise InvalidInput("Unknown kind of message: " + ", ".join(sorted(unknown)))
    if pause_days is not None and not 0 <= pause_days <= rules.max_pause_days:
        raise InvalidInput(f"You can pause messages for 0 to {rules.max_pause_days} days.")
    prefs = await uow.preferences.get(user_id)
    paused_until = prefs.paused_until
    if pause_days is not None:
        paused_until = now + timedelta(days=pause_days) if pause_days > 0 else None
    updated = replace(
        prefs, paused_until=paused_until, opted_out=frozenset(opted_out), hours=hours, learning_time=learning_time
    )
    await uow.preferences.save(updated, now=now)
    return updated
