"""`my coaching route`: where the person is on the route to coach, in plain words; adding evidence for a
competency (optionally linked to their own project, clinic or set); asking to be put forward for promotion."""

from __future__ import annotations

from core.coaching import route as service
from core.coaching.commands import InvalidAnswer, NewEvidence
from core.coaching.model import CompetencyProgress, LinkKind, MentorshipStatus, PromotionStatus, Route
from core.coaching.services import MAX_NOTE
from core.kernel.content import Choice
from dialogs.coaching import mentoring
from dialogs.coaching.router import router
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn

STALE = "That card is out of date. Please type **my coaching route**."
NO_LINK = Choice("none", "Not linked")


def _status(progress: CompetencyProgress) -> str:
    """In words, not colour: Teams' green, amber and red text fail WCAG AA in one of its themes."""
    if progress.signed_off:
        return "Signed off"
    if progress.waiting:
        return "Waiting for sign-off"
    if progress.returned is not None:
        return f"Returned: {progress.returned.comment or 'please add more'}"
    return "Not started"


def _row(route: Route, progress: CompetencyProgress) -> dict:
    status = _status(progress)
    button = (
        []
        if progress.signed_off
        else [cards.execute("Add evidence", evidence_form, {"competency": progress.competency.id}, inputs=False)]
    )
    return cards.list_row(
        [
            cards.text(f"**{progress.competency.label}**"),
            cards.text(progress.competency.plain, subtle=True, size="Small"),
            {**cards.text(status, size="Small"), "weight": "Bolder"},
        ],
        button,
    )


def route_card(turn: Turn, route: Route, notice: str | None = None) -> dict:
    towards = route.working_towards
    now_at = route.level.label if route.level else "just starting"
    body: list[dict | None] = [
        cards.notice(notice) if notice else None,
        cards.title("My coaching route"),
        cards.facts([("Where you are", now_at), ("Next step", towards.label if towards else "You are at the top")]),
    ]
    actions: list[dict] = []
    if towards is not None:
        body += [
            cards.text(towards.plain, subtle=True),
            cards.text(f"{route.signed} of {len(route.progress)} signed off.", size="Small"),
            *(_row(route, p) for p in route.progress),
        ]
    if route.mentor is not None:
        waiting = route.mentor.status == MentorshipStatus.PROPOSED
        who = route.mentor.mentor_name or "your mentor"
        body.append(cards.text(f"Asked {who} to be your mentor." if waiting else f"Your mentor: {who}"))
    if route.can_ask_for_mentor:
        actions.append(cards.execute("Find a mentor", mentoring.find, inputs=False))
    if route.can_ask_for_promotion and towards is not None:
        body.append(cards.notice(f"You have shown everything for {towards.label}."))
        actions.append(
            cards.execute("Put me forward", promotion, {"level": towards.id}, style="positive", inputs=False)
        )
    elif route.promotion is not None and route.promotion.status == PromotionStatus.REQUESTED:
        body.append(cards.text("An admin is confirming your promotion.", subtle=True))
    return cards.card(*body, actions=actions or None)


async def _route(turn: Turn) -> Route:
    return await service.my_route(turn.uow, user=turn.user, content=turn.content, now=turn.now)


@router.action("route")
@router.command(
    "my coaching route",
    title="My coaching route",
    description="Your route to become a QI coach: evidence, sign-off, your mentor",
    aliases=("coaching route", "my route", "become a coach", "coach route"),
    in_manifest=False,
)
async def show(turn: Turn) -> Response:
    return Response.show(route_card(turn, await _route(turn)))


def evidence_card(turn: Turn, route: Route, competency_id: str) -> dict:
    competency = turn.content.coaching.competency(competency_id)
    links = [Choice(f"{link.kind.value}:{link.id}", link.label) for link in route.links]
    return cards.card(
        cards.title(f"Evidence: {competency.label}"),
        cards.text(competency.plain, subtle=True),
        cards.text_input(
            "note",
            "What you did, in a few sentences",
            MAX_NOTE,
            multiline=True,
            required=True,
            placeholder="For example: I coached the Ward 7 team through their first two PDSA cycles.",
        ),
        cards.choice_set("link", "Linked to (optional)", (*links, NO_LINK), NO_LINK.id, required=False),
        actions=[
            cards.execute("Send for sign-off", evidence_save, {"competency": competency_id}, style="positive"),
            cards.execute("Back", show, inputs=False),
        ],
    )


@router.action("evidence_form")
async def evidence_form(turn: Turn) -> Response:
    route = await _route(turn)
    competency = turn.inbound.data.get("competency")
    if not any(p.competency.id == competency for p in route.progress):
        return Response(card=route_card(turn, route, notice="That competency is not on your next step."))
    return Response(card=evidence_card(turn, route, competency))


def _link(data: dict) -> tuple[LinkKind | None, int | None]:
    chosen = data.get("link")
    if chosen in (None, "", NO_LINK.id) or not isinstance(chosen, str) or ":" not in chosen:
        return None, None
    kind, _, raw = chosen.partition(":")
    try:
        return LinkKind(kind), card_int({"id": raw}, "id", stale=STALE)
    except ValueError:
        raise InvalidAnswer("link", "Please choose one of your own projects, clinics or sets, or none.") from None


@router.action("evidence_save")
async def evidence_save(turn: Turn) -> Response:
    data = turn.inbound.data
    competency = str(data.get("competency") or "")
    try:
        kind, link_id = _link(data)
        await service.add_evidence(
            turn.uow,
            user=turn.user,
            command=NewEvidence(competency, data.get("note"), kind, link_id),
            content=turn.content,
            messages=turn.messages["coaching"],
            now=turn.now,
        )
    except InvalidAnswer as problem:
        route = await _route(turn)
        if problem.field == "competency":
            raise
        raise FormError(evidence_card(turn, route, competency), problem.message, field=problem.field) from None
    return Response(card=route_card(turn, await _route(turn), notice="Sent for sign-off."))


@router.action("promotion")
async def promotion(turn: Turn) -> Response:
    level = str(turn.inbound.data.get("level") or "")
    asked = await service.ask_for_promotion(
        turn.uow, user=turn.user, level_id=level, content=turn.content, messages=turn.messages["coaching"], now=turn.now
    )
    notice = (
        "Done: an admin will confirm your promotion." if asked else "You have already asked; an admin will confirm."
    )
    return Response(card=route_card(turn, await _route(turn), notice=notice))
