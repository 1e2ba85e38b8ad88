"""Share your story: the lead of a completed project is offered to post its summary (aim, what changed, the
decision, lessons) as a thread in the community channel; colleagues' replies there come back to the lead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.forum.model import ALL_SITES, ChannelKind, Post
from core.forum.ports import ForumMessages
from core.forum.services import REMINDERS, start_thread
from core.kernel.content import Content
from core.kernel.errors import InvalidInput
from core.kernel.model import User
from core.kernel.nudges import Nudge, notify_many
from core.kernel.ports import UnitOfWork
from core.projects import services as projects

OFFER_WINDOW = timedelta(days=14)  # completed projects this recent are offered
DECISIONS = {"adopt": "Adopted", "adapt": "Adapted", "abandon": "Abandoned"}


async def offer_stories(uow: UnitOfWork, *, content: Content, messages: ForumMessages, now: datetime) -> int:
    """Tick: each recently completed project's lead is offered "share your story" (once per project)."""
    completed = await projects.completed_since(uow, now - OFFER_WINDOW)
    key = {p.id: f"forum:story_offer:{p.id}" for p in completed}
    offered = await uow.outbox.queued(list(key.values()))  # offered before: one query for all (issue 16)
    nudges = [
        Nudge(
            user_id=project.lead_id,
            category=REMINDERS,
            message=messages.story_offer(project.id, project.title or "your project"),
            key=key[project.id],
        )
        for project in completed
        if key[project.id] not in offered and await uow.forum.story_of(project.id) is None
    ]
    return sum(d.enqueued for d in await notify_many(uow, content, nudges, now=now))


@dataclass(frozen=True)
class Shared:
    post: Post
    already: bool


def summary(project, evaluation: dict) -> list[tuple[str, str]]:
    pairs = [("Aim", project.aim or "not set")]
    for key, label in (("results", "What changed"), ("lessons", "Lessons"), ("sustain", "Keeping it going")):
        if evaluation.get(key):
            pairs.append((label, str(evaluation[key])))
    if evaluation.get("decision") in DECISIONS:
        pairs.append(("Decision", DECISIONS[evaluation["decision"]]))
    return pairs


async def share_story(
    uow: UnitOfWork, *, user: User, project_id: int, content: Content, messages: ForumMessages, now: datetime
) -> Shared:
    project, evaluation = await projects.completed_story(uow, user=user, project_id=project_id)
    existing = await uow.forum.story_of(project.id)
    if existing is not None:
        return Shared(existing, already=True)
    channel = await uow.forum.channel_for(ChannelKind.COMMUNITY, project.site or ALL_SITES)
    if channel is None:
        channel = await uow.forum.channel_for(ChannelKind.COMMUNITY, ALL_SITES)
    if channel is None:
        raise InvalidInput("No community channel is linked yet, so the story cannot be shared: ask a QI admin.")
    post = await uow.forum.add_story(
        user_id=user.id, project_id=project.id, title=project.title or "A QI project", site=project.site, now=now
    )
    if post is None:  # shared by a second press at the same moment
        return Shared(await uow.forum.story_of(project.id), already=True)
    await uow.forum.set_channel(post.id, channel.id)
    lead = user.name or "The project lead"
    chart = await projects.story_chart(uow, project)
    card = messages.story_card(
        post, lead=lead, summary=summary(project, evaluation), chart=chart, lead_id=user.id, now=now
    )
    await start_thread(uow, post, channel, card, now)
    return Shared(post, already=False)
