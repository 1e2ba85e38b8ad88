"""Finding a mentor: up to three proposals, asking one, and the mentor's answer."""

from __future__ import annotations

from core.coaching import mentoring as service
from core.coaching.model import Candidate, Mentorship
from dialogs.coaching import route
from dialogs.coaching.router import router
from dialogs.kit import cards
from dialogs.kit.forms import card_int
from dialogs.kit.types import Response, Turn

STALE = "That card is out of date. Please type **my coaching route**."


def proposals_card(turn: Turn, proposals: list[Candidate]) -> dict:
    org = turn.content.organisation
    rows = [
        cards.list_row(
            [cards.text(f"**{c.name or 'A senior coach'}**"), cards.text(org.label("sites", c.site), subtle=True)],
            [cards.execute(f"Ask {c.name or 'them'}", ask, {"mentor_id": c.user_id}, style="positive", inputs=False)],
        )
        for c in proposals
    ]
    return cards.card(
        cards.title("Find a mentor"),
        cards.text(
            "Senior coaches with room for a mentee, from another site or profession where possible.", subtle=True
        ),
        *rows,
        cards.text("Nobody is free to mentor just now. Please try again in a few weeks.") if not rows else None,
        actions=[cards.execute("Back", route.show, inputs=False)],
    )


@router.action("find")
async def find(turn: Turn) -> Response:
    proposals = await service.propose_mentors(turn.uow, user=turn.user, content=turn.content)
    return Response(card=proposals_card(turn, proposals))


@router.action("ask")
async def ask(turn: Turn) -> Response:
    asked = await service.ask_mentor(
        turn.uow,
        user=turn.user,
        mentor_id=card_int(turn.inbound.data, "mentor_id", stale=STALE),
        content=turn.content,
        messages=turn.messages["coaching"],
        now=turn.now,
    )
    return Response(
        card=cards.card(cards.notice(f"Asked {asked.mentor_name or 'them'}: I will tell you their answer."))
    )


def request_card(text: str, mentorship: Mentorship) -> dict:
    return cards.card(
        cards.text(text),
        actions=[
            cards.execute(
                "Accept", answer, {"mentorship_id": mentorship.id, "accept": True}, style="positive", inputs=False
            ),
            cards.execute("Decline", answer, {"mentorship_id": mentorship.id, "accept": False}, inputs=False),
        ],
    )


@router.action("answer")
async def answer(turn: Turn) -> Response:
    data = turn.inbound.data
    accept = data.get("accept") in (True, "true", "True")
    mentorship, changed = await service.answer_request(
        turn.uow,
        user=turn.user,
        mentorship_id=card_int(data, "mentorship_id", stale=STALE),
        accept=accept,
        content=turn.content,
        messages=turn.messages["coaching"],
        now=turn.now,
    )
    who = mentorship.mentee_name or "them"
    if not changed:
        text = "You have already answered this request."
    elif accept:
        text = f"You are now mentoring {who}. Arrange your first meeting soon."
    else:
        text = f"Declined: {who} will be told and can ask someone else."
    return Response(card=cards.card(cards.notice(text)))
