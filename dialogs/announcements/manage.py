"""The author's card buttons: pause, resume, cancel, resend to failed, refresh, the per-person status file (admins),
and the command buttons on the announcement itself (run for whoever pressed them, the announcement stays)."""

from __future__ import annotations

from datetime import timedelta

from core.announcements.reading import announcement_seen_by
from core.announcements.sending import (
    announcement_for,
    cancel_announcement,
    pause_announcement,
    resend_to_failed,
    resume_announcement,
)
from core.kernel.errors import NotAllowed
from core.kernel.model import OutboundMessage, Role
from dialogs.announcements import views
from dialogs.announcements.router import router
from dialogs.kit import cards
from dialogs.kit.forms import card_int
from dialogs.kit.types import Response, Turn

LINK_LIFETIME = timedelta(minutes=15)


def _id(turn: Turn) -> int:
    return card_int(turn.inbound.data, "a")


async def _after(turn: Turn, announcement_id: int, notice: str) -> Response:
    current = await announcement_for(turn.uow, turn.user, announcement_id)
    return Response(card=await views.progress_view(turn, current, notice=notice))


@router.action("pause", role=Role.LEAD)
async def pause(turn: Turn) -> Response:
    held = await pause_announcement(turn.uow, user=turn.user, announcement_id=_id(turn), now=turn.now)
    return await _after(turn, _id(turn), f"Paused: {held:,} copies held back. Nothing already sent is sent again.")


@router.action("resume", role=Role.LEAD)
async def resume(turn: Turn) -> Response:
    again = await resume_announcement(turn.uow, user=turn.user, announcement_id=_id(turn), now=turn.now)
    return await _after(turn, _id(turn), f"Resumed: {again:,} copies will be sent.")


@router.action("cancel", role=Role.LEAD)
async def cancel(turn: Turn) -> Response:
    held = await cancel_announcement(turn.uow, user=turn.user, announcement_id=_id(turn), now=turn.now)
    return await _after(turn, _id(turn), f"Cancelled: {held:,} copies will not be sent.")


@router.action("resend", role=Role.LEAD)
async def resend(turn: Turn) -> Response:
    again = await resend_to_failed(turn.uow, user=turn.user, announcement_id=_id(turn), now=turn.now)
    return await _after(turn, _id(turn), f"Sending again to the {again:,} people whose copy failed.")


@router.action("refresh", role=Role.LEAD)
async def refresh(turn: Turn) -> Response:
    current = await announcement_for(turn.uow, turn.user, _id(turn))
    return Response(card=await views.progress_view(turn, current))


@router.action("export", role=Role.LEAD)
async def export(turn: Turn) -> Response:
    """Links to the status of each person (CSV and XLSX), for admins, valid for 15 minutes."""
    from dialogs.announcements.pages import status_url  # noqa: PLC0415

    announcement = await announcement_for(turn.uow, turn.user, _id(turn))
    if not turn.user.has_role(Role.ADMIN):
        raise NotAllowed("Only a QI admin can download the status of each person.")
    if turn.links is None:
        raise NotAllowed("Downloads are not available here.")
    expires = turn.now + LINK_LIFETIME
    links = [
        {
            "type": "Action.OpenUrl",
            "title": f"Download {kind.upper()}",
            "url": status_url(
                turn.links, kind, user_id=turn.user.id, announcement_id=announcement.id, expires_at=expires
            ),
        }
        for kind in ("csv", "xlsx")
    ]
    files = cards.card(
        cards.notice(f"Status of each person for “{announcement.title}”"),
        cards.text("The links work for 15 minutes and only for QI admins; each download is logged.", subtle=True),
        actions=links,
    )
    return Response(card=await views.progress_view(turn, announcement), messages=[OutboundMessage(card=files)])


@router.action("open")
async def open_command(turn: Turn) -> Response:
    """A command button on an announcement: its answer comes as a new message; the announcement stays as it was."""
    command = turn.router.command_named(str(turn.inbound.data.get("command") or "")) if turn.router else None
    announcement = await announcement_seen_by(turn.uow, turn.user, _id(turn))
    if command is None or announcement is None:
        return Response(messages=Response.show(turn.router.menu(turn, "Here is what I can do:")).messages)
    answer = await turn.router.run_command(turn, command)
    messages = list(answer.messages)
    if answer.card is not None:
        messages.insert(0, OutboundMessage(card=answer.card))
    return Response(card=views.the_card(turn.content, announcement), messages=messages, commit=answer.commit)
