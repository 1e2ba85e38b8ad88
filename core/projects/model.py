"""QI projects: the register entry, its team, measures and PDSA cycles."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.kernel.dates import written
from core.measurement import Rebase


class ProjectStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    ACTIVE = "active"
    COMPLETED = "completed"
    STOPPED = "stopped"


# A live project: approved and not yet closed (teams record data, PDSA cycles and scores on it).
LIVE_STATUSES = frozenset({ProjectStatus.APPROVED, ProjectStatus.ACTIVE})
# A registered project: submitted and not closed (other capabilities may link to it, e.g. a clinic booking).
OPEN_STATUSES = frozenset({ProjectStatus.SUBMITTED, ProjectStatus.APPROVED, ProjectStatus.ACTIVE})


@dataclass(frozen=True)
class TeamMember:
    name: str
    role: str


@dataclass(frozen=True)
class Measure:
    id: int
    project_id: int
    kind: str  # outcome | process | balancing
    name: str
    definition: str
    chart: str = "run"  # run | xmr
    improvement: str = "increase"  # increase | decrease
    fix_after: int | None = None  # XmR limits fixed on the first n points of each segment (at least 12)
    rebases: tuple[Rebase, ...] = ()  # XmR limits recomputed from each date on, with the team's reason


@dataclass
class Project:
    id: int
    lead_id: int
    status: ProjectStatus
    wizard_step: int
    title: str | None = None
    problem: str | None = None
    site: str | None = None
    division: str | None = None
    strategic_aim: str | None = None
    aim_what: str | None = None
    aim_who: str | None = None
    aim_how_much: str | None = None
    aim_by: date | None = None
    sponsor: str | None = None
    coach_id: int | None = None
    needs_coach: bool = False
    governance: str | None = None
    progress_score: float | None = None
    approval_comment: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    team: tuple[TeamMember, ...] = ()
    measures: tuple[Measure, ...] = ()
    lead_name: str | None = None
    coach_name: str | None = None
    member_ids: frozenset[int] = frozenset()  # team members who use the bot (they may update the project)

    @property
    def live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def aim(self) -> str | None:
        if not (self.aim_what and self.aim_how_much and self.aim_by):
            return None
        who = f" for {self.aim_who}" if self.aim_who else ""
        return f"{self.aim_what}{who} {self.aim_how_much} by {written(self.aim_by, '%-d %B %Y')}"


@dataclass(frozen=True)
class PdsaCycle:
    id: int
    project_id: int
    plan: str
    prediction: str
    do: str | None
    study: str | None
    act: str | None  # adopt | adapt | abandon
    created_at: datetime


# The coach's rubric: each item scored 1 (not yet) to 4 (exemplary).
RUBRIC = (
    ("aim_achieved", "Aim achieved"),
    ("measurement", "Use of measurement"),
    ("pdsa_discipline", "PDSA discipline"),
    ("patient_involvement", "Patient involvement"),
    ("sustainability", "Sustainability"),
)


@dataclass(frozen=True)
class Scores:
    """The coach's rubric scores, 1 to 4 each (the RUBRIC items)."""

    aim_achieved: int
    measurement: int
    pdsa_discipline: int
    patient_involvement: int
    sustainability: int

    def items(self) -> list[tuple[str, str, int]]:
        return [(key, label, getattr(self, key)) for key, label in RUBRIC]


@dataclass(frozen=True)
class EvaluationRecord:
    """The lead's end-of-project evaluation and, once the coach has scored it, the scores and comment."""

    results: str
    decision: str  # adopt | adapt | abandon
    sustain: str
    spread: str | None
    lessons: str
    submitted_at: datetime
    scores: Scores | None = None
    coach_comment: str | None = None
    scored_at: datetime | None = None

    @property
    def scored(self) -> bool:
        return self.scored_at is not None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> EvaluationRecord:
        """From a stored row: the evaluation's fields, the RUBRIC items, coach_comment and scored_at."""
        scored = row["scored_at"] is not None
        return cls(
            **{key: row[key] for key in ("results", "decision", "sustain", "spread", "lessons", "submitted_at")},
            scores=Scores(**{key: row[key] for key, _ in RUBRIC}) if scored else None,
            coach_comment=row["coach_comment"],
            scored_at=row["scored_at"],
        )


@dataclass(frozen=True)
class ProjectView:
    """A project as one person sees it, with what they may do, decided once (core/projects/access.py).

    Cards show a button only when its flag is set, and every service checks the same rule again."""

    project: Project
    can_edit: bool  # the lead, team members who joined through the bot, the coach, admins
    can_update: bool  # can_edit on a live project: data, progress score, PDSA cycles, close
    can_review: bool  # a submitted project's coach, or an admin: approve or return
    can_join: bool  # a registered project someone outside its team may ask to join
    can_evaluate: bool  # a completed project's lead (or an admin) until the coach has scored it
    can_score: bool  # the coach or an admin, once the evaluation is written
    can_resume: bool  # the lead's own draft: opening it resumes the wizard
    sees_private: bool  # the team, coach and admins see the coach's comment and the evaluation
    points: dict[int, list[tuple[date, float]]]  # each measure's data, oldest first
    evaluation: EvaluationRecord | None = None  # only when sees_private
    pdsa_count: int = 0
