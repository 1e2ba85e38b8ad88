"""What happens at a set's meetings, in SQL: attendance, members' actions and presenter swaps. Issue and action text
stay here and in the set's own cards; reports never read them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import and_, delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.sets.model import (
    OPEN_SWAPS,
    ActionItem,
    Mark,
    Swap,
    SwapStatus,
)
from storage.repositories import _insert
from storage.sets.tables import (
    action_set_actions,
    action_set_attendance,
    action_set_meetings,
    action_set_swaps,
)


def _action(row) -> ActionItem:
    return ActionItem(
        id=row["id"],
        set_id=row["set_id"],
        meeting_id=row["meeting_id"],
        user_id=row["user_id"],
        slot=row["slot"],
        text=row["text"],
        created_at=row["created_at"],
        done_at=row["done_at"],
    )


def _swap(row) -> Swap:
    return Swap(
        id=row["id"],
        meeting_id=row["meeting_id"],
        presenter_id=row["presenter_id"],
        status=SwapStatus(row["status"]),
        volunteer_id=row["volunteer_id"],
    )


class SqlMeetingRecords:
    """Part of SqlSetRepository (a mixin on the same connection), split off by task."""

    conn: AsyncConnection

    async def mark_attendance(self, meeting_id: int, marks: Mapping[int, Mark], *, now: datetime) -> None:
        for user_id, mark in marks.items():
            stmt = _insert(self.conn, action_set_attendance).values(
                meeting_id=meeting_id, user_id=user_id, mark=Mark(mark).value, recorded_at=now
            )
            await self.conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["meeting_id", "user_id"], set_={"mark": stmt.excluded.mark, "recorded_at": now}
                )
            )
        await self.conn.execute(
            update(action_set_meetings)
            .where(action_set_meetings.c.id == meeting_id)
            .values(attendance_at=func.coalesce(action_set_meetings.c.attendance_at, now), updated_at=now)
        )

    async def attendance(self, meeting_id: int) -> dict[int, Mark]:
        rows = await self.conn.execute(
            select(action_set_attendance.c.user_id, action_set_attendance.c.mark).where(
                action_set_attendance.c.meeting_id == meeting_id
            )
        )
        return {user_id: Mark(mark) for user_id, mark in rows}

    async def presenter_marks(self, set_id: int) -> dict[int, Mark]:
        rows = await self.conn.execute(
            select(action_set_meetings.c.id, action_set_attendance.c.mark)
            .join(
                action_set_attendance,
                and_(
                    action_set_attendance.c.meeting_id == action_set_meetings.c.id,
                    action_set_attendance.c.user_id == action_set_meetings.c.presenter_id,
                ),
            )
            .where(action_set_meetings.c.set_id == set_id, action_set_meetings.c.attendance_at.is_not(None))
        )
        return {meeting_id: Mark(mark) for meeting_id, mark in rows}

    # --- actions --------------------------------------------------------------------------------------------

    async def save_actions(self, *, set_id, meeting_id, user_id, texts, now) -> None:
        table = action_set_actions
        for slot, value in texts.items():
            mine = and_(table.c.meeting_id == meeting_id, table.c.user_id == user_id, table.c.slot == slot)
            if value is None:
                await self.conn.execute(delete(table).where(mine, table.c.done_at.is_(None)))
                continue
            stmt = _insert(self.conn, table).values(
                set_id=set_id, meeting_id=meeting_id, user_id=user_id, slot=slot, text=value, created_at=now
            )
            await self.conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["meeting_id", "user_id", "slot"],
                    set_={"text": stmt.excluded.text},
                    where=table.c.done_at.is_(None),
                )
            )

    async def actions(self, set_id: int, user_id: int, *, meeting_id: int | None = None) -> list[ActionItem]:
        where = and_(action_set_actions.c.set_id == set_id, action_set_actions.c.user_id == user_id)
        if meeting_id is not None:
            where = and_(where, action_set_actions.c.meeting_id == meeting_id)
        rows = await self.conn.execute(
            select(action_set_actions).where(where).order_by(action_set_actions.c.meeting_id, action_set_actions.c.slot)
        )
        return [_action(r) for r in rows.mappings()]

    async def get_action(self, action_id: int) -> ActionItem | None:
        row = (
            (await self.conn.execute(select(action_set_actions).where(action_set_actions.c.id == action_id)))
            .mappings()
            .first()
        )
        return _action(row) if row else None

    async def mark_done(self, action_id: int, *, now: datetime) -> bool:
        result = await self.conn.execute(
            update(action_set_actions)
            .where(action_set_actions.c.id == action_id, action_set_actions.c.done_at.is_(None))
            .values(done_at=now)
        )
        return result.rowcount == 1

    # --- swaps ----------------------------------------------------------------------------------------------

    async def open_swap(self, meeting_id: int, presenter_id: int, *, now: datetime) -> Swap | None:
        in_progress = text("status IN ('open', 'volunteered')")  # the partial unique index's own condition
        stmt = (
            _insert(self.conn, action_set_swaps)
            .values(
                meeting_id=meeting_id,
                presenter_id=presenter_id,
                status=SwapStatus.OPEN.value,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["meeting_id"], index_where=in_progress)
            .returning(action_set_swaps.c.id)
        )
        swap_id = (await self.conn.execute(stmt)).scalar()
        return await self.get_swap(swap_id) if swap_id is not None else None

    async def current_swap(self, meeting_id: int) -> Swap | None:
        row = (
            (
                await self.conn.execute(
                    select(action_set_swaps).where(
                        action_set_swaps.c.meeting_id == meeting_id, action_set_swaps.c.status.in_(OPEN_SWAPS)
                    )
                )
            )
            .mappings()
            .first()
        )
        return _swap(row) if row else None

    async def get_swap(self, swap_id: int) -> Swap | None:
        row = (
            (await self.conn.execute(select(action_set_swaps).where(action_set_swaps.c.id == swap_id)))
            .mappings()
            .first()
        )
        return _swap(row) if row else None

    async def volunteer(self, swap_id: int, volunteer_id: int, *, now: datetime) -> bool:
        result = await self.conn.execute(
            update(action_set_swaps)
            .where(action_set_swaps.c.id == swap_id, action_set_swaps.c.status == SwapStatus.OPEN.value)
            .values(status=SwapStatus.VOLUNTEERED.value, volunteer_id=volunteer_id, updated_at=now)
        )
        return result.rowcount == 1

    async def resolve_swap(self, swap_id: int, status: SwapStatus, *, now: datetime) -> bool:
        values: dict = {"status": SwapStatus(status).value, "updated_at": now}
        if status == SwapStatus.OPEN:
            values["volunteer_id"] = None
        result = await self.conn.execute(
            update(action_set_swaps)
            .where(action_set_swaps.c.id == swap_id, action_set_swaps.c.status == SwapStatus.VOLUNTEERED.value)
            .values(**values)
        )
        return result.rowcount == 1
