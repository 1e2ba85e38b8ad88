"""Nothing unanswered: the SLA in working time, the escalation tick, the coaches' queue and their subscriptions.

A question with no reply from anyone but the asker `answer_within` working days after it was posted is escalated
to the coaches subscribed to its topic or its site (all coaches when none is), and the asker is told it is still
open; `then_everyone_after` working days later, to all coaches and the programme admins. Each step happens once
(a conditional update of the post's escalation level), and each message has its own dedupe key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.forum.commands import InvalidAnswer, Subscriptions
from core.forum.model import Post
from core.forum.ports import ForumMessages
from core.forum.services import ANSWERS, REMINDERS, asker_label, sees_names
from core.forum.sla import add_working_days, working_time_between
from core.kernel.content import Content
from core.kernel.errors import NotAllowed
from core.kernel.model import Role, User
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork


def deadlines(post: Post, content: Content) -> tuple[datetime, datetime]:
    """When the question is escalated the first time, and the second."""
    rules, forum = content.nudges, content.forum
    assert post.posted_at is not None
    first = first_deadline(post.posted_at, content)
    second = add_working_days(
        first, forum.then_everyone_after, rules.default_hours, content.organisation.timezone, forum.bank_holidays
    )
    return first, second


def first_deadline(posted_at: datetime, content: Content) -> datetime:
    """When a question posted then is escalated the first time (and answered late after)."""
    forum = content.forum
    return add_working_days(
        posted_at, forum.answer_within, content.nudges.default_hours, content.organisation.timezone,
        forum.bank_holidays,
    )  # fmt: skip


def working_seconds(start: datetime, end: datetime, content: Content) -> float:
    """Working time from `start` to `end`, in seconds (the SLA clock)."""
    hours, tz, holidays = content.nudges.default_hours, content.organisation.timezone, content.forum.bank_holidays
    return working_time_between(start, end, hours, tz, holidays).total_seconds()


def answer_timing(posted_at: datetime, answered_at: datetime, content: Content) -> tuple[float, bool]:
    """A first answer's working time in seconds, and whether it came by the first escalation's deadline."""
    return working_seconds(posted_at, answered_at, content), answered_at <= first_deadline(posted_at, content)


def waiting(post: Post, content: Content, now: datetime) -> timedelta:
    """Working time the question has waited so far."""
    rules = content.nudges
    assert post.posted_at is not None
    return working_time_between(
        post.posted_at, now, rules.default_hours, content.organisation.timezone, content.forum.bank_holidays
    )


async def escalate(uow: UnitOfWork, *, content: Content, messages: ForumMessages, now: datetime) -> int:
    """Tick: escalate each unanswered question whose time has come; returns how many messages were queued."""
    queued = 0
    for post in await uow.forum.unanswered():
        first, second = deadlines(post, content)
        level = post.escalation
        if level == 0 and now >= first and await uow.forum.set_escalation(post.id, from_level=0, to_level=1):
            level = 1
            coaches = await uow.forum.subscribers(topic=post.topic, site=post.site)
            if not coaches:
                coaches = await uow.forum.users_with_roles([Role.COACH])
            queued += await _remind(uow, content, messages, post, coaches, level=1, now=now)
            queued += await notify(
                uow,
                content,
                user_id=post.user_id,
                category=ANSWERS,
                message=messages.still_open(post),
                key=f"forum:post:{post.id}:still_open",
                now=now,
            )
        if level == 1 and now >= second and await uow.forum.set_escalation(post.id, from_level=1, to_level=2):
            everyone = await uow.forum.users_with_roles([Role.COACH, Role.ADMIN])
            queued += await _remind(uow, content, messages, post, everyone, level=2, now=now)
    return queued


async def _remind(uow, content, messages, post: Post, people: Sequence[int], *, level: int, now) -> int:
    queued = 0
    for user_id in sorted(set(people) - {post.user_id}):
        asker = post.asker_name or asker_label(post, content, viewer=None)  # coaches and admins see who asked
        queued += await notify(
            uow,
            content,
            user_id=user_id,
            category=REMINDERS,
            message=messages.escalation(post, asker=asker, level=level),
            key=f"forum:post:{post.id}:escalation{level}:{user_id}",
            now=now,
        )
    return queued


@dataclass(frozen=True)
class Waiting:
    post: Post
    asker: str
    waited: timedelta  # working time
    overdue: bool


async def open_questions(
    uow: UnitOfWork, *, user: User, site: str | None, topic: str | None, content: Content, now: datetime
) -> list[Waiting]:
    """The unanswered queue for coaches, oldest first, optionally for one site and topic."""
    if not sees_names(user):
        raise NotAllowed("The open questions are for QI coaches.")
    found = []
    for post in await uow.forum.unanswered(site=site or None, topic=topic or None):
        first, _ = deadlines(post, content)
        found.append(Waiting(post, asker_label(post, content, viewer=user), waiting(post, content, now), now >= first))
    return found


async def subscriptions(uow: UnitOfWork, *, user: User) -> Subscriptions:
    topics, sites = await uow.forum.subscriptions(user.id)
    return Subscriptions(tuple(sorted(topics)), tuple(sorted(sites)))


async def subscribe(uow: UnitOfWork, *, user: User, choice: Subscriptions, content: Content) -> Subscriptions:
    if not sees_names(user):
        raise NotAllowed("Subscriptions are for QI coaches.")
    if any(not content.forum.is_topic(t) for t in choice.topics):
        raise InvalidAnswer("topics", "Please choose topics from the list.")
    if any(not content.organisation.is_valid("sites", s) for s in choice.sites):
        raise InvalidAnswer("sites", "Please choose sites from the list.")
    await uow.forum.save_subscriptions(user.id, topics=sorted(set(choice.topics)), sites=sorted(set(choice.sites)))
    return await subscriptions(uow, user=user)
