"""SQL repository for the QI project register."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from core.projects.model import Measure, PdsaCycle, Project, ProjectStatus, TeamMember
from storage.projects.tables import (
    measure_points,
    pdsa_cycles,
    project_evaluations,
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

_lead, _coach = aliased(users), aliased(users)
_select = (
    select(projects, _lead.c.name.label("lead_name"), _coach.c.name.label("coach_name"))
    .join(_lead, _lead.c.id == projects.c.lead_id)
    .outerjoin(_coach, _coach.c.id == projects.c.coach_id)
)


class SqlProjectRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def _load(self, where, *, order=None, limit: int | None = None) -> list[Project]:
        stmt = _select.where(where).order_by(order if order is not None else projects.c.updated_at.desc())
        rows = (await self.conn.execute(stmt.limit(limit) if limit else stmt)).mappings().all()
        result = []
        for r in rows:
            team = (
                await self.conn.execute(
                    select(project_members.c.name, project_members.c.role, project_members.c.user_id)
                    .where(project_members.c.project_id == r["id"])
                    .order_by(project_members.c.position)
                )
            ).all()
            measures = await self.conn.execute(
                select(project_measures)
                .where(project_measures.c.project_id == r["id"])
                .order_by(project_measures.c.position)
            )
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
                    measures=tuple(
                        Measure(
                            id=m["id"],
                            project_id=m["project_id"],
                            kind=m["kind"],
                            name=m["name"],
                            definition=m["definition"],
                            chart=m["chart"],
                            improvement=m["improvement"],
                        )
                        for m in measures.mappings()
                    ),
                    **{f: r[f] for f in FIELDS},
                )
            )
        return result

    async def get(self, project_id: int) -> Project | None:
        found = await self._load(projects.c.id == project_id)
        return found[0] if found else None

    async def create_draft(self, lead_id: int, *, now: datetime) -> Project:
        project_id = (
            await self.conn.execute(
                projects.insert()
                .values(
                    lead_id=lead_id,
                    status=ProjectStatus.DRAFT.value,
                    wizard_step=1,
                    needs_coach=False,
                    created_at=now,
                    updated_at=now,
                )
                .returning(projects.c.id)
            )
        ).scalar_one()
        project = await self.get(project_id)
        assert project is not None
        return project

    async def latest_draft(self, lead_id: int) -> Project | None:
        found = await self._load(
            (projects.c.lead_id == lead_id) & (projects.c.status == ProjectStatus.DRAFT.value), limit=1
        )
        return found[0] if found else None

    async def save(self, project: Project, *, now: datetime) -> None:
        await self.conn.execute(
            update(projects)
            .where(projects.c.id == project.id)
            .values(status=project.status.value, updated_at=now, **{f: getattr(project, f) for f in FIELDS})
        )

    async def set_status(self, project_id: int, status: ProjectStatus, *, now: datetime, **extra) -> None:
        await self.conn.execute(
            update(projects).where(projects.c.id == project_id).values(status=status.value, updated_at=now, **extra)
        )

    async def touch(self, project_id: int, *, now: datetime) -> None:
        await self.conn.execute(update(projects).where(projects.c.id == project_id).values(updated_at=now))

    async def add_member(self, project_id: int, *, user_id: int, name: str, role: str) -> bool:
        """Add a bot user to the team; False if they already are on it."""
        exists = await self.conn.scalar(
            select(func.count())
            .select_from(project_members)
            .where(project_members.c.project_id == project_id, project_members.c.user_id == user_id)
        )
        if exists:
            return False
        position = await self.conn.scalar(
            select(func.coalesce(func.max(project_members.c.position), -1) + 1).where(
                project_members.c.project_id == project_id
            )
        )
        await self.conn.execute(
            project_members.insert().values(
                project_id=project_id, user_id=user_id, name=name, role=role, position=position
            )
        )
        return True

    async def set_team(self, project_id: int, team: list[TeamMember]) -> None:
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

    async def set_measures(self, project_id: int, measures: list[tuple[str, str, str]]) -> None:
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

    async def measure(self, measure_id: int) -> Measure | None:
        row = (
            (await self.conn.execute(select(project_measures).where(project_measures.c.id == measure_id)))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return Measure(
            id=row["id"],
            project_id=row["project_id"],
            kind=row["kind"],
            name=row["name"],
            definition=row["definition"],
            chart=row["chart"],
            improvement=row["improvement"],
        )

    async def mine(self, user_id: int) -> list[Project]:
        return await self._load(or_(projects.c.lead_id == user_id, projects.c.coach_id == user_id))

    async def search(self, *, words: list[str], site: str | None, status: str | None, limit: int = 10) -> list[Project]:
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
            projects.c.status.in_([ProjectStatus.APPROVED.value, ProjectStatus.ACTIVE.value])
            & (projects.c.updated_at < updated_before)
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

    async def add_pdsa(
        self,
        project_id: int,
        *,
        plan: str,
        prediction: str,
        do: str | None,
        study: str | None,
        act: str | None,
        by: int,
        now: datetime,
    ) -> int:
        return (
            await self.conn.execute(
                pdsa_cycles.insert()
                .values(
                    project_id=project_id,
                    plan=plan,
                    prediction=prediction,
                    do=do,
                    study=study,
                    act=act,
                    created_by=by,
                    created_at=now,
                )
                .returning(pdsa_cycles.c.id)
            )
        ).scalar_one()

    async def pdsas(self, project_id: int) -> list[PdsaCycle]:
        rows = await self.conn.execute(
            select(pdsa_cycles).where(pdsa_cycles.c.project_id == project_id).order_by(pdsa_cycles.c.created_at)
        )
        return [
            PdsaCycle(
                id=r["id"],
                project_id=r["project_id"],
                plan=r["plan"],
                prediction=r["prediction"],
                do=r["do"],
                study=r["study"],
                act=r["act"],
                created_at=r["created_at"],
            )
            for r in rows.mappings()
        ]

    async def add_point(self, measure_id: int, *, on: date, value: float, now: datetime) -> None:
        stmt = _insert(self.conn, measure_points).values(
            measure_id=measure_id, on_date=on, value=value, recorded_at=now
        )
        await self.conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["measure_id", "on_date"], set_={"value": value, "recorded_at": now}
            )
        )

    async def report_rows(self) -> list[dict]:
        """One row per registered project (no drafts) with its evaluation scores, for reports and exports."""
        stmt = (
            select(
                projects.c.id,
                projects.c.title,
                projects.c.site,
                projects.c.division,
                projects.c.strategic_aim,
                projects.c.status,
                projects.c.governance,
                projects.c.progress_score,
                projects.c.submitted_at,
                projects.c.approved_at,
                projects.c.updated_at,
                _lead.c.name.label("lead"),
                _coach.c.name.label("coach"),
                project_evaluations.c.decision,
                project_evaluations.c.aim_achieved,
                project_evaluations.c.measurement,
                project_evaluations.c.pdsa_discipline,
                project_evaluations.c.patient_involvement,
                project_evaluations.c.sustainability,
            )
            .join(_lead, _lead.c.id == projects.c.lead_id)
            .outerjoin(_coach, _coach.c.id == projects.c.coach_id)
            .outerjoin(project_evaluations, project_evaluations.c.project_id == projects.c.id)
            .where(projects.c.status != ProjectStatus.DRAFT.value)
            .order_by(projects.c.submitted_at, projects.c.id)
        )
        return [dict(r) for r in (await self.conn.execute(stmt)).mappings()]

    async def save_evaluation(self, project_id: int, *, answers: dict, now: datetime) -> None:
        values = {k: answers.get(k) for k in ("results", "decision", "sustain", "spread", "lessons")}
        stmt = _insert(self.conn, project_evaluations).values(project_id=project_id, submitted_at=now, **values)
        await self.conn.execute(
            stmt.on_conflict_do_update(index_elements=["project_id"], set_={**values, "submitted_at": now})
        )

    async def score_evaluation(
        self, project_id: int, *, scores: dict[str, int], comment: str | None, by: int, now: datetime
    ) -> None:
        await self.conn.execute(
            update(project_evaluations)
            .where(project_evaluations.c.project_id == project_id)
            .values(coach_comment=comment, scored_by=by, scored_at=now, **scores)
        )

    async def evaluation(self, project_id: int) -> dict | None:
        row = (
            (await self.conn.execute(select(project_evaluations).where(project_evaluations.c.project_id == project_id)))
            .mappings()
            .first()
        )
        return dict(row) if row else None

    async def points(self, measure_id: int) -> list[tuple[date, float]]:
        rows = await self.conn.execute(
            select(measure_points.c.on_date, measure_points.c.value)
            .where(measure_points.c.measure_id == measure_id)
            .order_by(measure_points.c.on_date)
        )
        return [(d, v) for d, v in rows]
