"""The cards around a draft and a send: the review after Preview, the preview itself, and the author's progress
card as a dialog shows it (the tick builds the same card through AnnouncementCards)."""

from __future__ import annotations

from typing import Any

from core.announcements.model import Announcement, Progress
from core.announcements.reading import progress_of
from core.kernel.model import OutboundMessage, Role
from dialogs.announcements import cards as announcement_cards
from dialogs.kit import cards
from dialogs.kit.types import Turn


def _actions() -> dict[str, Any]:
    from dialogs.announcements import manage  # noqa: PLC0415 (manage registers the verbs the card names)

    return {
        "pause": manage.pause,
        "resume": manage.resume,
        "cancel": manage.cancel,
        "resend": manage.resend,
        "refresh": manage.refresh,
        "export": manage.export,
    }


def open_action():
    from dialogs.announcements import manage  # noqa: PLC0415

    return manage.open_command


def the_card(content, announcement: Announcement) -> dict[str, Any]:
    return announcement_cards.announcement_card(announcement, open_action(), short_name=content.organisation.short_name)


def preview_message(turn: Turn, announcement: Announcement) -> OutboundMessage:
    return OutboundMessage(card=the_card(turn.content, announcement))


def review_card(turn: Turn, announcement: Announcement, total: int, not_installed: int) -> dict[str, Any]:
    from dialogs.announcements import compose  # noqa: PLC0415

    tz = turn.content.organisation.timezone
    when = f"at {announcement_cards.local(announcement.send_at, tz)}" if announcement.send_at else "now"
    lines = [
        cards.notice("Preview sent: it is the next message, exactly as people will see it."),
        cards.title(announcement.title),
        cards.facts(
            [
                ("Audience", "Everyone" if announcement.audience.everyone else _audience_text(turn, announcement)),
                ("Who gets it", announcement_cards.audience_line(total, not_installed)),
                ("When", when + (", spread over the working day" if announcement.spread else "")),
                ("Urgent", "Yes" if announcement.urgent else "No"),
            ]
        ),
        cards.text("People get it in their working hours, and not if they have turned news off.", subtle=True),
    ]
    data = {"a": announcement.id}
    return cards.card(
        *lines,
        actions=[
            cards.execute("Send" if not announcement.send_at else "Schedule", compose.send, data, style="positive"),
            cards.execute("Edit", compose.edit, data, inputs=False),
            cards.execute("Cancel", compose.discard, data, inputs=False),
        ],
    )


def _audience_text(turn: Turn, announcement: Announcement) -> str:
    from core.announcements.compose import audience_choices  # noqa: PLC0415

    options = audience_choices(turn.content)
    parts = []
    for key, what in (
        ("sites", "sites"),
        ("trusts", "legacy trusts"),
        ("staff_groups", "staff groups"),
        ("experience", "QI experience"),
        ("roles", "roles"),
    ):
        values = getattr(announcement.audience, key)
        if values:
            parts.append(f"{what}: " + ", ".join(options[key].get(v, v) for v in values))
    return "; ".join(parts)


def progress_card(content, announcement: Announcement, progress: Progress, now=None, *, admin=False) -> dict:
    return announcement_cards.progress_card(
        announcement, progress, _actions(), tz=content.organisation.timezone, now=now, admin=admin
    )


async def progress_view(turn: Turn, announcement: Announcement, notice: str | None = None) -> dict[str, Any]:
    progress = await progress_of(turn.uow, announcement)
    card = progress_card(turn.content, announcement, progress, turn.now, admin=turn.user.has_role(Role.ADMIN))
    if notice:
        card["body"].insert(0, cards.notice(notice))
    return card
