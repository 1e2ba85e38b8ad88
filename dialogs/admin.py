"""`admin`: what an operator needs at a glance. Every action here re-checks the admin role on the server."""

from __future__ import annotations

from core.model import OutboxStatus, Role
from dialogs import cards
from dialogs.feature import FeatureRouter
from dialogs.types import Response, Turn

router = FeatureRouter("admin")


async def _overview_card(turn: Turn, notice: str | None = None) -> dict:
    counts = await turn.uow.outbox.status_counts()
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("Admin: message delivery"),
        cards.facts([(status.value.capitalize(), str(counts.get(status.value, 0))) for status in OutboxStatus]),
        cards.text(
            "Failed messages ran out of retries; unreachable people removed or blocked the app.",
            subtle=True,
            size="Small",
        ),
        actions=[cards.execute("Refresh", "admin.refresh")],
    )


@router.command(
    "admin", title="Admin", description="Delivery status and tools for QI programme admins", role=Role.ADMIN
)
async def show(turn: Turn) -> Response:
    return Response.show(await _overview_card(turn))


@router.action("refresh", role=Role.ADMIN)
async def refresh(turn: Turn) -> Response:
    return Response(card=await _overview_card(turn, notice="Updated."))
