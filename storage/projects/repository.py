"""SQL repository for the QI project register."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from core.measurement import Rebase
from core.projects.model import (
    LIVE_STATUSES,
    Measure,
    Project,
    ProjectStatus,
    TeamMember,
)
from storage.projects.records import SqlProgressRecords
from storage.projects.tables import (
    NEW_DRAFT,
    measure_rebases,
    project_measures,
    project_members,
    projects,
)
from storage.repositories import _insert
from storage.tables import user_roles, users

FIELDS = (
    "title",
    "problem",
    "site",
    "division",
    "strategic_aim",
    "aim_what",
    "aim_who",
    "aim_how_much",
    "aim_by",
    "sponsor",
    "coach_id",
    "needs_coach",
    "governance",
    "progress_score",
    "approval_comment",
    "wizard_step",
)

CHUNK = 500  # projects a query: well under SQLite's and asyncpg's bound-parameter limits

_lead, _coach = aliased(users), aliased(users)
_select = (
    select(projects, _lead.c.name.label("lead_name"), _coach.c.name.label("coach_name"))
    .join(_lead, _lead.c.id == projects.c.lead_id)
    .outerjoin(_coach, _coach.c.id == projects.c.coach_id)
)


def _measure(row, rebases: tuple[Rebase, ...] = ()) -> Measure:
    return Measure(
        id=row["id"],
        project_id=row["project_id"],
        kind=row["kind"],
        name=row["name"],
        definition=row["definition"],
        chart=row["chart"],
        improvement=row["improvement"],
        fix_after=row["fix_after"],
        rebases=rebases,
    )


class SqlProjectRepository(SqlProgressRecords):
    """The register, its team and measures; the records of progress (PDSA cycles, data, evaluations) and the
    report's rows come from SqlProgressRecords (storage/projects/records.py)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def _load(self, where, *, order=(projects.c.updated_at.desc(),), limit: int | None = None) -> list[Project]:
        stmt = _select.where(where).order_by(*order)
        rows = (await self.conn.execute(stmt.limit(limit) if limit else stmt)).mappings().all()
        teams: dict[int, list] = {}
        measures: dict[int, list] = {}
        rebases: dict[int, tuple[Rebase, ...]] = {}
        # Team, measures and rebases for all the projects at once, not three queries a project (issue 16: the
        # stale-project and story ticks list hundreds).
        for at in range(0, len(rows), CHUNK):
            ids = [r["id"] for r in rows[at : at + CHUNK]]
            members = project_members.c
            for pid, name, role, uid in await self.conn.execute(
                select(members.project_id, members.name, members.role, members.user_id)
                .where(members.project_id.in_(ids))
                .order_by(members.project_id, members.position)
            ):
                teams.setdefault(pid, []).append((name, role, uid))
            for m in (
                await self.conn.execute(
                    select(project_measures)
                    .where(project_measures.c.project_id.in_(ids))
                    .order_by(project_measures.c.project_id, project_measures.c.position)
                )
            ).mappings():
                measures.setdefault(m["project_id"], []).append(m)
            rebases.update(await self._rebases(project_measures.c.project_id.in_(ids)))
        result = []
        for r in rows:
            team = teams.get(r["id"], [])
            result.append(
                Project(
                    id=r["id"],
                    lead_id=r["lead_id"],
                    status=ProjectStatus(r["status"]),
                    created_at=r["created_at"],
                    updated_at=r["updated_at"],
                    lead_name=r["lead_name"],
                    coach_name=r["coach_name"],
                    team=tuple(TeamMember(n, role) for n, role, _ in team),
                    member_ids=frozenset(uid for *_, uid in team if uid is not None),
                    measures=tuple(_measure(m, rebases.get(m["id"], ())) for m in measures.get(r["id"], [])),
                    **{f: r[f] for f in FIELDS},
                )
            )
        return result

    async def _rebases(self, where) -> dict[int, tuple[Rebase, ...]]:
        """The rebases of the measures `where` selects, by measure, in date order."""
        rows = await self.conn.execute(
            select(measure_rebases.c.measure_id, measure_rebases.c.on_date, measure_rebases.c.reason)
            .join(project_measures, project_measures.c.id == measure_rebases.c.measure_id)
            .where(where)
            .order_by(measure_rebases.c.measure_id, measure_rebases.c.on_date)
        )
        found: dict[int, tuple[Rebase, ...]] = {}
        for measure_id, on, reason in rows:
            found[measure_id] = (*found.get(measure_id, ()), Rebase(on, reason))
        return found

    async def get(self, project_id: int) -> Project | None:
        found = await self._load(projects.c.id == project_id)
        return found[0] if found else None

    async def create_draft(self, lead_id: int, *, now: datetime) -> Project:
        """A new draft, or the lead's new draft if there is one already: the unique index allows one per lead, so
        of thirty racing copies one inserts and the others find its row (PostgreSQL makes them wait for it)."""
        await self.conn.execute(
            _insert(self.conn, projects)
            .values(
                lead_id=lead_id,
                status=ProjectStatus.DRAFT.value,
                wizard_step=1,
                needs_coach=False,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["lead_id"], index_where=text(NEW_DRAFT))
        )
        new_draft = (projects.c.status == ProjectStatus.DRAFT.value) & projects.c.submitted_at.is_(None)
        found = await self._load((projects.c.lead_id == lead_id) & new_draft, limit=1)
        return found[0]

    async def latest_draft(self, lead_id: int) -> Project | None:
        found = await self._load(
            (projects.c.lead_id == lead_id) & (projects.c.status == ProjectStatus.DRAFT.value), limit=1
        )
        return found[0] if found else None

    async def save(self, project: Project, *, now: datetime) -> None:
        """The wizard's fields; the status changes only through the transitions below."""
        await self.conn.execute(
            update(projects)
            .where(projects.c.id == project.id)
            .values(updated_at=now, **{f: getattr(project, f) for f in FIELDS})
        )

    async def _transition(self, project_id: int, before: set[ProjectStatus], after: ProjectStatus, **values) -> bool:
        """Change the status only from one of `before` (a conditional UPDATE: of two racing taps, one wins)."""
        result = await self.conn.execute(
            update(projects)
            .where(projects.c.id == project_id, projects.c.status.in_([s.value for s in before]))
            .values(status=after.value, **values)
        )
        return result.rowcount == 1

    async def mark_submitted(self, project_id: int, *, now: datetime) -> bool:
        return await self._transition(
            project_id, {ProjectStatus.DRAFT}, ProjectStatus.SUBMITTED, submitted_at=now, updated_at=now
        )

    async def mark_approved(self, project_id: int, *, by: int, comment: str | None, now: datetime) -> bool:
        return await self._transition(
            project_id,
            {ProjectStatus.SUBMITTED},
            ProjectStatus.APPROVED,
            approved_at=now,
            approved_by=by,
            approval_comment=comment,
            updated_at=now,
        )

    async def mark_returned(self, project_id: int, *, comment: str, wizard_step: int, now: datetime) -> bool:
        return await self._transition(
            project_id,
            {ProjectStatus.SUBMITTED},
            ProjectStatus.DRAFT,
            approval_comment=comment,
            wizard_step=wizard_step,
            updated_at=now,
        )

    async def mark_active(self, project_id: int, *, now: datetime) -> bool:
        return await self._transition(project_id, {ProjectStatus.APPROVED}, ProjectStatus.ACTIVE, updated_at=now)

    async def mark_closed(self, project_id: int, status: ProjectStatus, *, now: datetime) -> bool:
        if status not in (ProjectStatus.COMPLETED, ProjectStatus.STOPPED):
            raise ValueError("a project closes as completed or stopped")
        return await self._transition(project_id, set(LIVE_STATUSES), status, updated_at=now)

    async def set_progress_score(self, project_id: int, score: float, *, now: datetime) -> None:
        await self.conn.execute(
            update(projects).where(projects.c.id == project_id).values(progress_score=score, updated_at=now)
        )

    async def touch(self, project_id: int, *, now: datetime) -> None:
        await self.conn.execute(update(projects).where(projects.c.id == project_id).values(updated_at=now))

    async def add_member(self, project_id: int, *, user_id: int, name: str, role: str) -> bool:
        """Add a bot user to the team; False if they already are on it (the unique index decides, so of thirty
        racing copies one adds a row)."""
        position = select(func.coalesce(func.max(project_members.c.position), -1) + 1).where(
            project_members.c.project_id == project_id
        )
        result = await self.conn.execute(
            _insert(self.conn, project_members)
            .values(project_id=project_id, user_id=user_id, name=name, role=role, position=position.scalar_subquery())
            .on_conflict_do_nothing(index_elements=["project_id", "user_id"])
        )
        return result.rowcount == 1

    async def set_team(self, project_id: int, team: Sequence[TeamMember]) -> None:
        """Replace the team typed in the wizard (members who joined through the bot are kept)."""
        await self.conn.execute(
            delete(project_members).where(
                project_members.c.project_id == project_id, project_members.c.user_id.is_(None)
            )
        )
        if team:
            await self.conn.execute(
                project_members.insert(),
                [{"project_id": project_id, "name": m.name, "role": m.role, "position": i} for i, m in enumerate(team)],
            )

    async def set_measures(self, project_id: int, measures: Sequence[tuple[str, str, str]]) -> None:
        """Replace the measures of a draft: (kind, name, operational definition)."""
        await self.conn.execute(delete(project_measures).where(project_measures.c.project_id == project_id))
        if measures:
            await self.conn.execute(
                project_measures.insert(),
                [
                    {"project_id": project_id, "kind": k, "name": n, "definition": d, "position": i}
                    for i, (k, n, d) in enumerate(measures)
                ],
            )

    async def set_measure_chart(self, measure_id: int, *, chart: str, improvement: str) -> None:
        await self.conn.execute(
            update(project_measures)
            .where(project_measures.c.id == measure_id)
            .values(chart=chart, improvement=improvement)
        )

    async def set_fix_after(self, measure_id: int, fix_after: int | None) -> None:
        await self.conn.execute(
            update(project_measures).where(project_measures.c.id == measure_id).values(fix_after=fix_after)
        )

    async def add_rebase(self, measure_id: int, rebase: Rebase, *, by: int | None, now: datetime) -> None:
        """A rebase at a date (one a date: a second one on the same date replaces its reason)."""
        stmt = _insert(self.conn, measure_rebases).values(
            measure_id=measure_id, on_date=rebase.at, reason=rebase.reason, created_by=by, created_at=now
        )
        await self.conn.execute(
            stmt.on_conflict_do_update(index_elements=["measure_id", "on_date"], set_={"reason": rebase.reason})
        )

    async def remove_rebase(self, measure_id: int, on: date) -> bool:
        result = await self.conn.execute(
            delete(measure_rebases).where(measure_rebases.c.measure_id == measure_id, measure_rebases.c.on_date == on)
        )
        return result.rowcount == 1

    async def measure(self, measure_id: int) -> Measure | None:
        row = (
            (await self.conn.execute(select(project_measures).where(project_measures.c.id == measure_id)))
            .mappings()
            .first()
        )
        if row is None:
            return None
        rebases = await self._rebases(project_measures.c.id == measure_id)
        return _measure(row, rebases.get(measure_id, ()))

    async def mine(self, user_id: int) -> list[Project]:
        return await self._load(or_(projects.c.lead_id == user_id, projects.c.coach_id == user_id))

    async def search(
        self, *, words: Sequence[str], site: str | None, status: str | None, limit: int = 10
    ) -> list[Project]:
        where = projects.c.status != ProjectStatus.DRAFT.value
        for word in words:
            like = f"%{word.lower()}%"
            where &= or_(
                func.lower(projects.c.title).like(like),
                func.lower(projects.c.problem).like(like),
                func.lower(projects.c.aim_what).like(like),
            )
        if site:
            where &= projects.c.site == site
        if status:
            where &= projects.c.status == status
        return await self._load(where, limit=limit)

    async def registered(self, *, exclude: int | None = None) -> list[Project]:
        where = projects.c.status != ProjectStatus.DRAFT.value
        if exclude is not None:
            where &= projects.c.id != exclude
        return await self._load(where)

    async def stale(self, *, updated_before: datetime) -> list[Project]:
        return await self._load(
            projects.c.status.in_([s.value for s in LIVE_STATUSES]) & (projects.c.updated_at < updated_before)
        )

    async def completed_since(self, since: datetime) -> list[Project]:
        return await self._load(
            (projects.c.status == ProjectStatus.COMPLETED.value) & (projects.c.updated_at >= since),
            order=(projects.c.submitted_at, projects.c.id),
        )

    async def coaches(self, site: str | None) -> list[tuple[int, str]]:
        stmt = (
            select(users.c.id, users.c.name)
            .join(user_roles, user_roles.c.user_id == users.c.id)
            .where(user_roles.c.role == "coach")
            .order_by(users.c.name)
        )
        if site:
            stmt = stmt.where(users.c.site == site)
        return [(i, n or "QI coach") for i, n in await self.conn.execute(stmt)]

    async def admins(self) -> list[int]:
        rows = await self.conn.execute(select(user_roles.c.user_id).where(user_roles.c.role == "admin"))
        return list(rows.scalars())
