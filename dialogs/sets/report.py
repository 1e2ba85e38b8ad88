"""`sets report` (facilitators and admins): counts only, with small groups hidden."""

from __future__ import annotations

from core.kernel.model import Role
from core.kernel.suppression import Breakdown
from core.sets.reports import NOT_SET, SetReport, set_report
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn
from dialogs.sets.router import router


def _rows(breakdown: Breakdown, label) -> list[tuple[str, str]]:
    """Each group with its figure, zeros left out (a shown 0 says nothing about anyone, so leaving it out hides
    nothing either)."""
    return [(label(key), cell.text) for key, cell in breakdown.cells.items() if cell.value != 0]


def report_card(turn: Turn, report: SetReport) -> dict:
    org = turn.content.organisation

    def site(key: str) -> str:
        return "Not set" if key == NOT_SET else org.label("sites", key)

    def group(key: str) -> str:
        return "Not set" if key == NOT_SET else org.label("staff_groups", key)

    rate = report.attendance
    return cards.card(
        cards.title("Action learning sets report"),
        cards.facts(
            [
                ("Sets running", str(report.sets_running)),
                ("Meetings held", f"{report.meetings_held} of {report.meetings_due} due so far"),
                ("Meetings planned", str(report.meetings_planned)),
                ("Attendance", f"{rate.text} places ({rate.percent})" if rate.percent else f"{rate.text} places"),
            ]
        ),
        cards.heading(f"Members of running sets: {report.by_site.total.text}"),
        cards.text("By site", subtle=True),
        cards.facts(_rows(report.by_site, site) or [("None yet", "0")]),
        cards.text("By staff group", subtle=True),
        cards.facts(_rows(report.by_staff_group, group) or [("None yet", "0")]),
        cards.text(report.footnote, subtle=True, size="Small") if report.footnote else None,
        cards.text("Counts only: what is said in a set stays in the set.", subtle=True, size="Small"),
        actions=[cards.execute("Refresh", refresh, inputs=False)],
    )


@router.command(
    "sets report",
    title="Sets report",
    description="Facilitators and admins: sets running, meetings held, attendance, members",
    aliases=("action learning report", "set report"),
    role=Role.FACILITATOR,
    in_manifest=False,
)
async def show(turn: Turn) -> Response:
    return Response.show(
        report_card(turn, await set_report(turn.uow, user=turn.user, content=turn.content, now=turn.now))
    )


@router.action("report", role=Role.FACILITATOR)
async def refresh(turn: Turn) -> Response:
    return Response(
        card=report_card(turn, await set_report(turn.uow, user=turn.user, content=turn.content, now=turn.now))
    )
