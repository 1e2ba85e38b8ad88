"""The evidence of each measure, read through the owning capability's repository or service (never its tables):
events' training records, learning's award, projects' registrations and evaluations, surveys' matched pairs.

Each source returns one row per piece of evidence with the person's (or project's) site and staff group, in one
query, already ordered; this module turns the rows into Facts keyed so that a person is one key across sources
("person:<id>"), which is what lets "staff trained" count a person once a month and once in the cumulative total
whether they did a course, earned the award, or both. The rows are bounded by the people trained (at most the
staff) and the projects, so they are few even on five years of data; counting and suppressing them is done here.
"""

from __future__ import annotations

from core.kernel.content import Content
from core.kernel.ports import UnitOfWork
from core.measures.content import Evidence, MeasureDefinition
from core.measures.model import Fact
from core.measures.months import month_of
from core.surveys.pairs import matched_pairs


async def _rows(uow: UnitOfWork, evidence: Evidence, content: Content) -> list[Fact]:
    tz = content.organisation.timezone
    options = evidence.options
    if evidence.source == "events.training":
        rows = await uow.events.training_evidence(courses=options.get("courses"))
        return [Fact(month_of(on, tz), f"person:{u}", site, group) for u, on, site, group in rows]
    if evidence.source == "learning.award":
        rows = await uow.learning.award_evidence(str(options["award"]))
        return [Fact(month_of(at, tz), f"person:{u}", site, group) for u, at, site, group in rows]
    if evidence.source in ("projects.registered", "projects.evaluated"):
        read = uow.projects.registration_evidence if evidence.source == "projects.registered" else None
        rows = await (read() if read else uow.projects.evaluation_evidence())
        return [Fact(month_of(at, tz), f"project:{p}", site, group) for p, at, site, group in rows]
    if evidence.source == "surveys.paired_change":
        pairs = await matched_pairs(
            uow, instrument_id=str(options["instrument"]), scoring_id=str(options["scoring"]), content=content
        )
        return [Fact(month_of(p.after_at, tz), f"pair:{p.key}", p.site, p.staff_group, p.change) for p in pairs]
    raise ValueError(f"unknown evidence source {evidence.source!r}")  # the content loader refuses these


async def facts_of(uow: UnitOfWork, measure: MeasureDefinition, content: Content) -> list[Fact]:
    facts: list[Fact] = []
    for evidence in measure.evidence:
        facts.extend(await _rows(uow, evidence, content))
    return facts
