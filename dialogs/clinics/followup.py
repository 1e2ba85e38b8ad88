"""After a session: the coach's attendance card and the attendee's feedback card, and their answers."""

from __future__ import annotations

from core.clinics import booking
from core.clinics import followup as service
from core.clinics.commands import FeedbackAnswers, InvalidAnswer
from core.clinics.model import Attendance, Booking, ClinicSession
from core.clinics.services import MAX_IMPROVEMENT
from core.kernel.content import Choice, Content
from core.kernel.errors import InvalidInput
from core.kernel.model import Role
from dialogs.clinics.router import router
from dialogs.clinics.wording import STALE, field_problem, placeholders, text_input, when
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn

MARKS = (
    Choice(id=Attendance.ATTENDED.value, label="Attended"),
    Choice(id=Attendance.NO_SHOW.value, label="Did not attend"),
)
SCALE = tuple(
    Choice(id=str(n), label=label)
    for n, label in ((1, "1 Not useful"), (2, "2"), (3, "3"), (4, "4"), (5, "5 Very useful"))
)
DAMAGED = "That attendance card is damaged; please use the latest one."
RATE = "Please rate how useful the session was from 1 to 5."


# --- attendance -----------------------------------------------------------------------------------------------


def attendance_card(content: Content, session: ClinicSession, bookings: list[Booking]) -> dict:
    inputs = [
        {
            **cards.choice_set(
                f"att_{b.id}",
                b.user_name or "Someone",
                MARKS,
                b.attendance.value if b.attendance else Attendance.ATTENDED.value,
                compact=False,
            ),
            "errorMessage": "Please choose attended or did not attend.",
        }
        for b in bookings
    ]
    return cards.card(
        cards.text(content.clinics.say("attendance_request", **placeholders(session, content))),
        *inputs,
        actions=[cards.execute("Save attendance", attendance, {"session_id": session.id}, style="positive")],
    )


def _marks(data: dict) -> dict[int, Attendance]:
    marks = {}
    for key, value in data.items():
        if key.startswith("att_"):
            booking_id = card_int({key: key.removeprefix("att_")}, key, stale=DAMAGED)  # the id is in the name
            try:
                marks[booking_id] = Attendance(value)
            except ValueError:
                raise InvalidInput("Please choose attended or did not attend for each person.") from None
    return marks


@router.action("attendance", role=Role.COACH)
async def attendance(turn: Turn) -> Response:
    data = turn.inbound.data
    record = await service.record_attendance(
        turn.uow, user=turn.user, session_id=card_int(data, "session_id", stale=STALE), marks=_marks(data), now=turn.now
    )
    lines = [
        f"- {b.user_name or 'Someone'}: {'attended' if b.attendance == Attendance.ATTENDED else 'did not attend'}"
        for b in record.bookings
    ]
    return Response(
        card=cards.card(
            cards.notice(f"Attendance saved: {record.attended} attended, {record.missed} did not."),
            cards.title(f"QI clinic {when(record.session, turn.content)}"),
            cards.text("\n".join(lines), size="Small"),
            cards.text("Thank you. Attendees will be asked for quick feedback.", subtle=True, size="Small"),
        )
    )


# --- feedback ---------------------------------------------------------------------------------------------------


def feedback_card(
    content: Content,
    session: ClinicSession,
    booking: Booking,
    *,
    answers: dict | None = None,
    problem: InvalidAnswer | None = None,
) -> dict:
    answers = answers or {}

    def under(field: str) -> cards.Element | None:
        return field_problem(problem.message) if problem and problem.field == field else None

    usefulness = answers.get("usefulness")
    return cards.card(
        cards.text(content.clinics.say("feedback_request", **placeholders(session, content))),
        cards.choice_set(
            "usefulness",
            "How useful was it?",
            SCALE,
            usefulness if isinstance(usefulness, str) else None,
            compact=False,
            error=RATE,
        ),
        under("usefulness"),
        text_input(
            "improvement",
            "One thing we could improve (optional)",
            MAX_IMPROVEMENT,
            answers.get("improvement"),
            multiline=True,
        ),
        under("improvement"),
        actions=[cards.execute("Send feedback", feedback, {"booking_id": booking.id}, style="positive")],
    )


@router.action("feedback")
async def feedback(turn: Turn) -> Response:
    data = turn.inbound.data
    booking_id = card_int(data, "booking_id", stale=STALE)
    given = data.get("usefulness") not in (None, "")
    answers = FeedbackAnswers(
        booking_id=booking_id,
        usefulness=card_int(data, "usefulness", stale=RATE) if given else None,
        improvement=data.get("improvement"),
    )
    try:
        stored = await service.record_feedback(turn.uow, user=turn.user, answers=answers, now=turn.now)
    except InvalidAnswer as problem:
        view = await booking.booking_view(turn.uow, user=turn.user, booking_id=booking_id, now=turn.now)
        card = feedback_card(turn.content, view.session, view.booking, answers=data, problem=problem)
        raise FormError(card, problem.message) from None
    text = (
        "Thank you: your feedback helps the coaches."
        if stored
        else "Your feedback for this session was already recorded, thank you. Nothing was changed."
    )
    return Response(card=cards.card(cards.notice(text, good=stored)))
