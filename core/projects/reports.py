"""What programme leads report about projects: registrations per month (watched as an XmR chart, the programme
applying its own method to its own measure), by site, division and status, and evaluation scores.

Small numbers are suppressed with core.kernel.suppression, as everywhere: a project names its lead, so a count
of 1-4 projects can point at people. By site, by division and by status are three breakdowns of the same
registered projects with one shared total, so they are suppressed together (no hidden cell can be worked out
from the total minus the others, in any of the three). The groups listed are fixed (every site, division and
status the register knows, zeros included) and in content order, so the list itself says nothing about the
hidden counts. Mean evaluation scores are shown only from 5 evaluated projects (one project's "mean" is its
lead's own scores), and the number evaluated is a count on its own.

The current month is not over: its count so far is listed, marked incomplete, but left out of the XmR chart's
mean and limits, and drawn apart, so a month that has only just begun does not look like a fall.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from core.kernel.content import Choice, Content
from core.kernel.errors import NotAllowed
from core.kernel.model import Role
from core.kernel.ports import UnitOfWork
from core.kernel.roles import effective_roles
from core.kernel.suppression import Breakdown, Cell, count, footnote, mean_if_enough, suppress_breakdowns
from core.measurement import XmR, xmr
from core.projects.model import RUBRIC, ProjectStatus

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
BREAKDOWNS = (("site", "By site"), ("division", "By division"), ("status", "By status"))
TOO_FEW_EVALUATED = "too few evaluated to show"
REGISTERED = tuple(s for s in ProjectStatus if s != ProjectStatus.DRAFT)


@dataclass(frozen=True)
class ProjectReport:
    # Registrations per month are counts of projects over time, the programme's own process measure, and are
    # shown in full (not suppressed) on the XmR chart and in the exports: a month is not a group of people, and
    # no breakdown below is split by month, so a month's count cannot be subtracted from one of them.
    per_month: list[tuple[str, int]]  # ("2026-11", registrations), every month from the first registration
    chart: XmR | None  # of the complete months (per_month without `incomplete`); None with fewer than 2 of them
    breakdowns: dict[str, Breakdown]  # "site", "division", "status": suppressed together
    evaluated: Cell  # how many projects the coach has scored, on its own
    scores: list[tuple[str, float]] | None  # rubric item, mean 1-4; None: too few evaluated to show
    rows: list[dict]
    incomplete: str | None = None  # the current month ("2026-11"), when listed: counted so far, not yet over
    as_of: date | None = None  # the day the report was made (local time): the incomplete month runs to it

    @property
    def complete_months(self) -> list[tuple[str, int]]:
        """The months the XmR chart is computed from: every listed month but the current, partial one."""
        return [(m, n) for m, n in self.per_month if m != self.incomplete]

    def month_rows(self) -> list[tuple[str, int, str]]:
        """The per-month table with each month's note: the current month says it is incomplete."""
        note = f"incomplete: to {self.as_of.day} {self.as_of:%b}" if self.as_of else "incomplete"
        return [(m, n, note if m == self.incomplete else "") for m, n in self.per_month]

    @property
    def total(self) -> Cell:
        return self.breakdowns["site"].total

    @property
    def suppressed(self) -> bool:
        return any(c.suppressed for b in self.breakdowns.values() for c in [b.total, *b.cells.values()])

    def rows_of(self, dim: str) -> list[tuple[str, Cell]]:
        return list(self.breakdowns[dim].cells.items())

    @property
    def by_site(self) -> list[tuple[str, Cell]]:
        return self.rows_of("site")

    @property
    def by_division(self) -> list[tuple[str, Cell]]:
        return self.rows_of("division")

    @property
    def by_status(self) -> list[tuple[str, Cell]]:
        return self.rows_of("status")

    def evaluation_text(self) -> str | None:
        """Why there are no means: none scored yet, or too few to show; None when the means are shown."""
        if self.scores is not None:
            return None
        return "No evaluations scored yet." if self.evaluated.value == 0 else f"{TOO_FEW_EVALUATED.capitalize()}."


def _months(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _tally(rows: list[dict], key: str, choices: tuple[Choice, ...]) -> dict[str, int]:
    """Counts by label for every known choice (zeros too) in content order, then any other value seen."""
    seen = Counter(r[key] for r in rows)
    labels = {c.id: c.label for c in choices}
    counts = {c.label: seen.pop(c.id, 0) for c in choices}
    for value, n in sorted(seen.items(), key=lambda kv: str(kv[0])):
        label = labels.get(value, "not set" if value is None else str(value))
        counts[label] = counts.get(label, 0) + n
    return counts


async def projects_report(uow: UnitOfWork, *, content: Content, now: datetime) -> ProjectReport:
    rows = await uow.projects.report_rows()
    tz, org = content.organisation.timezone, content.organisation
    submitted = [r["submitted_at"].astimezone(tz).date() for r in rows if r["submitted_at"]]
    today = now.astimezone(tz).date()
    per_month: list[tuple[str, int]] = []
    if submitted:
        counts = Counter(f"{d.year:04d}-{d.month:02d}" for d in submitted)
        per_month = [(m, counts.get(m, 0)) for m in _months(min(submitted), today)]
    current = f"{today.year:04d}-{today.month:02d}"
    incomplete = current if per_month and per_month[-1][0] == current else None
    complete = [n for m, n in per_month if m != incomplete]
    chart = xmr([float(n) for n in complete], improvement="increase") if len(complete) >= 2 else None
    statuses = tuple(Choice(s.value, s.value.capitalize()) for s in REGISTERED)
    breakdowns = suppress_breakdowns(
        {
            "site": _tally(rows, "site", org.sites),
            "division": _tally(rows, "division", content.projects.divisions),
            "status": _tally(rows, "status", statuses),
        },
        total=len(rows),
    )
    evaluated = [r for r in rows if r["aim_achieved"] is not None]
    means = [(label, mean_if_enough([r[key] for r in evaluated])) for key, label in RUBRIC]
    return ProjectReport(
        per_month=per_month,
        chart=chart,
        breakdowns=breakdowns,
        evaluated=count(len(evaluated)),
        scores=[(label, m) for label, m in means] if all(m is not None for _, m in means) else None,
        rows=rows,
        incomplete=incomplete,
        as_of=today,
    )


async def report_for_admin(
    uow: UnitOfWork, *, user_id: int, admins: frozenset[str], content: Content, now: datetime
) -> ProjectReport:
    """The report for a download link: only while the person holding it is still a QI admin."""
    user = await uow.users.get(user_id)
    if user is None or Role.ADMIN not in effective_roles(user, admins):
        raise NotAllowed("Project exports are for QI admins.")
    return await projects_report(uow, content=content, now=now)


def export_table(report: ProjectReport) -> list[list]:
    """Header and one row per project (the register itself, for admins), the same for CSV and XLSX."""
    table: list[list] = [list(EXPORT_COLUMNS)]
    for row in report.rows:
        table.append(
            [row[c].isoformat() if isinstance(row.get(c), datetime | date) else row.get(c) for c in EXPORT_COLUMNS]
        )
    return table


def summary_table(report: ProjectReport) -> list[list]:
    """The report's figures as the card shows them, suppressed, for the exports' summary sheet."""
    table: list[list] = [["Registered projects", report.total.export]]
    if report.per_month:
        table += [[], ["Registered per month", "Projects"]]
        table += [[f"{month} ({note})" if note else month, n] for month, n, note in report.month_rows()]
    for dim, title in BREAKDOWNS:
        table += [[], [title, "Projects"]]
        table += [[label, cell.export] for label, cell in report.rows_of(dim)]
    table += [[], ["Evaluation scores (mean of 1-4)", f"{report.evaluated} evaluated"]]
    table += [[label, round(mean, 2)] for label, mean in report.scores or []] or [[report.evaluation_text()]]
    if report.suppressed:
        table += [[], [footnote()]]
    return table
