"""The admins' projects report card: registrations per month as an XmR chart, by site, division and status,
evaluation scores, and CSV and XLSX downloads (links that expire in an hour and re-check the admin role)."""

from __future__ import annotations

from datetime import timedelta

from core.kernel.model import Role
from core.kernel.suppression import footnote
from core.projects import reports as project_reports
from core.projects.reports import BREAKDOWNS, ProjectReport
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn
from dialogs.projects import view
from dialogs.projects.pages import report_url
from dialogs.projects.router import router

REPORT_LINK_LIFE = timedelta(hours=1)


def report_card(turn: Turn, report: ProjectReport) -> dict:
    """The figures as core/projects/reports.py suppressed them: the card only shows the cells' texts."""
    blocks: list = [cards.title("QI projects report")]
    links = turn.links
    expires = turn.now + REPORT_LINK_LIFE
    if links is not None and report.per_month:
        blocks.append(
            {
                "type": "Image",
                "url": report_url(links, "png", user_id=turn.user.id, expires_at=expires),
                "altText": "QI projects registered per month, XmR chart",
                "size": "Stretch",
            }
        )
    if report.chart is not None:
        told = view.xmr_signals(report.chart) or "Common cause variation only."
        blocks.append(
            cards.text(
                f"Registered per month: mean {report.chart.mean:.1f}, limits {max(0.0, report.chart.lower_limit):.1f} "
                f"to {report.chart.upper_limit:.1f} (more is better). {told}",
                size="Small",
            )
        )
    blocks.append(cards.facts([("Registered projects", report.total.text)]))
    for dim, heading in BREAKDOWNS:
        blocks += [cards.heading(heading), cards.facts([(label, cell.text) for label, cell in report.rows_of(dim)])]
    if report.suppressed:
        blocks.append(cards.text(footnote(), subtle=True, size="Small"))
    blocks.append(cards.heading(f"Evaluation scores ({report.evaluated} projects evaluated, mean of 1-4)"))
    blocks.append(
        cards.facts([(k, f"{v:.1f}") for k, v in report.scores])
        if report.scores is not None
        else cards.text(report.evaluation_text(), size="Small")
    )
    actions = []
    if links is not None:
        actions = [
            {
                "type": "Action.OpenUrl",
                "title": "Download CSV",
                "url": report_url(links, "csv", user_id=turn.user.id, expires_at=expires),
            },
            {
                "type": "Action.OpenUrl",
                "title": "Download XLSX",
                "url": report_url(links, "xlsx", user_id=turn.user.id, expires_at=expires),
            },
        ]
    return cards.card(*blocks, actions=actions or None)


@router.action("report", role=Role.ADMIN, admin_tool="Projects report")
async def report(turn: Turn) -> Response:
    data = await project_reports.projects_report(turn.uow, content=turn.content, now=turn.now)
    return Response(card=report_card(turn, data))
