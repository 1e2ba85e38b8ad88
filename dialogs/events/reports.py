"""`events report`, for admins: places taken and waitlists, attendance by site and staff group (small groups
hidden), and abstracts by site and division."""

from __future__ import annotations

from core.events.reports import NOT_SET, events_report
from core.kernel.model import Role
from dialogs.events.router import router
from dialogs.events.wording import event_when
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn


def _label(turn: Turn, kind: str, value: str) -> str:
    return "Not set" if value == NOT_SET else turn.content.organisation.label(kind, value)


async def report_card(turn: Turn) -> dict:
    report = await events_report(turn.uow, user=turn.user, content=turn.content, now=turn.now)
    places = [
        (
            f"{p.event.title}, {event_when(p.event, turn.content)}",
            f"{p.confirmed}/{p.event.capacity}, {p.waiting} waiting",
        )
        for p in report.places
    ]
    attended = report.attended
    divisions = {d.id: d.label for d in turn.content.projects.divisions}
    abstracts = [
        (f"{_label(turn, 'sites', site)}, {divisions.get(division, division)}", str(n))
        for (site, division), n in sorted(report.abstracts.items())
    ]
    return cards.card(
        cards.title("Events report"),
        cards.heading("Places taken and waitlists"),
        cards.facts(places) if places else cards.text("No events ahead."),
        cards.heading("Attended in the last 12 months"),
        cards.facts(
            [
                ("People", attended["site"].total.text),
                ("Completed a course", attended["course"].cells["completed"].text),
            ]
        ),
        cards.text("**By site**"),
        cards.facts([(_label(turn, "sites", k), c.text) for k, c in attended["site"].cells.items()]),
        cards.text("**By staff group**"),
        cards.facts([(_label(turn, "staff_groups", k), c.text) for k, c in attended["staff_group"].cells.items()]),
        cards.text(report.footnote, subtle=True, size="Small") if report.footnote else None,
        cards.heading("Celebration day abstracts by site and division"),
        cards.facts(abstracts) if abstracts else cards.text("No abstracts submitted yet."),
    )


@router.action("report", role=Role.ADMIN)
@router.command(
    "events report",
    title="Events report",
    description="For admins: places and waitlists, attendance by site and staff group, abstracts",
    role=Role.ADMIN,
)
async def report(turn: Turn) -> Response:
    return Response.show(await report_card(turn))
