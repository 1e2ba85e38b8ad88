"""Clinics' part of the admin card: staff supported by QI clinics (people, suppressed as every count is)."""

from __future__ import annotations

from core.clinics.reports import staff_supported
from dialogs.clinics.router import router
from dialogs.kit import cards
from dialogs.kit.types import Turn


@router.admin_section
async def staff_supported_section(turn: Turn) -> list[dict]:
    supported = await staff_supported(turn.uow, content=turn.content, now=turn.now)
    return [
        cards.heading("Staff supported by QI clinics"),
        cards.facts(
            [
                (f"Since 1 {supported.month_start:%B}", str(supported.this_month)),
                ("Last 12 months", str(supported.last_12_months)),
            ]
        ),
        cards.text("People who attended at least one clinic, as recorded by the coaches.", subtle=True, size="Small"),
        *([cards.text(supported.footnote, subtle=True, size="Small")] if supported.footnote else []),
    ]
