"""The programme's board measures as content (content/measures.yaml): what counts, the unit, the better direction,
an optional target, the breakdowns, and the chart's rules (limits fixed after n months, rebases).

Kinds of measure:
- people: distinct people with any of the evidence in a month (a person counted once a month however much
  evidence they have), with a de-duplicated cumulative total and a reach against headcount;
- items: things (projects) per month;
- mean_change: the mean before/after change of matched pairs whose "after" falls in the month.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from core.measurement import Rebase

# Where evidence can come from: each names a read method of the owning capability (core/measures/evidence.py).
SOURCES = {
    "events.training": "people",  # a QSIR course completed (events' training records)
    "learning.award": "people",  # the micro-learning award earned
    "projects.registered": "items",  # a project submitted to the register
    "projects.evaluated": "items",  # a project's end-of-project evaluation submitted
    "surveys.paired_change": "mean_change",  # a matched before/after pair of a survey score
}
BREAKDOWNS = ("site", "legacy_trust", "staff_group")
KINDS = ("people", "items", "mean_change")


@dataclass(frozen=True)
class Evidence:
    source: str  # a key of SOURCES
    options: Mapping[str, object] = field(default_factory=dict)  # courses / award / instrument and scoring


@dataclass(frozen=True)
class MeasureDefinition:
    id: str
    label: str  # "Staff trained"
    description: str  # what counts, in one sentence for the dashboard
    kind: str  # people | items | mean_change
    evidence: tuple[Evidence, ...]
    unit: str  # "people", "projects", "points"
    verb: str  # "trained": "12.4% of nursing staff at Southend trained"
    improvement: str  # increase | decrease | neutral (Making Data Count's "improvement direction")
    breakdowns: tuple[str, ...]
    target: float | None = None  # per month, for the assurance icon
    fix_after: int | None = None  # limits fixed on the first n months (at least 12)
    rebases: tuple[Rebase, ...] = ()  # limits recomputed from each date, with the reason

    @property
    def reach(self) -> bool:
        return self.kind == "people"


@dataclass(frozen=True)
class MeasureContent:
    measures: tuple[MeasureDefinition, ...]
    months_shown: int  # months on each chart, up to the current (incomplete) one
    legacy_trusts: Mapping[str, str] = field(default_factory=dict)  # site id -> legacy trust (organisation.yaml)
    link_minutes: int = 15  # how long a dashboard link works

    def measure(self, measure_id: str) -> MeasureDefinition:
        return next(m for m in self.measures if m.id == measure_id)

    def legacy_trust(self, site: str | None) -> str | None:
        return self.legacy_trusts.get(site) if site else None


def rebase_at(on: date, reason: str) -> Rebase:
    return Rebase(on, reason)
