"""SQL repository for action learning sets. Reports read counts only: `figures` selects no issue and no action."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, distinct, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.sets.model import (
    ActionSet,
    Mark,
    Meeting,
    Member,
    Pattern,
    SetFigures,
    SetStatus,
)
from storage.repositories import _insert
from storage.sets.meetings import SqlMeetingRecords
from storage.sets.tables import (
    action_set_attendance,
    action_set_meetings,
    action_set_members,
    action_sets,
)
from storage.tables import users

ACTIVE = SetStatus.ACTIVE.value
facilitators = users.alias("facilitators")
presenters = users.alias("presenters")


def _set(row) -> ActionSet:
    return ActionSet(
        id=row["id"],
        name=row["name"],
        site=row["site"],
        cohort=row["cohort"],
        facilitator_id=row["facilitator_id"],
        status=SetStatus(row["status"]),
        pattern=Pattern(
            every_weeks=row["every_weeks"],
            first_date=row["first_date"],
            local_time=row["local_time"],
            meetings=row["meetings_planned"],
            venue=row["venue"],
            online_url=row["online_url"],
        ),
        minutes=row["minutes"],
        created_at=row["created_at"],
        facilitator_name=row["facilitator_name"],
    )


def _meeting(row) -> Meeting:
    return Meeting(
        id=row["id"],
        set_id=row["set_id"],
        number=row["number"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        presenter_id=row["presenter_id"],
        presenter_name=row["presenter_name"],
        issue=row["issue"],
        attendance_at=row["attendance_at"],
    )


_set_select = select(action_sets, facilitators.c.name.label("facilitator_name")).join(
    facilitators, facilitators.c.id == action_sets.c.facilitator_id
)
_meeting_select = select(action_set_meetings, presenters.c.name.label("presenter_name")).outerjoin(
    presenters, presenters.c.id == action_set_meetings.c.presenter_id
)
_active_set_ids = select(action_sets.c.id).where(action_sets.c.status == ACTIVE)


def _pattern_values(pattern: Pattern) -> dict:
    return dict(
        every_weeks=pattern.every_weeks,
        first_date=pattern.first_date,
        local_time=pattern.local_time,
        meetings_planned=pattern.meetings,
        venue=pattern.venue,
        online_url=pattern.online_url,
    )


class SqlSetRepository(SqlMeetingRecords):
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # --- sets -----------------------------------------------------------------------------------------------

    async def _sets(self, where) -> list[ActionSet]:
        rows = await self.conn.execute(_set_select.where(where).order_by(action_sets.c.id))
        return [_set(r) for r in rows.mappings()]

    async def create_draft(self, *, facilitator_id, name, site, cohort, pattern, minutes, now) -> ActionSet:
        stmt = (
            action_sets.insert()
            .values(
                name=name,
                site=site,
                cohort=cohort,
                facilitator_id=facilitator_id,
                status=SetStatus.DRAFT.value,
                minutes=minutes,
                created_at=now,
                updated_at=now,
                **_pattern_values(pattern),
            )
            .returning(action_sets.c.id)
        )
        set_id = (await self.conn.execute(stmt)).scalar_one()
        created = await self.get_set(set_id)
        assert created is not None
        return created

    async def update_draft(self, set_id, *, name, site, cohort, pattern, now) -> None:
        await self.conn.execute(
            update(action_sets)
            .where(action_sets.c.id == set_id, action_sets.c.status == SetStatus.DRAFT.value)
            .values(name=name, site=site, cohort=cohort, updated_at=now, **_pattern_values(pattern))
        )

    async def get_set(self, set_id: int, *, lock: bool = False) -> ActionSet | None:
        if lock and self.conn.dialect.name == "postgresql":
            await self.conn.execute(select(action_sets.c.id).where(action_sets.c.id == set_id).with_for_update())
        found = await self._sets(action_sets.c.id == set_id)
        return found[0] if found else None

    async def draft_of(self, facilitator_id: int) -> ActionSet | None:
        found = await self._sets(
            and_(action_sets.c.facilitator_id == facilitator_id, action_sets.c.status == SetStatus.DRAFT.value)
        )
        return found[-1] if found else None

    async def activate(self, set_id: int, *, now: datetime) -> bool:
        result = await self.conn.execute(
            update(action_sets)
            .where(action_sets.c.id == set_id, action_sets.c.status == SetStatus.DRAFT.value)
            .values(status=ACTIVE, updated_at=now)
        )
        return result.rowcount == 1

    async def sets_of(self, user_id: int) -> list[ActionSet]:
        mine = select(action_set_members.c.set_id).where(
            action_set_members.c.user_id == user_id, action_set_members.c.left_at.is_(None)
        )
        return await self._sets(
            and_(
                action_sets.c.status == ACTIVE,
                or_(action_sets.c.facilitator_id == user_id, action_sets.c.id.in_(mine)),
            )
        )

    # --- members --------------------------------------------------------------------------------------------

    async def add_member(self, set_id: int, user_id: int, *, now: datetime) -> bool:
        inserted = await self.conn.execute(
            _insert(self.conn, action_set_members)
            .values(set_id=set_id, user_id=user_id, joined_at=now)
            .on_conflict_do_nothing(index_elements=["set_id", "user_id"])
        )
        if inserted.rowcount == 1:
            return True
        back = await self.conn.execute(
            update(action_set_members)
            .where(
                action_set_members.c.set_id == set_id,
                action_set_members.c.user_id == user_id,
                action_set_members.c.left_at.is_not(None),
            )
            .values(left_at=None, joined_at=now)
        )
        return back.rowcount == 1

    async def remove_member(self, set_id: int, user_id: int) -> bool:
        result = await self.conn.execute(
            delete(action_set_members).where(
                action_set_members.c.set_id == set_id, action_set_members.c.user_id == user_id
            )
        )
        return result.rowcount == 1

    async def leave(self, set_id: int, user_id: int, *, now: datetime) -> bool:
        result = await self.conn.execute(
            update(action_set_members)
            .where(
                action_set_members.c.set_id == set_id,
                action_set_members.c.user_id == user_id,
                action_set_members.c.left_at.is_(None),
            )
            .values(left_at=now)
        )
        return result.rowcount == 1

    async def members(self, set_id: int) -> list[Member]:
        rows = await self.conn.execute(
            select(action_set_members, users.c.name, users.c.site)
            .join(users, users.c.id == action_set_members.c.user_id)
            .where(action_set_members.c.set_id == set_id, action_set_members.c.left_at.is_(None))
            .order_by(action_set_members.c.joined_at, action_set_members.c.user_id)
        )
        return [
            Member(r["set_id"], r["user_id"], r["name"], r["site"], r["joined_at"], r["left_at"])
            for r in rows.mappings()
        ]

    # --- meetings -------------------------------------------------------------------------------------------

    async def _meetings(self, where) -> list[Meeting]:
        rows = await self.conn.execute(
            _meeting_select.where(where).order_by(action_set_meetings.c.starts_at, action_set_meetings.c.id)
        )
        return [_meeting(r) for r in rows.mappings()]

    async def add_meetings(self, set_id: int, times: Sequence[tuple[datetime, datetime]], *, now: datetime) -> None:
        for number, (start, end) in enumerate(times, start=1):
            await self.conn.execute(
                _insert(self.conn, action_set_meetings)
                .values(set_id=set_id, number=number, starts_at=start, ends_at=end, created_at=now, updated_at=now)
                .on_conflict_do_nothing(index_elements=["set_id", "number"])
            )

    async def meetings(self, set_id: int) -> list[Meeting]:
        return await self._meetings(action_set_meetings.c.set_id == set_id)

    async def get_meeting(self, meeting_id: int) -> Meeting | None:
        found = await self._meetings(action_set_meetings.c.id == meeting_id)
        return found[0] if found else None

    async def set_presenter(self, meeting_id: int, presenter_id: int, *, replace: int | None, now: datetime) -> bool:
        current = action_set_meetings.c.presenter_id
        result = await self.conn.execute(
            update(action_set_meetings)
            .where(action_set_meetings.c.id == meeting_id, current.is_(None) if replace is None else current == replace)
            .values(presenter_id=presenter_id, updated_at=now)
        )
        return result.rowcount == 1

    async def clear_presenter(self, meeting_id: int, presenter_id: int, *, now: datetime) -> bool:
        result = await self.conn.execute(
            update(action_set_meetings)
            .where(action_set_meetings.c.id == meeting_id, action_set_meetings.c.presenter_id == presenter_id)
            .values(presenter_id=None, issue=None, updated_at=now)
        )
        return result.rowcount == 1

    async def set_issue(self, meeting_id: int, issue: str | None, *, now: datetime) -> None:
        await self.conn.execute(
            update(action_set_meetings)
            .where(action_set_meetings.c.id == meeting_id)
            .values(issue=issue, updated_at=now)
        )

    async def starting_between(self, start: datetime, end: datetime) -> list[Meeting]:
        return await self._meetings(
            and_(
                action_set_meetings.c.set_id.in_(_active_set_ids),
                action_set_meetings.c.starts_at >= start,
                action_set_meetings.c.starts_at < end,
            )
        )

    async def ended_between(self, start: datetime, end: datetime) -> list[Meeting]:
        return await self._meetings(
            and_(
                action_set_meetings.c.set_id.in_(_active_set_ids),
                action_set_meetings.c.ends_at > start,
                action_set_meetings.c.ends_at <= end,
            )
        )

    # --- reports --------------------------------------------------------------------------------------------

    async def figures(self, *, now: datetime) -> SetFigures:
        """Counts for the sets report. Selects no issue and no action text (confidential to each set)."""
        meetings = action_set_meetings
        in_active = meetings.c.set_id.in_(_active_set_ids)
        running = select(meetings.c.set_id).where(in_active, meetings.c.ends_at > now)
        counts = (
            await self.conn.execute(
                select(
                    func.count(),
                    func.count().filter(meetings.c.starts_at <= now),
                    func.count().filter(meetings.c.attendance_at.is_not(None)),
                ).where(in_active)
            )
        ).one()
        sets_running = (
            await self.conn.execute(
                select(func.count(distinct(meetings.c.set_id))).where(in_active, meetings.c.ends_at > now)
            )
        ).scalar_one()
        att = action_set_attendance
        marks = (
            await self.conn.execute(
                select(func.count(), func.count().filter(att.c.mark == Mark.PRESENT.value))
                .select_from(att.join(meetings, meetings.c.id == att.c.meeting_id))
                .where(in_active)
            )
        ).one()
        people = await self.conn.execute(
            select(users.c.id, users.c.site, users.c.staff_group)
            .distinct()
            .select_from(action_set_members.join(users, users.c.id == action_set_members.c.user_id))
            .where(action_set_members.c.left_at.is_(None), action_set_members.c.set_id.in_(running))
        )
        return SetFigures(
            sets_running=sets_running,
            meetings_planned=counts[0],
            meetings_due=counts[1],
            meetings_held=counts[2],
            marks_present=marks[1],
            marks_total=marks[0],
            members=[(i, s, g) for i, s, g in people],
        )
