"""`coach`: a coach's upcoming sessions, who is coming and what they want help with."""

from __future__ import annotations

from core.clinics import sessions as service
from core.clinics.model import CoachSession
from core.kernel.model import Role
from dialogs.clinics.router import router
from dialogs.clinics.wording import help_label, site, when, where
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn


def _block(item: CoachSession, turn: Turn) -> cards.Element:
    s, content = item.session, turn.content
    lines = [
        f"- **{b.user_name or 'Someone'}**: {help_label(content, b.help_with)}"
        + (f". _{b.question}_" if b.question else "")
        for b in item.confirmed
    ]
    booked = f"{where(s)} · {len(item.confirmed)} of {s.capacity} booked" + (
        f", {item.waiting} waiting" if item.waiting else ""
    )
    return cards.list_row(
        [
            cards.text(f"**{when(s, content)}** · {site(s, content)}"),
            cards.text(booked, subtle=True, size="Small"),
            cards.text("\n".join(lines) if lines else "Nobody booked yet.", size="Small"),
        ]
    )


async def coach_card(turn: Turn) -> dict:
    schedule = await service.coach_schedule(turn.uow, user=turn.user, content=turn.content, now=turn.now)
    blocks = [_block(item, turn) for item in schedule]
    return cards.card(
        cards.title("Your upcoming clinics"),
        *blocks,
        cards.text("You have no clinic sessions in the next weeks.") if not blocks else None,
        actions=[cards.execute("Refresh", coach)],
    )


@router.action("coach", role=Role.COACH)
@router.command(
    "coach",
    title="Coach view",
    description="Your upcoming clinic sessions: who is coming and why",
    aliases=("my clinics as coach", "coaching"),
    role=Role.COACH,
)
async def coach(turn: Turn) -> Response:
    return Response.show(await coach_card(turn))
