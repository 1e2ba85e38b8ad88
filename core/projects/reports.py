"""What programme leads report about projects: registrations per month (watched as an XmR chart, the programme
applying its own method to its own measure), by site, division and status, and evaluation scores."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from statistics import fmean

from core.kernel.content import Content
from core.kernel.errors import NotAllowed
from core.kernel.model import Role
from core.kernel.ports import UnitOfWork
from core.kernel.roles import effective_roles
from core.measurement import XmR, xmr
from core.projects.model import RUBRIC

EXPORT_COLUMNS = (
    "id",
    "title",
    "site",
    "division",
    "strategic_aim",
    "status",
    "governance",
    "progress_score",
    "submitted_at",
    "approved_at",
    "lead",
    "coach",
    "decision",
    *(key for key, _ in RUBRIC),
)


@dataclass(frozen=True)
class ProjectReport:
    per_month: list[tuple[str, int]]  # ("2026-11", registrations), every month from the first registration
    chart: XmR | None  # None with fewer than 2 months
    by_site: list[tuple[str, int]]
    by_division: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    evaluated: int
    scores: list[tuple[str, float]]  # rubric item, mean score 1-4
    rows: list[dict]


def _months(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


async def report_for_admin(
    uow: UnitOfWork, *, user_id: int, admins: frozenset[str], content: Content, now: datetime
) -> ProjectReport:
    """The report for a download link: only while the person holding it is still a QI admin."""
    user = await uow.users.get(user_id)
    if user is None or Role.ADMIN not in effective_roles(user, admins):
        raise NotAllowed("Project exports are for QI admins.")
    return await projects_report(uow, content=content, now=now)


async def projects_report(uow: UnitOfWork, *, content: Content, now: datetime) -> ProjectReport:
    rows = await uow.projects.report_rows()
    tz, org = content.nudges.timezone, content.organisation
    submitted = [r["submitted_at"].astimezone(tz).date() for r in rows if r["submitted_at"]]
    per_month: list[tuple[str, int]] = []
    if submitted:
        counts = Counter(f"{d.year:04d}-{d.month:02d}" for d in submitted)
        per_month = [(m, counts.get(m, 0)) for m in _months(min(submitted), now.astimezone(tz).date())]
    chart = xmr([float(n) for _, n in per_month], improvement="increase") if len(per_month) >= 2 else None
    divisions = {c.id: c.label for c in content.projects.divisions}

    def tally(key, label) -> list[tuple[str, int]]:
        return sorted(Counter(label(r[key]) for r in rows).items(), key=lambda kv: (-kv[1], kv[0]))

    evaluated = [r for r in rows if r["aim_achieved"] is not None]
    scores = [(label, fmean(r[key] for r in evaluated)) for key, label in RUBRIC] if evaluated else []
    return ProjectReport(
        per_month=per_month,
        chart=chart,
        by_site=tally("site", lambda v: org.label("sites", v)),
        by_division=tally("division", lambda v: divisions.get(v, "not set")),
        by_status=tally("status", lambda v: str(v).capitalize()),
        evaluated=len(evaluated),
        scores=scores,
        rows=rows,
    )


def export_table(report: ProjectReport) -> list[list]:
    """Header and one row per project, the same for CSV and XLSX."""
    table: list[list] = [list(EXPORT_COLUMNS)]
    for row in report.rows:
        table.append(
            [row[c].isoformat() if isinstance(row.get(c), datetime | date) else row.get(c) for c in EXPORT_COLUMNS]
        )
    return table
