"""`theme answers`, for coaches and admins: free-text answers one at a time with no names (and no small group
beside them), tagged with themes from a list anyone theming can extend; and the theme counts by staff group."""

from __future__ import annotations

from core.kernel.content import Choice
from core.kernel.model import Role
from core.kernel.suppression import footnote
from core.surveys import themes as service
from core.surveys.commands import InvalidAnswer, ThemeTags
from core.surveys.themes import ThemingView
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn
from dialogs.surveys.router import router

STALE = "That theming card is out of date; here is the list."
WITHHELD_BY_GROUP = "By staff group: not shown, as with so few people any figure would identify somebody."


def _list_card(turn: Turn) -> dict:
    rows = [
        cards.list_row(
            [cards.text(i.title, size="Medium")],
            [
                cards.execute("Theme answers", next_answer, {"instrument": i.id}),
                cards.execute("Theme counts", counts, {"instrument": i.id}),
            ],
        )
        for i in service.themed_instruments(turn.content)
    ]
    return cards.card(cards.title("Theme free-text answers"), *rows)


def theming_card(turn: Turn, view: ThemingView) -> dict:
    data = {"instrument": view.instrument.id}
    if view.answer is None:
        return cards.card(
            cards.notice("Every answer is themed. Thank you."),
            actions=[cards.execute("Theme counts", counts, data), cards.execute("Back", choose, inputs=False)],
        )
    answer, org = view.answer, turn.content.organisation
    facts = [
        ("Site", org.label("sites", answer.site) if answer.site else "not shown (fewer than 5)"),
        (
            "Staff group",
            org.label("staff_groups", answer.staff_group) if answer.staff_group else "not shown (fewer than 5)",
        ),
    ]
    themes = tuple(Choice(str(t.id), t.label) for t in view.themes)
    data |= {"response_id": answer.response_id, "item": answer.item_id}
    return cards.card(
        cards.text(f"{view.instrument.title}: {view.left} to theme", subtle=True, size="Small"),
        cards.heading(view.question or ""),
        {"type": "Container", "style": "emphasis", "items": [cards.text(answer.text)]},
        cards.facts(facts),
        cards.choice_set("theme_ids", "Themes", themes, required=False, multi=True, compact=False) if themes else None,
        {"type": "Input.Text", "id": "new_theme", "label": "Add a theme (optional)", "maxLength": service.MAX_THEME},
        cards.text("Save with no theme chosen if none fits.", subtle=True, size="Small"),
        actions=[
            cards.execute("Save and next", tag, data, style="positive"),
            cards.execute("Stop", choose, inputs=False),
        ],
    )


@router.command(
    "theme answers",
    title="Theme answers",
    description="Tag free-text survey answers with themes",
    role=Role.COACH,
    in_manifest=False,
)
async def theme_command(turn: Turn) -> Response:
    return Response.show(_list_card(turn))


@router.action("themes", role=Role.COACH)
async def choose(turn: Turn) -> Response:
    return Response(card=_list_card(turn))


@router.action("theme_next", role=Role.COACH)
async def next_answer(turn: Turn) -> Response:
    view = await service.next_answer(
        turn.uow, user=turn.user, instrument_id=str(turn.inbound.data.get("instrument", "")), content=turn.content
    )
    return Response(card=theming_card(turn, view))


@router.action("tag", role=Role.COACH)
async def tag(turn: Turn) -> Response:
    data = turn.inbound.data
    instrument_id = str(data.get("instrument", ""))
    chosen = str(data.get("theme_ids") or "")
    ids = []
    for part in chosen.split(","):
        if part.strip():
            ids.append(card_int({"id": part.strip()}, "id", stale="Please choose themes from the list."))
    tags = ThemeTags(
        response_id=card_int(data, "response_id", stale=STALE),
        item_id=str(data.get("item", "")),
        theme_ids=tuple(ids),
        new_theme=data.get("new_theme"),
    )
    try:
        view = await service.tag_answer(
            turn.uow, user=turn.user, instrument_id=instrument_id, tags=tags, content=turn.content, now=turn.now
        )
    except InvalidAnswer as problem:
        current = await service.next_answer(turn.uow, user=turn.user, instrument_id=instrument_id, content=turn.content)
        raise FormError(theming_card(turn, current), problem.message, field=problem.field) from None
    return Response(card=theming_card(turn, view))


@router.action("theme_counts", role=Role.COACH)
async def counts(turn: Turn) -> Response:
    instrument_id = str(turn.inbound.data.get("instrument", ""))
    found = await service.theme_report(turn.uow, user=turn.user, instrument_id=instrument_id, content=turn.content)
    org = turn.content.organisation
    blocks: list = [
        cards.title("Theme counts"),
        cards.text("People whose answers have each theme.", subtle=True, size="Small"),
    ]
    hidden = False
    for item in found:
        lines = [cards.text(f"**{item.theme.label}**: {item.total.text}", size="Small")]
        if item.by_staff_group is not None and item.by_staff_group.withheld:
            lines.append(cards.text(WITHHELD_BY_GROUP, subtle=True, size="Small"))
            hidden = True
        elif item.by_staff_group is not None:
            pairs = [
                (org.label("staff_groups", g) if g != "Not recorded" else g, c.text)
                for g, c in item.by_staff_group.cells.items()
                if c.text != "0"
            ]
            hidden |= any(c.suppressed for c in item.by_staff_group.cells.values())
            lines.append(cards.facts(pairs))
        blocks.append(cards.list_row(lines))
    if not found:
        blocks.append(cards.text("No themes yet.", size="Small"))
    if hidden or any(i.total.suppressed for i in found):
        blocks.append(cards.text(footnote(), subtle=True, size="Small"))
    return Response(card=cards.card(*blocks, actions=[cards.execute("Back", choose, inputs=False)]))
