"""SQL records of a project's progress: PDSA cycles, data points, the cards already acted on, the evaluation and
its scores, and the rows of the projects report."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import aliased

from core.projects.commands import Evaluation, Pdsa
from core.projects.model import EvaluationRecord, PdsaCycle, ProjectStatus, Scores
from storage.projects.tables import measure_points, pdsa_cycles, project_card_uses, project_evaluations, projects
from storage.repositories import _insert
from storage.tables import users

_lead, _coach = aliased(users), aliased(users)


class SqlProgressRecords:
    conn: AsyncConnection

    async def add_pdsa(self, project_id: int, cycle: Pdsa, *, by: int | None, now: datetime) -> int:
        return (
            await self.conn.execute(
                pdsa_cycles.insert()
                .values(
                    project_id=project_id,
                    plan=cycle.plan,
                    prediction=cycle.prediction,
                    do=cycle.do,
                    study=cycle.study,
                    act=cycle.act,
                    created_by=by,
                    created_at=now,
                )
                .returning(pdsa_cycles.c.id)
            )
        ).scalar_one()

    async def complete_pdsa(
        self, project_id: int, cycle_id: int, *, do: str | None, study: str | None, act: str | None
    ) -> bool:
        """Write a cycle's Do, Study and Act, only while it has no Act yet (a decided cycle stays as it was)."""
        result = await self.conn.execute(
            update(pdsa_cycles)
            .where(pdsa_cycles.c.id == cycle_id, pdsa_cycles.c.project_id == project_id, pdsa_cycles.c.act.is_(None))
            .values(do=do, study=study, act=act)
        )
        return result.rowcount == 1

    async def use_card(self, project_id: int, nonce: str, *, now: datetime) -> bool:
        """True the first time a card's nonce is used on this project; False for every copy after it (PostgreSQL
        makes a racing copy wait for the first one's transaction, so only one of them is first)."""
        result = await self.conn.execute(
            _insert(self.conn, project_card_uses)
            .values(project_id=project_id, nonce=nonce, used_at=now)
            .on_conflict_do_nothing(index_elements=["project_id", "nonce"])
        )
        return result.rowcount == 1

    async def pdsas(self, project_id: int) -> list[PdsaCycle]:
        rows = await self.conn.execute(
            select(pdsa_cycles)
            .where(pdsa_cycles.c.project_id == project_id)
            .order_by(pdsa_cycles.c.created_at, pdsa_cycles.c.id)
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

    async def points(self, measure_id: int) -> list[tuple[date, float]]:
        rows = await self.conn.execute(
            select(measure_points.c.on_date, measure_points.c.value)
            .where(measure_points.c.measure_id == measure_id)
            .order_by(measure_points.c.on_date)
        )
        return [(d, v) for d, v in rows]

    async def save_evaluation(self, project_id: int, evaluation: Evaluation, *, now: datetime) -> None:
        values = {
            "results": evaluation.results,
            "decision": evaluation.decision,
            "sustain": evaluation.sustain,
            "spread": evaluation.spread,
            "lessons": evaluation.lessons,
            "submitted_at": now,
        }
        stmt = _insert(self.conn, project_evaluations).values(project_id=project_id, **values)
        await self.conn.execute(stmt.on_conflict_do_update(index_elements=["project_id"], set_=values))

    async def score_evaluation(
        self, project_id: int, scores: Scores, *, comment: str | None, by: int, now: datetime
    ) -> None:
        await self.conn.execute(
            update(project_evaluations)
            .where(project_evaluations.c.project_id == project_id)
            .values(
                aim_achieved=scores.aim_achieved,
                measurement=scores.measurement,
                pdsa_discipline=scores.pdsa_discipline,
                patient_involvement=scores.patient_involvement,
                sustainability=scores.sustainability,
                coach_comment=comment,
                scored_by=by,
                scored_at=now,
            )
        )

    async def evaluation(self, project_id: int) -> EvaluationRecord | None:
        row = (
            (await self.conn.execute(select(project_evaluations).where(project_evaluations.c.project_id == project_id)))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return EvaluationRecord.of(row)

    async def registration_evidence(self) -> list[tuple[int, datetime, str | None, str | None]]:
        stmt = (
            select(projects.c.id, projects.c.submitted_at, projects.c.site, _lead.c.staff_group)
            .join(_lead, _lead.c.id == projects.c.lead_id)
            .where(projects.c.status != ProjectStatus.DRAFT.value, projects.c.submitted_at.is_not(None))
            .order_by(projects.c.submitted_at, projects.c.id)
        )
        return [tuple(r) for r in await self.conn.execute(stmt)]

    async def evaluation_evidence(self) -> list[tuple[int, datetime, str | None, str | None]]:
        stmt = (
            select(projects.c.id, project_evaluations.c.submitted_at, projects.c.site, _lead.c.staff_group)
            .join(project_evaluations, project_evaluations.c.project_id == projects.c.id)
            .join(_lead, _lead.c.id == projects.c.lead_id)
            .order_by(project_evaluations.c.submitted_at, projects.c.id)
        )
        return [tuple(r) for r in await self.conn.execute(stmt)]

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
