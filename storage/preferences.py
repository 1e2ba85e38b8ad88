"""A person's message preferences (working hours, a pause, the learning nudge's time, opt-outs)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.kernel.model import Preferences, WorkingHours
from storage.repositories import _insert, chunks
from storage.tables import preference_opt_outs, preferences


class SqlPreferenceRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, user_id: int) -> Preferences:
        return (await self.get_many([user_id]))[user_id]

    async def get_many(self, user_ids: Sequence[int]) -> dict[int, Preferences]:
        """Two queries per 500 people (their row, their opt-outs), whatever the number of opt-outs."""
        rows: dict[int, dict] = {}
        opted: dict[int, set[str]] = {}
        for chunk in chunks(sorted(set(user_ids))):
            found = await self.conn.execute(select(preferences).where(preferences.c.user_id.in_(chunk)))
            rows.update((row["user_id"], row) for row in found.mappings())
            outs = await self.conn.execute(
                select(preference_opt_outs.c.user_id, preference_opt_outs.c.category).where(
                    preference_opt_outs.c.user_id.in_(chunk)
                )
            )
            for user_id, category in outs:
                opted.setdefault(user_id, set()).add(category)
        return {u: _preferences(u, rows.get(u), opted.get(u, set())) for u in user_ids}

    async def save(self, prefs: Preferences, *, now: datetime) -> None:
        hours = prefs.hours
        values = dict(
            user_id=prefs.user_id,
            paused_until=prefs.paused_until,
            work_days=",".join(str(d) for d in sorted(hours.days)) if hours else None,
            work_start=hours.start if hours else None,
            work_end=hours.end if hours else None,
            learning_time=prefs.learning_time,
            updated_at=now,
        )
        stmt = _insert(self.conn, preferences).values(**values)
        await self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["user_id"], set_={k: v for k, v in values.items() if k != "user_id"}
            )
        )
        await self.conn.execute(delete(preference_opt_outs).where(preference_opt_outs.c.user_id == prefs.user_id))
        if prefs.opted_out:
            await self.conn.execute(
                insert(preference_opt_outs),
                [{"user_id": prefs.user_id, "category": c} for c in sorted(prefs.opted_out)],
            )


def _preferences(user_id: int, row, opted: set[str]) -> Preferences:
    prefs = Preferences(user_id=user_id, opted_out=frozenset(opted))
    if row is not None:
        prefs.paused_until = row["paused_until"]
        prefs.learning_time = row["learning_time"]
        if row["work_days"]:
            prefs.hours = WorkingHours(
                days=frozenset(int(d) for d in row["work_days"].split(",")),
                start=row["work_start"],
                end=row["work_end"],
            )
    return prefs
