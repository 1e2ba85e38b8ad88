"""`admin`: what an operator needs at a glance. Every action here re-checks the admin role on the server."""

from __future__ import annotations

from core.clinics.reports import staff_supported
from core.kernel.model import OutboxStatus, Role
from dialogs.kit import cards
from dialogs.kit.feature import FeatureRouter
from dialogs.kit.types import Response, Turn

router = FeatureRouter("admin")


async def _overview_card(turn: Turn, notice: str | None = None) -> dict:
    counts = await turn.uow.outbox.status_counts()
    supported = await staff_supported(turn.uow, content=turn.content, now=turn.now)
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("Admin: programme at a glance"),
        cards.heading("Staff supported by QI clinics"),
        cards.facts(
            [
                (f"Since 1 {supported.month_start:%B}", str(supported.this_month)),
                ("Last 12 months", str(supported.last_12_months)),
            ]
        ),
        cards.text("People who attended at least one clinic, as recorded by the coaches.", subtle=True, size="Small"),
        cards.text(supported.footnote, subtle=True, size="Small") if supported.footnote else None,
        cards.heading("Message delivery"),
        cards.facts([(status.value.capitalize(), str(counts.get(status.value, 0))) for status in OutboxStatus]),
        cards.text(
            "Failed messages ran out of retries; unreachable people removed or blocked the app.",
            subtle=True,
            size="Small",
        ),
        actions=[
            cards.execute("Refresh", "admin.refresh"),
            cards.execute("Learning report", "learning.report"),
            cards.execute("Projects report", "projects.report"),
        ],
    )


@router.command(
    "admin", title="Admin", description="Delivery status and tools for QI programme admins", role=Role.ADMIN
)
async def show(turn: Turn) -> Response:
    return Response.show(await _overview_card(turn))


@router.action("refresh", role=Role.ADMIN)
async def refresh(turn: Turn) -> Response:
    return Response(card=await _overview_card(turn, notice="Updated."))
