"""Progress: bites seen, topics completed, the award, mastery per topic and the streak."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from fsrs import State

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotFound
from core.kernel.model import User
from core.kernel.ports import UnitOfWork
from core.learning.content import Topic
from core.learning.model import LearningCard


def course_topic(content: Content, topic_id: str) -> Topic:
    """The topic a card names; a topic taken out of the course since the card was sent is a friendly refusal."""
    topic = content.learning.topic(topic_id)
    if topic is None:
        raise NotFound("That topic is no longer in the course. Type **learn** to see the topics.")
    return topic


async def see_bite(
    uow: UnitOfWork, *, user: User, topic: Topic, index: int, content: Content, now: datetime
) -> tuple[Topic | None, str | None]:
    """Record bite `index` of `topic` as seen; returns what it completed (the topic, the award), if anything."""
    if not 0 <= index < len(topic.bites):
        raise InvalidInput("That part of the topic does not exist; please open the topic again.")
    await uow.learning.mark_bite_seen(user.id, topic.bites[index].id, now=now)
    return await check_completion(uow, user=user, content=content, topic_id=topic.id, now=now)


def _right(topic: Topic, cards: dict[str, LearningCard]) -> int:
    """Questions of the topic answered correctly at least once."""
    return sum(1 for q in topic.questions if q.id in cards and cards[q.id].first_correct_at)


async def check_completion(
    uow: UnitOfWork, *, user: User, content: Content, topic_id: str, now: datetime
) -> tuple[Topic | None, str | None]:
    """Record the topic as completed when it first qualifies (every bite seen and the content's share of its
    questions answered right at least once), and the award when every topic is completed."""
    learning = content.learning
    topic = learning.topic(topic_id)
    if topic is None:
        return None, None
    seen = await uow.learning.bites_seen(user.id)
    cards = {c.question_id: c for c in await uow.learning.cards(user.id)}
    completed = None
    bites_done = all(b.id in seen for b in topic.bites)
    if bites_done and _right(topic, cards) >= learning.rules.completion_share * len(topic.questions):
        if await uow.learning.record_completion(user.id, topic.id, now=now):
            completed = topic
    done = await uow.learning.completions(user.id)
    awarded = None
    if all(t.id in done for t in learning.topics) and await uow.learning.award(user.id, learning.rules.award, now=now):
        awarded = learning.rules.award
    return completed, awarded


@dataclass(frozen=True)
class TopicProgress:
    topic: Topic
    bites_seen: int
    answered_right: int
    mastered: int
    completed_at: datetime | None

    @property
    def mastery(self) -> float:
        return self.mastered / len(self.topic.questions) if self.topic.questions else 0.0


@dataclass(frozen=True)
class Progress:
    topics: list[TopicProgress]
    streak: int
    practised_today: bool
    awards: dict[str, datetime] = field(default_factory=dict)

    @property
    def completed(self) -> int:
        return sum(1 for t in self.topics if t.completed_at)


def streak(days: set[date], today: date) -> int:
    """Consecutive days practised, ending today (or yesterday, if today's practice is still to come)."""
    day = today if today in days else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count


async def progress(uow: UnitOfWork, *, user: User, content: Content, now: datetime) -> Progress:
    learning, tz = content.learning, content.organisation.timezone
    seen = await uow.learning.bites_seen(user.id)
    cards = {c.question_id: c for c in await uow.learning.cards(user.id)}
    done = await uow.learning.completions(user.id)
    threshold = learning.rules.mastery_stability_days
    topics = [
        TopicProgress(
            topic=t,
            bites_seen=sum(1 for b in t.bites if b.id in seen),
            answered_right=_right(t, cards),
            mastered=sum(
                1
                for q in t.questions
                if q.id in cards and cards[q.id].state == State.Review and (cards[q.id].stability or 0) > threshold
            ),
            completed_at=done.get(t.id),
        )
        for t in learning.topics
    ]
    days = {t.astimezone(tz).date() for t in await uow.learning.review_times(user.id, since=now - timedelta(days=400))}
    today = now.astimezone(tz).date()
    return Progress(topics, streak(days, today), today in days, await uow.learning.awards(user.id))


# --- read only, for other capabilities ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LearningMilestones:
    user_id: int
    started_at: datetime  # their first answer to a question
    completed_at: datetime | None  # when they earned the course award (every topic completed)


async def learning_milestones(uow: UnitOfWork, *, content: Content) -> list[LearningMilestones]:
    """Everyone who has started the micro-learning, with when they started and completed it. Read only; the
    surveys capability sends its before and after surveys from it."""
    started = await uow.learning.learners_started(content.learning.rules.award)
    return [LearningMilestones(user_id, first, awarded) for user_id, first, awarded in started]
