"""What a person asks the project register to do, as typed values. Card input ids stop at the dialog: the dialogs
build these from a card's data, and the services check them against the rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from core.kernel.errors import InvalidInput


@dataclass(frozen=True)
class Basics:
    title: str | None
    problem: str | None
    site: str | None
    division: str | None
    strategic_aim: str | None


@dataclass(frozen=True)
class Aim:
    what: str | None
    who: str | None
    how_much: str | None
    by: date | None


@dataclass(frozen=True)
class TeamAndCoach:
    team: str | None  # one person a line, "Name - role"
    sponsor: str | None
    coach_id: int | None  # a QI coach, or None with find_coach
    find_coach: bool = False


@dataclass(frozen=True)
class MeasureText:
    name: str | None
    definition: str | None
    better: str | None = None  # increase | decrease: which way is better, as the person chose it (never assumed)


@dataclass(frozen=True)
class Measures:
    """One outcome, one to three process and one balancing measure, each with its operational definition."""

    outcome: MeasureText
    process: tuple[MeasureText, ...]  # the first is required, up to three
    balancing: MeasureText


@dataclass(frozen=True)
class Governance:
    """The answers to the governance questions (content/projects.yaml), by question id: yes, no, or None."""

    answers: dict[str, bool | None]


@dataclass(frozen=True)
class TypedStep:
    """A wizard step's inputs exactly as the person left them (Back, Finish later), valid or not, so the step
    comes back as it was. The services keep them as opaque text; only the dialog knows the input ids."""

    step: int
    values: Mapping[str, str]


@dataclass(frozen=True)
class Pdsa:
    plan: str | None
    prediction: str | None
    do: str | None = None
    study: str | None = None
    act: str | None = None  # adopt | adapt | abandon


@dataclass(frozen=True)
class DataPoint:
    measure_id: int
    on: date | None
    value: float | None


@dataclass(frozen=True)
class ChartSetting:
    measure_id: int
    chart: str  # run | xmr
    improvement: str  # increase | decrease


@dataclass(frozen=True)
class Evaluation:
    results: str | None
    decision: str | None
    sustain: str | None
    spread: str | None
    lessons: str | None


@dataclass(frozen=True)
class Rubric:
    """The coach's scores as given (None when an item was not scored) and a comment for the lead."""

    scores: dict[str, int | None]  # by RUBRIC key
    comment: str | None = None


@dataclass(frozen=True)
class ProjectQuery:
    words: str | None = None
    site: str | None = None
    status: str | None = None


class InvalidField(InvalidInput):
    """A value the rules refuse, naming the command's field ("title", "process.1.definition"), so the form can show
    the message next to that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
