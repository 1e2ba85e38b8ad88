"""`forum report` (coaches and admins): questions asked, answered, SLA breaches and median working times, by
month, site and topic, with small groups hidden (core/forum/reports.py). No question text."""

from __future__ import annotations

from core.forum import reports as service
from core.kernel.model import Role
from dialogs.forum.router import router
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn


def _row(row: service.ReportRow) -> cards.Element:
    figures = f"Asked {row.asked} · answered {row.answered} · SLA breaches {row.breaches}"
    times = " · ".join(
        part
        for part in (
            f"first answer {row.first_answer}" if row.first_answer else "",
            f"to close {row.to_close}" if row.to_close else "",
        )
        if part
    )
    return cards.list_row(
        [
            cards.text(f"**{row.label}**"),
            cards.text(figures, size="Small"),
            cards.text(times, subtle=True, size="Small") if times else None,
        ]
    )


def report_card(report: service.ForumReport) -> dict:
    return cards.card(
        cards.title("Forum report"),
        cards.text(f"Questions in the last 12 months: {report.total}. Times are medians in working time.", subtle=True),
        cards.heading("By month"),
        *(_row(r) for r in report.by_month if r.asked.text != "0"),
        cards.heading("By site"),
        *(_row(r) for r in report.by_site),
        cards.heading("By topic"),
        *(_row(r) for r in report.by_topic),
        cards.text(report.footnote, subtle=True, size="Small"),
    )


@router.action("report", role=Role.COACH)
@router.command(
    "forum report",
    title="Forum report",
    description="Questions asked and answered, answer times and SLA breaches",
    aliases=("forum reports", "questions report"),
    role=Role.COACH,
)
async def report(turn: Turn) -> Response:
    found = await service.forum_report(turn.uow, user=turn.user, content=turn.content, now=turn.now)
    return Response.show(report_card(found))
