"""Checking in at the venue: the QR code on the facilitator's screen opens this chat with "checkin <code>" typed;
sending it lands here. Also the feedback card after an event."""

from __future__ import annotations

from core.events import attendance as service
from core.events.commands import FeedbackAnswers, InvalidAnswer
from core.events.model import Event, Registration
from core.kernel.content import Choice, Content
from dialogs.events.router import router
from dialogs.events.wording import STALE, date_label, text
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn

SCALE = tuple(Choice(str(n), label) for n, label in ((1, "1 Poor"), (2, "2"), (3, "3"), (4, "4"), (5, "5 Excellent")))


@router.command(
    "check in",
    title="Check in",
    description="Check in at a course or event by scanning the code on the facilitator's screen",
    aliases=(service.CHECKIN_WORD, "check-in"),
    in_menu=False,
    in_manifest=False,
)
async def check_in(turn: Turn) -> Response:
    token = service.token_in(turn.inbound.text)
    if token is None:
        return Response.say("To check in, scan the QR code on the facilitator's screen with your phone's camera.")
    done = await service.check_in(
        turn.uow,
        user=turn.user,
        token=token,
        links=turn.links,
        content=turn.content,
        messages=turn.messages["events"],
        now=turn.now,
    )
    what = f"{done.event.title} ({date_label(done.event, done.date)})"
    if done.already:
        return Response.show(cards.card(cards.notice(f"You are already checked in: {what}.")))
    lines = [cards.notice(f"Checked in: {what}. Welcome!")]
    if done.completed:
        lines.append(cards.text("That was the last date: your certificate is on its way.", subtle=True))
    return Response.show(cards.card(*lines))


# --- feedback after the event ------------------------------------------------------------------------------


def feedback_card(content: Content, event: Event, registration: Registration) -> dict:
    return cards.card(
        cards.text(content.events.say("feedback_request", title=event.title, when="", where="", date="")),
        cards.choice_set("rating", "How was it overall?", SCALE, compact=False),
        cards.text_input("comment", "One thing we could improve (optional)", 1000, multiline=True),
        actions=[cards.execute("Send feedback", feedback, {"registration_id": registration.id}, style="positive")],
    )


@router.action("feedback")
async def feedback(turn: Turn) -> Response:
    data = turn.inbound.data
    rating = text(data, "rating")
    answers = FeedbackAnswers(
        registration_id=card_int(data, "registration_id", stale=STALE),
        rating=int(rating) if rating and rating.isdigit() and len(rating) == 1 else None,
        comment=data.get("comment"),
    )
    try:
        stored = await service.record_feedback(turn.uow, user=turn.user, answers=answers, now=turn.now)
    except InvalidAnswer as problem:
        card = cards.card(
            cards.choice_set("rating", "How was it overall?", SCALE, compact=False),
            cards.text_input("comment", "One thing we could improve (optional)", 1000, multiline=True),
            actions=[cards.execute("Send feedback", feedback, {"registration_id": answers.registration_id})],
        )
        raise FormError(card, problem.message, field=problem.field) from None
    message = (
        "Thank you: your feedback helps the faculty." if stored else "Your feedback was already recorded, thank you."
    )
    return Response(card=cards.card(cards.notice(message, good=stored)))
