"""`measures`: the phone card for admins and programme leads: the four headline numbers and their signals, then
"Open the full dashboard" (a signed link that works for a short while and checks the role again)."""

from __future__ import annotations

from datetime import timedelta

from core.kernel.model import Role
from core.measures.dashboard import Summary, build_summary, require_viewer
from dialogs.kit import cards
from dialogs.kit.types import Response, Turn
from dialogs.measures.pages import dashboard_url
from dialogs.measures.router import router
from dialogs.measures.wording import ASSURANCE_WORDS, FOOTNOTE, SIGNAL_WORDS, cumulative, headline, so_far


def measures_card(turn: Turn, d: Summary) -> dict:
    body: list = [cards.title("Programme measures"), cards.text(f"Months end {d.last_complete:%B %Y}.", subtle=True)]
    for s in d.series:
        lines = [cards.heading(s.measure.label), cards.text(f"**{headline(s)}**")]
        signal = SIGNAL_WORDS[s.signal]
        if s.assurance is not None:
            signal += f"; {ASSURANCE_WORDS[s.assurance]}"
        lines.append(cards.text(signal, size="Small"))
        extra = [t for t in (cumulative(s), so_far(s)) if t]
        if extra:
            lines.append(cards.text(" · ".join(extra), subtle=True, size="Small"))
        body.append(cards.list_row(lines))
    if d.equity is not None and (sentence := d.equity.headline()):
        body.append(cards.text(f"Furthest below: {sentence}", size="Small"))
    if d.any_hidden:
        body.append(cards.text(FOOTNOTE, subtle=True, size="Small"))
    actions = [cards.execute("Refresh", refresh, inputs=False)]
    if turn.links is not None:
        expires = turn.now + timedelta(minutes=turn.content.measures.link_minutes)
        url = dashboard_url(turn.links, "html", user_id=turn.user.id, expires_at=expires)
        actions.insert(0, {"type": "Action.OpenUrl", "title": "Open the full dashboard", "url": url})
    return cards.card(*body, actions=actions)


async def _card(turn: Turn) -> dict:
    require_viewer(turn.user, frozenset())  # turn.user's roles already include configured admins
    return measures_card(turn, await build_summary(turn.uow, content=turn.content, now=turn.now))


@router.command(
    "measures",
    title="Programme measures",
    description="The board's four numbers with their SPC signals, and the full dashboard",
    aliases=("programme measures", "dashboard"),
    role=Role.LEAD,
    in_manifest=False,
)
async def show(turn: Turn) -> Response:
    return Response.show(await _card(turn))


@router.action("refresh", role=Role.LEAD, admin_tool="Programme measures")
async def refresh(turn: Turn) -> Response:
    return Response(card=await _card(turn))
