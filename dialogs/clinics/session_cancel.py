"""Admins: cancel one session from the booking list; everyone booked or waiting is told at once."""

from __future__ import annotations

from core.clinics import sessions as service
from core.clinics.commands import InvalidAnswer
from core.clinics.model import ClinicSession
from core.clinics.services import MAX_REASON
from core.kernel.model import Role
from dialogs.clinics import browse
from dialogs.clinics.router import router
from dialogs.clinics.wording import STALE, field_problem, session_facts, text_input, when
from dialogs.kit import cards
from dialogs.kit.forms import FormError, card_int
from dialogs.kit.types import Response, Turn


def ask_card(turn: Turn, session: ClinicSession, people: int, *, reason: object = None, problem: str | None = None):
    return cards.card(
        cards.title("Cancel this session?"),
        session_facts(session, turn.content),
        cards.text(f"{people} people are booked or waiting; each will be told at once."),
        text_input(
            "reason", "Reason (sent to them)", MAX_REASON, reason, placeholder="For example: the coach is unwell."
        ),
        field_problem(problem),
        actions=[
            cards.execute("Cancel the session", confirm, {"session_id": session.id}, style="destructive"),
            cards.execute("Keep it", browse.browse, {"site": session.site}, inputs=False),
        ],
    )


async def _ask(turn: Turn, session_id: int, **shown) -> dict:
    target = await service.session_to_cancel(turn.uow, user=turn.user, session_id=session_id)
    return ask_card(turn, target.session, target.people, **shown)


@router.action("cancel_session", role=Role.ADMIN)
async def ask(turn: Turn) -> Response:
    return Response(card=await _ask(turn, card_int(turn.inbound.data, "session_id", stale=STALE)))


@router.action("cancel_session_confirm", role=Role.ADMIN)
async def confirm(turn: Turn) -> Response:
    session_id = card_int(turn.inbound.data, "session_id", stale=STALE)
    reason = turn.inbound.data.get("reason")
    try:
        done = await service.cancel_session(
            turn.uow,
            user=turn.user,
            session_id=session_id,
            reason=reason,
            content=turn.content,
            messages=turn.messages["clinics"],
            now=turn.now,
        )
    except InvalidAnswer as problem:
        raise FormError(await _ask(turn, session_id, reason=reason, problem=problem.message), problem.message) from None
    notice = f"Session {when(done.session, turn.content)} cancelled; {done.told} people told."
    return Response(card=await browse.sessions_card(turn, done.session.site, notice=notice))
