"""Reports do not mislead (issue 9.10): the current month is not over, so the projects report lists its count so
far marked incomplete, leaves it out of the XmR chart's mean, limits and signals, and draws it apart (an open
marker, no line to it), never as a low point."""

from datetime import UTC, datetime

import pytest
from matplotlib.collections import LineCollection, PathCollection

from core.projects.model import RUBRIC
from core.projects.reports import projects_report, summary_table
from dialogs.projects import exports
from tests.fakes import FakeUnitOfWork

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
# Twelve steady months (about ten registrations each), then November so far: two, after 25 days.
STEADY = [10, 11, 10, 9, 10, 11, 10, 9, 10, 11, 10, 9]
MONTHS = [f"{2025 + (10 + i) // 12:04d}-{(10 + i) % 12 + 1:02d}" for i in range(13)]  # 2025-11 .. 2026-11


def rows(counts: list[int]) -> list[dict]:
    found = []
    for month, n in zip(MONTHS, counts, strict=False):
        year, number = map(int, month.split("-"))
        for day in range(n):
            found.append(
                {
                    "id": len(found) + 1,
                    "site": "basildon",
                    "division": "medicine",
                    "status": "submitted",
                    "submitted_at": datetime(year, number, 1 + day, 12, tzinfo=UTC),
                    **{key: None for key, _ in RUBRIC},
                }
            )
    return found


async def report_of(counts, content, now=NOW):
    uow = FakeUnitOfWork()

    async def report_rows():
        return rows(counts)

    uow.projects.report_rows = report_rows
    return await projects_report(uow, content=content, now=now)


async def test_the_current_month_is_listed_as_incomplete_and_left_out_of_the_xmr(content):
    report = await report_of(STEADY + [2], content)
    assert report.per_month[-1] == ("2026-11", 2) and report.incomplete == "2026-11"
    assert report.month_rows()[-1] == ("2026-11", 2, "incomplete: to 25 Nov")
    assert all(note == "" for _, _, note in report.month_rows()[:-1])
    assert len(report.chart.points) == 12 and report.chart.mean == pytest.approx(10.0)
    # Two so far would be far below the lower limit: a "concern" that is only a month not yet over.
    assert report.chart.lower_limit > 2 and all(p.kind == "common_cause" for p in report.chart.points)
    with_partial = await report_of(STEADY, content, now=datetime(2026, 10, 31, 23, tzinfo=UTC))
    assert with_partial.incomplete == "2026-10" and len(with_partial.chart.points) == 11
    summary = summary_table(report)
    assert ["2026-11 (incomplete: to 25 Nov)", 2] in summary and ["2026-10", 9] in summary


async def test_one_complete_month_and_the_current_one_make_no_chart(content):
    report = await report_of([0] * 11 + [3, 1], content)
    assert report.per_month[-2:] == [("2026-10", 3), ("2026-11", 1)]
    first_only = await report_of([0] * 12 + [4], content)
    assert first_only.per_month == [("2026-11", 4)] and first_only.chart is None
    assert first_only.complete_months == []


async def test_the_chart_draws_the_current_month_apart(content, monkeypatch):
    report = await report_of(STEADY + [2], content)
    assert exports.registrations_chart(report).startswith(b"\x89PNG")
    ax = exports.registrations_figure(report).axes[0]
    (line,) = ax.lines
    assert len(line.get_xdata()) == 12  # the data line joins the complete months only
    months, partial = [c for c in ax.collections if isinstance(c, PathCollection)]  # the points: two scatters
    assert months.get_offsets().shape[0] == 12
    assert list(partial.get_offsets()[0]) == [12, 2] and tuple(partial.get_facecolors()[0]) == (1.0, 1.0, 1.0, 1.0)
    texts = [t.get_text() for t in ax.figure.texts + ax.texts]
    assert any("incomplete: to 25 Nov" in text for text in texts) and "so far" in texts
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "Nov 26"
    limits = [c for c in ax.collections if isinstance(c, LineCollection)]  # mean and limits: the complete months
    assert len(limits) == 3 and all(max(x for seg in c.get_segments() for x, _ in seg) < 12 for c in limits)
