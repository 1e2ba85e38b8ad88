"""`coaching report` (facilitators and admins): people at each coaching level by site and staff group."""

from __future__ import annotations

from core.coaching.reports import coaching_report
from core.kernel.model import Role
from core.kernel.suppression import NOT_SET, Breakdown
from dialogs.coaching.router import router
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn


def _rows(breakdown: Breakdown, label) -> list[tuple[str, str]]:
    """Each group with its figure; zeros left out (a shown 0 says nothing about anyone)."""
    return [(label(key), cell.text) for key, cell in breakdown.cells.items() if cell.value != 0]


def report_card(turn: Turn, report) -> dict:
    org, coaching = turn.content.organisation, turn.content.coaching

    def labeller(kind: str):
        return lambda key: "Not set" if key == NOT_SET else org.label(kind, key)

    body: list[dict | None] = [cards.title("Coaching report: people at each level")]
    for figures in report.levels:
        level = coaching.level(figures.level)
        body += [
            cards.heading(f"{level.label if level else figures.level}: {figures.by_site.total.text}"),
            cards.facts(_rows(figures.by_site, labeller("sites")) or [("Nobody yet", "0")]),
            cards.facts(_rows(figures.by_staff_group, labeller("staff_groups")))
            if figures.by_site.total.value
            else None,
        ]
    body.append(cards.text(report.footnote, subtle=True, size="Small") if report.footnote else None)
    return cards.card(*body)


@router.command(
    "coaching report",
    title="Coaching report",
    description="Facilitators and admins: people at each coaching level, by site and staff group",
    role=Role.FACILITATOR,
    in_manifest=False,
)
async def show(turn: Turn) -> Response:
    return Response.show(report_card(turn, await coaching_report(turn.uow, user=turn.user, content=turn.content)))
