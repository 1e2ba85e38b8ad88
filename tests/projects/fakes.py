"""The project register in memory: every method of core.projects.ports.ProjectRepository, over the shared
FakeDatabase (so FakeUnitOfWork's rollback restores it and a test can compare the database before and after).
It keeps the rules the SQL schema enforces (status transitions from the expected status, research never
registered, one value per measure and day), so a service that breaks them fails here too."""

from __future__ import annotations

import copy
from dataclasses import asdict, fields, replace
from datetime import UTC, date, datetime

from core.kernel.model import OutboundMessage, Role
from core.measurement import Rebase
from core.projects.commands import Evaluation, Pdsa
from core.projects.model import (
    LIVE_STATUSES,
    RUBRIC,
    EvaluationRecord,
    Measure,
    PdsaCycle,
    Project,
    ProjectStatus,
    Scores,
    TeamMember,
)
from storage.projects.repository import FIELDS  # the same columns as the SQL register
from tests.fakes import _Repo


class FakeProjects(_Repo):
    def __init__(self, db) -> None:
        super().__init__(db)
        _ = self._tables  # made at once, so a before/after snapshot of the fake database sees the same keys

    # --- the tables, in the shared fake database -----------------------------------------------------------------

    @property
    def _tables(self) -> dict:
        return self.db.__dict__.setdefault(
            "project_tables",
            {
                "projects": {},
                "members": [],
                "measures": {},
                "points": {},
                "rebases": {},
                "pdsas": {},
                "card_uses": {},
                "evaluations": {},
            },
        )

    def _row(self, project_id: int) -> dict | None:
        return self._tables["projects"].get(project_id)

    def _project(self, row: dict) -> Project:
        users, t = self.db.users, self._tables
        members = sorted((m for m in t["members"] if m["project_id"] == row["id"]), key=lambda m: m["position"])
        measures = sorted(
            (m for m in t["measures"].values() if m["project_id"] == row["id"]), key=lambda m: m["position"]
        )
        lead, coach = users.get(row["lead_id"]), users.get(row["coach_id"])
        return Project(
            id=row["id"],
            lead_id=row["lead_id"],
            status=ProjectStatus(row["status"]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            lead_name=lead.name if lead else None,
            coach_name=coach.name if coach else None,
            team=tuple(TeamMember(m["name"], m["role"]) for m in members),
            member_ids=frozenset(m["user_id"] for m in members if m["user_id"] is not None),
            measures=tuple(self._measure(m) for m in measures),
            **{f: row[f] for f in FIELDS},
        )

    def _measure(self, row: dict) -> Measure:
        rebases = sorted((on, reason) for (m, on), (reason, _) in self._tables["rebases"].items() if m == row["id"])
        values = {f.name: row[f.name] for f in fields(Measure) if f.name != "rebases"}
        return Measure(**values, rebases=tuple(Rebase(on, reason) for on, reason in rebases))

    def _load(self, keep, limit: int | None = None) -> list[Project]:
        rows = sorted(
            (r for r in self._tables["projects"].values() if keep(r)), key=lambda r: (r["updated_at"], r["id"])
        )
        return [self._project(r) for r in reversed(rows)][:limit]

    def add(self, project: Project) -> Project:
        """Put a whole project in the register (for other capabilities' tests)."""
        now = project.created_at or datetime(2026, 1, 1, tzinfo=UTC)
        self._tables["projects"][project.id] = {
            "id": project.id,
            "lead_id": project.lead_id,
            "status": ProjectStatus(project.status).value,
            "approved_by": None,
            "submitted_at": None,
            "approved_at": None,
            "created_at": now,
            "updated_at": project.updated_at or now,
            **{f: getattr(project, f) for f in FIELDS},
        }
        for position, member in enumerate(project.team):
            self._tables["members"].append(
                {
                    "project_id": project.id,
                    "name": member.name,
                    "role": member.role,
                    "user_id": None,
                    "position": position,
                }
            )
        for user_id in project.member_ids:
            self._tables["members"].append(
                {
                    "project_id": project.id,
                    "name": "Team member",
                    "role": "Team member",
                    "user_id": user_id,
                    "position": 99,
                }
            )
        for position, measure in enumerate(project.measures):
            row = {f.name: getattr(measure, f.name) for f in fields(Measure) if f.name != "rebases"}
            self._tables["measures"][measure.id] = {**row, "position": position}
            for rebase in measure.rebases:
                self._tables["rebases"][(measure.id, rebase.at)] = (rebase.reason, None)
        return project

    # --- the register --------------------------------------------------------------------------------------------

    async def get(self, project_id):
        row = self._row(project_id)
        return self._project(row) if row else None

    async def create_draft(self, lead_id, *, now):
        """As the unique index of the SQL register: one new (never submitted) draft per lead."""
        for row in self._tables["projects"].values():
            if row["lead_id"] == lead_id and row["status"] == ProjectStatus.DRAFT.value and not row["submitted_at"]:
                return await self.get(row["id"])
        project_id = next(self.db.ids)
        self._tables["projects"][project_id] = {
            "id": project_id,
            "lead_id": lead_id,
            "status": ProjectStatus.DRAFT.value,
            "approved_by": None,
            "submitted_at": None,
            "approved_at": None,
            "created_at": now,
            "updated_at": now,
            **{f: None for f in FIELDS},
            "wizard_step": 1,
            "needs_coach": False,
        }
        return await self.get(project_id)

    async def latest_draft(self, lead_id):
        found = self._load(lambda r: r["lead_id"] == lead_id and r["status"] == ProjectStatus.DRAFT.value, limit=1)
        return found[0] if found else None

    async def save(self, project, *, now):
        row = self._row(project.id)
        if row is not None:
            row.update({f: getattr(project, f) for f in FIELDS}, updated_at=now)
            _check(row)

    async def _transition(self, project_id, before, after, **values) -> bool:
        row = self._row(project_id)
        if row is None or ProjectStatus(row["status"]) not in before:
            return False
        row.update(status=after.value, **values)
        _check(row)
        return True

    async def mark_submitted(self, project_id, *, now):
        return await self._transition(
            project_id, {ProjectStatus.DRAFT}, ProjectStatus.SUBMITTED, submitted_at=now, updated_at=now
        )

    async def mark_approved(self, project_id, *, by, comment, now):
        return await self._transition(
            project_id,
            {ProjectStatus.SUBMITTED},
            ProjectStatus.APPROVED,
            approved_at=now,
            approved_by=by,
            approval_comment=comment,
            updated_at=now,
        )

    async def mark_returned(self, project_id, *, comment, wizard_step, now):
        return await self._transition(
            project_id,
            {ProjectStatus.SUBMITTED},
            ProjectStatus.DRAFT,
            approval_comment=comment,
            wizard_step=wizard_step,
            updated_at=now,
        )

    async def mark_active(self, project_id, *, now):
        return await self._transition(project_id, {ProjectStatus.APPROVED}, ProjectStatus.ACTIVE, updated_at=now)

    async def mark_closed(self, project_id, status, *, now):
        if status not in (ProjectStatus.COMPLETED, ProjectStatus.STOPPED):
            raise ValueError("a project closes as completed or stopped")
        return await self._transition(project_id, set(LIVE_STATUSES), status, updated_at=now)

    async def set_progress_score(self, project_id, score, *, now):
        row = self._row(project_id)
        if row is not None:
            row.update(progress_score=score, updated_at=now)
            _check(row)

    async def touch(self, project_id, *, now):
        row = self._row(project_id)
        if row is not None:
            row["updated_at"] = now

    async def set_team(self, project_id, team):
        """Replace the team typed in the wizard (members who joined through the bot are kept)."""
        members = self._tables["members"]
        members[:] = [m for m in members if not (m["project_id"] == project_id and m["user_id"] is None)]
        for position, member in enumerate(team):
            members.append(
                {
                    "project_id": project_id,
                    "name": member.name,
                    "role": member.role,
                    "user_id": None,
                    "position": position,
                }
            )

    async def add_member(self, project_id, *, user_id, name, role):
        members = [m for m in self._tables["members"] if m["project_id"] == project_id]
        if any(m["user_id"] == user_id for m in members):
            return False
        position = max((m["position"] for m in members), default=-1) + 1
        self._tables["members"].append(
            {"project_id": project_id, "name": name, "role": role, "user_id": user_id, "position": position}
        )
        return True

    async def set_measures(self, project_id, measures):
        table = self._tables["measures"]
        for measure_id in [k for k, m in table.items() if m["project_id"] == project_id]:
            del table[measure_id]
            for kept in ("points", "rebases"):
                for key in [k for k in self._tables[kept] if k[0] == measure_id]:
                    del self._tables[kept][key]
        for position, (kind, name, definition) in enumerate(measures):
            if kind not in ("outcome", "process", "balancing"):
                raise ValueError("known_kind")
            measure_id = next(self.db.ids)
            table[measure_id] = {
                "id": measure_id,
                "project_id": project_id,
                "kind": kind,
                "name": name,
                "definition": definition,
                "chart": "run",
                "improvement": "increase",
                "fix_after": None,
                "position": position,
            }

    async def set_measure_chart(self, measure_id, *, chart, improvement):
        if chart not in ("run", "xmr") or improvement not in ("increase", "decrease"):
            raise ValueError("known_chart / known_improvement")
        if measure_id in self._tables["measures"]:
            self._tables["measures"][measure_id].update(chart=chart, improvement=improvement)

    async def set_fix_after(self, measure_id, fix_after):
        if fix_after is not None and fix_after < 12:
            raise ValueError("fix_after_12_or_more")
        if measure_id in self._tables["measures"]:
            self._tables["measures"][measure_id]["fix_after"] = fix_after

    async def add_rebase(self, measure_id, rebase, *, by, now):
        if not isinstance(rebase.at, date) or not rebase.reason or len(rebase.reason) > 200:
            raise ValueError("a rebase is a date and a reason of at most 200 characters")
        self._tables["rebases"][(measure_id, rebase.at)] = (rebase.reason, by)

    async def remove_rebase(self, measure_id, on):
        return self._tables["rebases"].pop((measure_id, on), None) is not None

    async def measure(self, measure_id):
        row = self._tables["measures"].get(measure_id)
        return self._measure(row) if row else None

    async def mine(self, user_id):
        return self._load(lambda r: user_id in (r["lead_id"], r["coach_id"]))

    async def search(self, *, words, site, status, limit=10):
        def keep(r) -> bool:
            text = [(r[f] or "").lower() for f in ("title", "problem", "aim_what")]
            return (
                r["status"] != ProjectStatus.DRAFT.value
                and all(any(w.lower() in t for t in text) for w in words)
                and (not site or r["site"] == site)
                and (not status or r["status"] == status)
            )

        return self._load(keep, limit=limit)

    async def registered(self, *, exclude=None):
        return self._load(lambda r: r["status"] != ProjectStatus.DRAFT.value and r["id"] != exclude)

    async def stale(self, *, updated_before):
        live = {s.value for s in LIVE_STATUSES}
        return self._load(lambda r: r["status"] in live and r["updated_at"] < updated_before)

    async def completed_since(self, since):
        done = [
            r
            for r in self._tables["projects"].values()
            if r["status"] == ProjectStatus.COMPLETED.value and r["updated_at"] >= since
        ]
        done.sort(key=lambda r: (r["submitted_at"] is not None, r["submitted_at"] or 0, r["id"]))
        return [self._project(r) for r in done]

    async def coaches(self, site):
        found = [u for u in self.db.users.values() if Role.COACH in u.roles and (not site or u.site == site)]
        return [(u.id, u.name or "QI coach") for u in sorted(found, key=lambda u: (u.name or "", u.id))]

    async def admins(self):
        return [u.id for u in self.db.users.values() if Role.ADMIN in u.roles]

    # --- progress records ----------------------------------------------------------------------------------------

    async def add_pdsa(self, project_id, cycle: Pdsa, *, by, now):
        if cycle.act is not None and cycle.act not in ("adopt", "adapt", "abandon"):
            raise ValueError("known_act")
        cycle_id = next(self.db.ids)
        self._tables["pdsas"][cycle_id] = {
            "cycle": PdsaCycle(
                cycle_id, project_id, cycle.plan, cycle.prediction, cycle.do, cycle.study, cycle.act, now
            ),
            "created_by": by,
        }
        return cycle_id

    async def pdsas(self, project_id):
        cycles = [p["cycle"] for p in self._tables["pdsas"].values() if p["cycle"].project_id == project_id]
        return sorted(cycles, key=lambda c: (c.created_at, c.id))

    async def complete_pdsa(self, project_id, cycle_id, *, do, study, act):
        row = self._tables["pdsas"].get(cycle_id)
        if row is None or row["cycle"].project_id != project_id or row["cycle"].act is not None:
            return False
        if act is not None and act not in ("adopt", "adapt", "abandon"):
            raise ValueError("known_act")
        row["cycle"] = replace(row["cycle"], do=do, study=study, act=act)
        return True

    async def use_card(self, project_id, nonce, *, now):
        if (project_id, nonce) in self._tables["card_uses"]:
            return False
        self._tables["card_uses"][(project_id, nonce)] = now
        return True

    async def add_point(self, measure_id, *, on: date, value: float, now):
        self._tables["points"][(measure_id, on)] = (value, now)

    async def points(self, measure_id):
        return sorted((on, v) for (m, on), (v, _) in self._tables["points"].items() if m == measure_id)

    async def save_evaluation(self, project_id, evaluation: Evaluation, *, now):
        if evaluation.decision not in ("adopt", "adapt", "abandon"):
            raise ValueError("known_decision")
        row = self._tables["evaluations"].setdefault(
            project_id,
            {**{key: None for key, _ in RUBRIC}, "coach_comment": None, "scored_by": None, "scored_at": None},
        )
        row.update(asdict(evaluation), submitted_at=now)

    async def score_evaluation(self, project_id, scores: Scores, *, comment, by, now):
        row = self._tables["evaluations"].get(project_id)
        if row is None:
            return
        if not all(1 <= v <= 4 for _, _, v in scores.items()):
            raise ValueError("rubric_1_to_4")
        row.update(asdict(scores), coach_comment=comment, scored_by=by, scored_at=now)

    async def evaluation(self, project_id):
        row = self._tables["evaluations"].get(project_id)
        if row is None:
            return None
        return EvaluationRecord.of(row)

    async def registration_evidence(self):
        rows = [
            (r["id"], r["submitted_at"], r["site"], self.db.users[r["lead_id"]].staff_group)
            for r in self._tables["projects"].values()
            if r["status"] != ProjectStatus.DRAFT.value and r["submitted_at"] is not None
        ]
        return sorted(rows, key=lambda row: (row[1], row[0]))

    async def evaluation_evidence(self):
        rows = []
        for project_id, e in self._tables["evaluations"].items():
            r = self._tables["projects"][project_id]
            rows.append((project_id, e["submitted_at"], r["site"], self.db.users[r["lead_id"]].staff_group))
        return sorted(rows, key=lambda row: (row[1], row[0]))

    async def report_rows(self):
        rows = []
        registered = [r for r in self._tables["projects"].values() if r["status"] != ProjectStatus.DRAFT.value]
        for r in sorted(registered, key=lambda r: (r["submitted_at"] is not None, r["submitted_at"] or 0, r["id"])):
            lead, coach = self.db.users.get(r["lead_id"]), self.db.users.get(r["coach_id"])
            evaluation = self._tables["evaluations"].get(r["id"], {})
            rows.append(
                {
                    **{k: r[k] for k in ("id", "title", "site", "division", "strategic_aim", "status", "governance")},
                    **{k: r[k] for k in ("progress_score", "submitted_at", "approved_at", "updated_at")},
                    "lead": lead.name if lead else None,
                    "coach": coach.name if coach else None,
                    "decision": evaluation.get("decision"),
                    **{key: evaluation.get(key) for key, _ in RUBRIC},
                }
            )
        return rows


def _check(row: dict) -> None:
    """The CHECK constraints of storage/projects/tables.py."""
    if row["status"] != ProjectStatus.DRAFT.value and row["governance"] == "research":
        raise ValueError("research_not_registered: research is never registered")
    score = row["progress_score"]
    if score is not None and not (0.5 <= score <= 5.0 and score * 2 == round(score * 2)):
        raise ValueError("ihi_progress_score")
    if not 1 <= row["wizard_step"] <= 6:
        raise ValueError("wizard_step_1_to_6")


class TextMessages:
    """core.projects.ports.ProjectMessages as plain text naming the message and the project, so a test can read
    what was queued for whom."""

    def _text(self, kind: str, project: Project, *more) -> OutboundMessage:
        return OutboundMessage(text=" ".join([kind, str(project.id), *map(str, more)]))

    def review_request(self, project):
        return self._text("review_request", project)

    def approved(self, project):
        return self._text("approved", project)

    def returned(self, project):
        return self._text("returned", project)

    def join_request(self, project, asker):
        return self._text("join_request", project, asker.id)

    def evaluation_request(self, project):
        return self._text("evaluation_request", project)

    def summary_ready(self, project):
        return self._text("summary_ready", project)

    def stale(self, project):
        return self._text("stale", project)


def snapshot(db) -> dict:
    """Everything the fake database holds but its id counter, to compare before and after a refused action."""
    return copy.deepcopy({k: v for k, v in db.__dict__.items() if k != "ids"})


FAKE_REPOSITORY = FakeProjects
