"""SQL repository for the coach and mentor network."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.coaching.model import (
    Candidate,
    Evidence,
    EvidenceStatus,
    LinkKind,
    Mentorship,
    MentorshipStatus,
    Profile,
    Promotion,
    PromotionStatus,
)
from storage.coaching.tables import coaching_evidence, coaching_mentorships, coaching_profiles, coaching_promotions
from storage.repositories import _insert
from storage.tables import user_roles, users

mentees = users.alias("mentees")
mentors = users.alias("mentors")
owners = users.alias("owners")
PROMOTION_STEPS = {
    PromotionStatus.REQUESTED: PromotionStatus.OFFERED,
    PromotionStatus.CONFIRMED: PromotionStatus.REQUESTED,
}


def _evidence(row) -> Evidence:
    return Evidence(
        id=row["id"],
        user_id=row["user_id"],
        level=row["level"],
        competency=row["competency"],
        note=row["note"],
        status=EvidenceStatus(row["status"]),
        created_at=row["created_at"],
        link_kind=LinkKind(row["link_kind"]) if row["link_kind"] else None,
        link_id=row["link_id"],
        reviewer_id=row["reviewer_id"],
        comment=row["comment"],
        user_name=row["user_name"],
    )


def _mentorship(row) -> Mentorship:
    return Mentorship(
        id=row["id"],
        mentee_id=row["mentee_id"],
        mentor_id=row["mentor_id"],
        level=row["level"],
        status=MentorshipStatus(row["status"]),
        created_at=row["created_at"],
        accepted_at=row["accepted_at"],
        mentee_name=row["mentee_name"],
        mentor_name=row["mentor_name"],
    )


_evidence_select = select(coaching_evidence, owners.c.name.label("user_name")).join(
    owners, owners.c.id == coaching_evidence.c.user_id
)
_mentorship_select = (
    select(coaching_mentorships, mentees.c.name.label("mentee_name"), mentors.c.name.label("mentor_name"))
    .join(mentees, mentees.c.id == coaching_mentorships.c.mentee_id)
    .join(mentors, mentors.c.id == coaching_mentorships.c.mentor_id)
)


class SqlCoachingRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # --- levels ---------------------------------------------------------------------------------------------

    async def profile(self, user_id: int) -> Profile:
        row = (
            (await self.conn.execute(select(coaching_profiles).where(coaching_profiles.c.user_id == user_id)))
            .mappings()
            .first()
        )
        return Profile(user_id, row["level"], row["max_mentees"]) if row else Profile(user_id, None)

    async def set_level(self, user_id: int, level: str, *, now: datetime) -> None:
        stmt = _insert(self.conn, coaching_profiles).values(user_id=user_id, level=level, updated_at=now)
        await self.conn.execute(
            stmt.on_conflict_do_update(index_elements=["user_id"], set_={"level": level, "updated_at": now})
        )

    # --- evidence -------------------------------------------------------------------------------------------

    async def add_evidence(self, *, user_id, level, competency, note, link_kind, link_id, now) -> Evidence:
        stmt = (
            coaching_evidence.insert()
            .values(
                user_id=user_id,
                level=level,
                competency=competency,
                note=note,
                link_kind=LinkKind(link_kind).value if link_kind else None,
                link_id=link_id,
                status=EvidenceStatus.SUBMITTED.value,
                created_at=now,
            )
            .returning(coaching_evidence.c.id)
        )
        evidence = await self.get_evidence((await self.conn.execute(stmt)).scalar_one())
        assert evidence is not None
        return evidence

    async def _evidence(self, where) -> list[Evidence]:
        rows = await self.conn.execute(
            _evidence_select.where(where).order_by(coaching_evidence.c.created_at, coaching_evidence.c.id)
        )
        return [_evidence(r) for r in rows.mappings()]

    async def get_evidence(self, evidence_id: int) -> Evidence | None:
        found = await self._evidence(coaching_evidence.c.id == evidence_id)
        return found[0] if found else None

    async def evidence_of(self, user_id: int, *, level: str) -> list[Evidence]:
        return await self._evidence(and_(coaching_evidence.c.user_id == user_id, coaching_evidence.c.level == level))

    async def waiting_evidence(self) -> list[Evidence]:
        return await self._evidence(coaching_evidence.c.status == EvidenceStatus.SUBMITTED.value)

    async def review(self, evidence_id, *, status, reviewer_id, comment, now) -> bool:
        result = await self.conn.execute(
            update(coaching_evidence)
            .where(
                coaching_evidence.c.id == evidence_id,
                coaching_evidence.c.status == EvidenceStatus.SUBMITTED.value,
            )
            .values(status=EvidenceStatus(status).value, reviewer_id=reviewer_id, comment=comment, reviewed_at=now)
        )
        return result.rowcount == 1

    # --- promotions -----------------------------------------------------------------------------------------

    async def offer_promotion(self, user_id: int, level: str, *, now: datetime) -> bool:
        result = await self.conn.execute(
            _insert(self.conn, coaching_promotions)
            .values(user_id=user_id, level=level, status=PromotionStatus.OFFERED.value, offered_at=now)
            .on_conflict_do_nothing(index_elements=["user_id", "level"])
        )
        return result.rowcount == 1

    async def _promotions(self, where) -> list[Promotion]:
        rows = await self.conn.execute(
            select(coaching_promotions, users.c.name)
            .join(users, users.c.id == coaching_promotions.c.user_id)
            .where(where)
            .order_by(coaching_promotions.c.offered_at)
        )
        return [Promotion(r["user_id"], r["level"], PromotionStatus(r["status"]), r["name"]) for r in rows.mappings()]

    async def promotion(self, user_id: int, level: str) -> Promotion | None:
        found = await self._promotions(
            and_(coaching_promotions.c.user_id == user_id, coaching_promotions.c.level == level)
        )
        return found[0] if found else None

    async def requested_promotions(self) -> list[Promotion]:
        return await self._promotions(coaching_promotions.c.status == PromotionStatus.REQUESTED.value)

    async def move_promotion(self, user_id, level, *, to, by, now) -> bool:
        to = PromotionStatus(to)
        values: dict = {"status": to.value}
        values |= (
            {"requested_at": now} if to == PromotionStatus.REQUESTED else {"confirmed_at": now, "confirmed_by": by}
        )
        result = await self.conn.execute(
            update(coaching_promotions)
            .where(
                coaching_promotions.c.user_id == user_id,
                coaching_promotions.c.level == level,
                coaching_promotions.c.status == PROMOTION_STEPS[to].value,
            )
            .values(**values)
        )
        return result.rowcount == 1

    async def admins(self) -> list[int]:
        rows = await self.conn.execute(
            select(user_roles.c.user_id).where(user_roles.c.role == "admin").order_by(user_roles.c.user_id)
        )
        return list(rows.scalars())

    # --- mentoring ------------------------------------------------------------------------------------------

    async def candidates(self, levels: tuple[str, ...]) -> list[Candidate]:
        active = (
            select(coaching_mentorships.c.mentor_id, func.count().label("n"))
            .where(coaching_mentorships.c.status == MentorshipStatus.ACTIVE.value)
            .group_by(coaching_mentorships.c.mentor_id)
            .subquery()
        )
        rows = await self.conn.execute(
            select(
                users.c.id,
                users.c.name,
                users.c.site,
                users.c.staff_group,
                coaching_profiles.c.level,
                coaching_profiles.c.max_mentees,
                func.coalesce(active.c.n, 0).label("mentees"),
            )
            .join(coaching_profiles, coaching_profiles.c.user_id == users.c.id)
            .outerjoin(active, active.c.mentor_id == users.c.id)
            .where(coaching_profiles.c.level.in_(levels))
            .order_by(users.c.id)
        )
        return [Candidate(*row) for row in rows]

    async def _mentorships(self, where) -> list[Mentorship]:
        rows = await self.conn.execute(
            _mentorship_select.where(where).order_by(coaching_mentorships.c.created_at, coaching_mentorships.c.id)
        )
        return [_mentorship(r) for r in rows.mappings()]

    async def mentorships_of(self, mentee_id: int) -> list[Mentorship]:
        return await self._mentorships(coaching_mentorships.c.mentee_id == mentee_id)

    async def mentees_of(self, mentor_id: int) -> list[Mentorship]:
        return await self._mentorships(coaching_mentorships.c.mentor_id == mentor_id)

    async def propose(self, *, mentee_id, mentor_id, level, now) -> Mentorship | None:
        stmt = (
            _insert(self.conn, coaching_mentorships)
            .values(
                mentee_id=mentee_id,
                mentor_id=mentor_id,
                level=level,
                status=MentorshipStatus.PROPOSED.value,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["mentee_id"], index_where=text("status IN ('proposed', 'active')"))
            .returning(coaching_mentorships.c.id)
        )
        new_id = (await self.conn.execute(stmt)).scalar()
        return await self.get_mentorship(new_id) if new_id is not None else None

    async def get_mentorship(self, mentorship_id: int) -> Mentorship | None:
        found = await self._mentorships(coaching_mentorships.c.id == mentorship_id)
        return found[0] if found else None

    async def move_mentorship(self, mentorship_id, *, frm, to, now) -> bool:
        to = MentorshipStatus(to)
        values: dict = {"status": to.value}
        if to == MentorshipStatus.ACTIVE:
            values["accepted_at"] = now
        elif to in (MentorshipStatus.ENDED, MentorshipStatus.DECLINED):
            values["ended_at"] = now
        result = await self.conn.execute(
            update(coaching_mentorships)
            .where(
                coaching_mentorships.c.id == mentorship_id, coaching_mentorships.c.status == MentorshipStatus(frm).value
            )
            .values(**values)
        )
        return result.rowcount == 1

    async def active_mentorships(self) -> list[Mentorship]:
        return await self._mentorships(coaching_mentorships.c.status == MentorshipStatus.ACTIVE.value)

    # --- reports --------------------------------------------------------------------------------------------

    async def level_counts(self) -> list[tuple[str, str | None, str | None]]:
        rows = await self.conn.execute(
            select(coaching_profiles.c.level, users.c.site, users.c.staff_group)
            .join(users, users.c.id == coaching_profiles.c.user_id)
            .where(coaching_profiles.c.level.is_not(None))
        )
        return [tuple(r) for r in rows]
