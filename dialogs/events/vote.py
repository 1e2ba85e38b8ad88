"""`vote`: the people's choice on the celebration day. Attendees vote once for a poster; voting again changes
the vote, until voting closes."""

from __future__ import annotations

from core.events import judging as service
from dialogs.events.router import router
from dialogs.events.wording import STALE
from dialogs.kit import cards
from dialogs.kit.forms import card_int
from dialogs.kit.types import Response, Turn


async def ballot_card(turn: Turn, event_id: int, notice: str | None = None) -> dict:
    event, posters, mine, open_ = await service.ballot(
        turn.uow, user=turn.user, event_id=event_id, content=turn.content, now=turn.now
    )
    org = turn.content.organisation
    rows = []
    for poster in posters:
        chosen = poster.id == mine
        buttons = None
        if open_ and not chosen:
            buttons = [cards.execute("Vote for this", cast, {"event_id": event.id, "abstract_id": poster.id})]
        rows.append(
            cards.list_row(
                [
                    cards.text(f"**{poster.title}**"),
                    cards.text(org.label("sites", poster.site), subtle=True, size="Small"),
                    {**cards.text("Your vote", size="Small"), "weight": "Bolder"} if chosen else None,
                ],
                buttons,
            )
        )
    status = (
        "One vote each; you can change it until voting closes at the end of the day."
        if open_
        else "Voting is closed."
        if mine or event.voting_closes_at and turn.now >= event.voting_closes_at
        else "Voting opens on the day."
    )
    return cards.card(
        cards.notice(notice) if notice else None,
        cards.title(f"People's choice: {event.title}"),
        cards.text(status, subtle=True),
        *rows,
        cards.text("No posters yet.") if not rows else None,
    )


@router.action("ballot")
@router.command(
    "vote",
    title="Vote",
    description="The people's choice: vote for your favourite poster on the celebration day",
    aliases=("peoples choice", "people's choice", "vote for a poster"),
    in_manifest=False,
)
async def ballot(turn: Turn) -> Response:
    if "event_id" in turn.inbound.data:
        return Response.show(await ballot_card(turn, card_int(turn.inbound.data, "event_id", stale=STALE)))
    events = await service.vote_events(turn.uow, user=turn.user, content=turn.content, now=turn.now)
    if not events:
        return Response.show(
            cards.card(cards.text("Voting is open on the celebration day, for people with a place on it."))
        )
    return Response.show(await ballot_card(turn, events[0].id))


@router.action("vote")
async def cast(turn: Turn) -> Response:
    data = turn.inbound.data
    event_id = card_int(data, "event_id", stale=STALE)
    poster = await service.cast_vote(
        turn.uow,
        user=turn.user,
        event_id=event_id,
        abstract_id=card_int(data, "abstract_id", stale=STALE),
        content=turn.content,
        now=turn.now,
    )
    return Response(card=await ballot_card(turn, event_id, f"Your vote: {poster.title}."))
