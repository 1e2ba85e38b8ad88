"""`admin`: what an operator needs at a glance. Every action here re-checks the admin role on the server.

Each capability adds its own part (`@router.admin_section`) and its report buttons (`admin_tool=`); this module
names none of them.
"""

from __future__ import annotations

from core.kernel.delivery import delivery_counts
from core.kernel.model import Role
from dialogs.kit import cards
from dialogs.kit.feature import FeatureRouter
from dialogs.kit.types import Response, Turn

router = FeatureRouter("admin")


async def _overview_card(turn: Turn, notice: str | None = None) -> dict:
    sections = [element for section in turn.router.admin_sections for element in await section(turn)]
    counts = await delivery_counts(turn.uow)
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title("Admin: programme at a glance"),
        *sections,
        cards.heading("Message delivery"),
        cards.facts([(status.capitalize(), str(count)) for status, count in counts.items()]),
        cards.text(
            "Failed messages ran out of retries; unreachable people removed or blocked the app.",
            subtle=True,
            size="Small",
        ),
        actions=[
            cards.execute("Refresh", refresh),
            *(cards.execute(title, action) for title, action in turn.router.admin_tools),
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
