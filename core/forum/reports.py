"""The forum report for coaches and admins: questions asked, answered, SLA breaches, and the median working time
to the first answer and to closing, by month, site and topic. No question text is in it.

Each question is one person's, so its counts are protected like counts of people: for each breakdown (month,
site, topic) the questions form a table of rows by four columns (answered in time, answered late, open within
its time, open overdue), suppressed with core.kernel.suppression.suppress_table, which also protects the row
totals (asked) and the column totals against subtraction. Answered and breaches are sums of two columns, shown
only when both are. Medians need at least 5 questions and a shown count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from core.forum.escalation import first_deadline, working_seconds
from core.forum.model import PostStatus, QuestionTiming
from core.forum.services import sees_names
from core.kernel.content import Content
from core.kernel.errors import NotAllowed
from core.kernel.model import User
from core.kernel.ports import UnitOfWork
from core.kernel.suppression import HIDDEN, THRESHOLD, Cell, footnote, suppress_table

COLUMNS = ("in_time", "late", "open", "overdue")
MONTHS = 12


@dataclass(frozen=True)
class ReportRow:
    label: str
    asked: Cell
    answered: str
    breaches: str
    first_answer: str  # median working time, or "" when too few
    to_close: str


@dataclass(frozen=True)
class ForumReport:
    by_month: tuple[ReportRow, ...]
    by_site: tuple[ReportRow, ...]
    by_topic: tuple[ReportRow, ...]
    total: Cell
    footnote: str


def _column(post: QuestionTiming, content: Content, now: datetime) -> str:
    if post.first_answer_at is not None:
        in_time = post.answered_in_time
        if in_time is None:  # answered before it was stored (migration 0017): timed here
            in_time = post.first_answer_at <= first_deadline(post.posted_at, content)
        return "in_time" if in_time else "late"
    return "overdue" if now >= first_deadline(post.posted_at, content) else "open"


def _working(stored: float | None, content: Content, start: datetime, end: datetime | None) -> float | None:
    """Working seconds from `start` to `end`: as stored when answered or closed, else worked out here."""
    if end is None:
        return None
    return stored if stored is not None else working_seconds(start, end, content)


def _median(values: list[float]) -> str:
    if len(values) < THRESHOLD:
        return ""
    hours = median(values) / 3600
    return f"{hours:.1f} working hours" if hours < 10 else f"{hours / 10:.1f} working days"


def _sum(a: Cell, b: Cell) -> str:
    return HIDDEN if a.value is None or b.value is None else str(a.value + b.value)


@dataclass(frozen=True)
class _Timed:
    """A question with its SLA worked out once (each question is in three breakdowns)."""

    post: QuestionTiming
    column: str
    first_answer: float | None  # working seconds
    to_close: float | None


def _timed(post: QuestionTiming, content: Content, now: datetime) -> _Timed:
    return _Timed(
        post,
        _column(post, content, now),
        _working(post.first_answer_working_s, content, post.posted_at, post.first_answer_at),
        _working(post.closed_working_s, content, post.posted_at, post.closed_at),
    )


def _rows(posts: list[_Timed], key: Callable[[QuestionTiming], str], labels: dict[str, str]) -> tuple[ReportRow, ...]:
    counts: dict[str, dict[str, int]] = {k: dict.fromkeys(COLUMNS, 0) for k in labels}
    firsts: dict[str, list[float]] = {k: [] for k in labels}
    closes: dict[str, list[float]] = {k: [] for k in labels}
    for timed in posts:
        group = key(timed.post)
        if group not in counts:
            continue
        counts[group][timed.column] += 1
        if timed.first_answer is not None:
            firsts[group].append(timed.first_answer)
        if timed.to_close is not None:
            closes[group].append(timed.to_close)
    table = suppress_table(counts)
    return tuple(
        ReportRow(
            label=label,
            asked=table.row_totals[k],
            answered=_sum(table.cells[(k, "in_time")], table.cells[(k, "late")]),
            breaches=_sum(table.cells[(k, "late")], table.cells[(k, "overdue")]),
            # A median is of at least 5 questions, and only where the count is shown (else it would bound it).
            first_answer=_median(firsts[k]) if table.row_totals[k].value is not None else "",
            to_close=_median(closes[k]) if table.row_totals[k].value is not None else "",
        )
        for k, label in labels.items()
    )


def _month_starts(content: Content, now: datetime) -> list[datetime]:
    tz = content.organisation.timezone
    local = now.astimezone(tz)
    year, month = local.year, local.month
    starts = []
    for _ in range(MONTHS):
        starts.append(datetime(year, month, 1, tzinfo=tz))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(starts))


async def forum_report(uow: UnitOfWork, *, user: User, content: Content, now: datetime) -> ForumReport:
    if not sees_names(user):
        raise NotAllowed("The forum report is for QI coaches and admins.")
    months = _month_starts(content, now)
    tz = content.organisation.timezone
    posts = [
        p
        for p in await uow.forum.question_timings(start=months[0], end=now + timedelta(seconds=1))
        if p.status != PostStatus.WITHDRAWN or p.first_answer_at  # a withdrawn, unanswered question is not counted
    ]
    month_labels = {f"{m:%Y-%m}": f"{m:%B %Y}" for m in months}
    site_labels = {s.id: s.label for s in content.organisation.sites}
    topic_labels = {t.id: t.label for t in content.forum.topics}
    timed = [_timed(p, content, now) for p in posts]
    by_month = _rows(timed, lambda p: f"{p.posted_at.astimezone(tz):%Y-%m}", month_labels)
    by_site = _rows(timed, lambda p: p.site or "", site_labels)
    by_topic = _rows(timed, lambda p: p.topic or "", topic_labels)
    counted = suppress_table({"all": {"n": len(posts)}}).total
    return ForumReport(by_month, by_site, by_topic, counted, footnote())
