"""The cards of an announcement: the one its audience receives (the preview is the same card), and the author's
card that follows the send, updated in place with the counts and a progress bar."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from core.announcements.model import Announcement, Delivery, Progress, Status
from core.kernel.dates import written
from core.kernel.suppression import HIDDEN, count, footnote, suppress_counts
from dialogs.kit import cards

LABELS = {  # what the author reads for each Delivery, in this order
    Delivery.WAITING: "Waiting to be queued",
    Delivery.QUEUED: "Queued",
    Delivery.SENT: "Sent",
    Delivery.FAILED: "Failed",
    Delivery.UNREACHABLE: "Unreachable (removed or blocked the app)",
    Delivery.NOT_INSTALLED: "Not installed",
    Delivery.OPTED_OUT: "Opted out of news or paused",
    Delivery.CANCELLED: "Held back (paused or cancelled)",
}
HEADLINES = {
    Status.DRAFT: "Draft",
    Status.SCHEDULED: "Scheduled",
    Status.SENDING: "Sending",
    Status.PAUSED: "Paused",
    Status.CANCELLED: "Cancelled",
    Status.DONE: "Sent",
}


def local(when: datetime, tz: ZoneInfo) -> str:
    return written(when.astimezone(tz), "%a %-d %b %Y, %H:%M")


def announcement_card(announcement: Announcement, open_action: Any, *, short_name: str) -> dict[str, Any]:
    """Exactly what every recipient sees (and the author's preview): title, image, text and its buttons."""
    body: list[dict[str, Any]] = [cards.text(f"{short_name} QI programme news", subtle=True, size="Small")]
    if announcement.urgent:
        body.append(cards.notice("Urgent"))
    body.append(cards.title(announcement.title))
    if announcement.image_url:
        body.append({"type": "Image", "url": announcement.image_url, "altText": announcement.title, "size": "Stretch"})
    body.append(cards.text(announcement.text))
    actions = []
    for button in announcement.buttons:
        if button.kind == "url":
            actions.append({"type": "Action.OpenUrl", "title": button.label, "url": button.target})
        else:
            actions.append(cards.execute(button.label, open_action, {"a": announcement.id, "command": button.target}))
    return cards.card(*body, actions=actions or None)


def audience_line(total: int, not_installed: int) -> str:
    """ "1,243 people; 57 have not installed the app and will not receive it", with small groups hidden."""
    if total == 0:
        return "Nobody is in this audience."
    shown = suppress_counts({"in": total - not_installed, "out": not_installed}, total)
    if shown.total.value is None:
        return "Fewer than 5 people (small groups are not counted exactly)."
    people = f"{total:,} {'person' if total == 1 else 'people'}"
    if not_installed == 0:
        return f"{people}; everyone has the app installed."
    out = shown.cells["out"]
    if out.value is None:
        # hidden because it is under 5, or because it would give away the few who have the app (people minus it)
        return f"{people}; some have not installed the app and will not receive it (how many is hidden)."
    verb = "has" if not_installed == 1 else "have"
    return f"{people}; {not_installed:,} {verb} not installed the app and will not receive it."


def progress_bar(progress: Progress) -> dict[str, Any]:
    """Adaptive Cards 1.5 has no progress bar: weighted columns, delivered (accent), not delivered (attention),
    still to go (emphasis)."""
    done = progress.of(Delivery.SENT)
    to_go = progress.outstanding
    missed = progress.total - done - to_go
    columns = [
        {"type": "Column", "width": weight, "style": style, "minHeight": "12px", "items": []}
        for weight, style in ((done, "accent"), (missed, "attention"), (to_go, "emphasis"))
        if weight > 0
    ]
    return {
        "type": "ColumnSet",
        "spacing": "Small",
        "columns": columns or [{"type": "Column", "width": 1, "style": "emphasis", "minHeight": "12px", "items": []}],
    }


def progress_card(
    announcement: Announcement,
    progress: Progress,
    actions: dict[str, Any],
    *,
    tz: ZoneInfo,
    now: datetime | None,
    admin: bool = False,
) -> dict[str, Any]:
    """The author's card. `actions`: the registered Actions by name (pause, resume, cancel, resend, refresh,
    export)."""
    status = announcement.status
    headline = HEADLINES[status]
    if status == Status.SCHEDULED and announcement.send_at:
        headline = f"Scheduled for {local(announcement.send_at, tz)}"
    total = progress.total or announcement.recipients
    done_share = (total - progress.outstanding) / total if total else 0
    # Delivery counts are facts about the author's own message, shown exactly; only a small audience as a whole
    # is hidden (its counts would say who did not install the app or opted out).
    small = count(total).suppressed
    rows = [
        (LABELS[d], HIDDEN if small else f"{progress.of(d):,}") for d in LABELS if progress.of(d) or d == Delivery.SENT
    ]
    body = [
        cards.text("Announcement", subtle=True, size="Small"),
        cards.title(announcement.title),
        cards.notice(f"{headline}: {round(done_share * 100)}% done"),
        cards.text(
            f"{HIDDEN} people"
            if small
            else f"{progress.of(Delivery.SENT):,} of {total:,} people delivered, {progress.outstanding:,} still to go"
        ),
        progress_bar(progress),
        cards.facts(rows),
    ]
    if small:
        body.append(cards.text(footnote(), subtle=True, size="Small"))
    if announcement.urgent:
        body.append(cards.text("Urgent: not held back by the daily message limit.", subtle=True))
    if now is not None:
        body.append(cards.text(f"Updated {local(now, tz)}", subtle=True, size="Small"))
    data = {"a": announcement.id}
    buttons = []
    if status in (Status.SCHEDULED, Status.SENDING):
        buttons.append(cards.execute("Pause", actions["pause"], data, inputs=False))
    if status == Status.PAUSED:
        buttons.append(cards.execute("Resume", actions["resume"], data, inputs=False))
    if status in (Status.SCHEDULED, Status.SENDING, Status.PAUSED):
        buttons.append(cards.execute("Cancel the send", actions["cancel"], data, inputs=False))
    if progress.of(Delivery.FAILED) and status in (Status.SENDING, Status.DONE):
        buttons.append(cards.execute("Resend to failed", actions["resend"], data, inputs=False))
    buttons.append(cards.execute("Refresh", actions["refresh"], data, inputs=False))
    if admin:  # the per-person file is for admins (checked again when pressed and when downloaded)
        buttons.append(cards.execute("Status by person", actions["export"], data, inputs=False))
    return cards.card(*body, actions=buttons)
