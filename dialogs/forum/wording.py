"""How forum posts read on cards: labels, short excerpts, the form fields the forum's cards share."""

from __future__ import annotations

from datetime import timedelta

from core.forum.model import Outcome, Post, PostStatus
from core.kernel.content import Content
from dialogs.kit import cards

STATUS = {
    PostStatus.OPEN: "Waiting for a coach",
    PostStatus.ANSWERED: "Answered",
    PostStatus.CLOSED: "Closed",
    PostStatus.WITHDRAWN: "Withdrawn",
    PostStatus.DRAFT: "Not posted",
    PostStatus.RESOLVED: "Answered by an existing answer",
}
OUTCOME = {Outcome.YES: "answered", Outcome.PARTLY: "partly answered", Outcome.NO: "not answered"}


def excerpt(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def topic(content: Content, post: Post) -> str:
    return content.forum.topic_label(post.topic)


def site(content: Content, post: Post) -> str:
    return content.organisation.label("sites", post.site) if post.site else "No site given"


def status(post: Post) -> str:
    if post.status == PostStatus.CLOSED and post.outcome:
        return f"Closed ({OUTCOME[post.outcome]})"
    return STATUS[post.status]


def working_time(waited: timedelta) -> str:
    hours = int(waited.total_seconds() // 3600)
    if hours < 1:
        return "under an hour"
    if hours < 10:
        return f"{hours} working hour{'s' if hours != 1 else ''}"
    days = hours // 10
    return f"about {days} working day{'s' if days != 1 else ''}"


def open_thread(link: str | None) -> list[cards.Element]:
    return [{"type": "Action.OpenUrl", "title": "Open the thread", "url": link}] if link else []


def when(content: Content, moment) -> str:
    """A moment in the organisation's time zone, e.g. "Wed 25 Nov, 10:00"."""
    local = moment.astimezone(content.organisation.timezone)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"
