"""Micro-learning: what to practise now, FSRS scheduling of each person's questions, progress and awards.

Ratings: a wrong answer is Again (it comes back within minutes, then the next day); a right answer the person
was not sure of is Hard; a sure right answer is Good, or Easy when it was also quick. Durations are measured on
the server from when the question card was sent, never taken from the card.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler, State

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.nudges import enqueue_nudge
from core.kernel.ports import UnitOfWork
from core.kernel.working_hours import local_day_bounds
from core.learning.content import LearningContent, Question, Topic
from core.learning.model import LearningCard


def scheduler(learning: LearningContent) -> Scheduler:
    step = (learning.rules.again_after,)
    return Scheduler(
        desired_retention=learning.rules.desired_retention,
        learning_steps=step,
        relearning_steps=step,
        enable_fuzzing=False,
    )


def rate(*, correct: bool, sure: bool, took: timedelta, quick: timedelta) -> Rating:
    if not correct:
        return Rating.Again
    if not sure:
        return Rating.Hard
    return Rating.Easy if took <= quick else Rating.Good


def _to_fsrs(card: LearningCard) -> Card:
    return Card(
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


# --- what to practise -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Next:
    question: Question | None
    is_review: bool = False
    reason: str | None = None  # when there is nothing: "done", "cap", "new_cap"


async def next_question(
    uow: UnitOfWork, *, user: User, content: Content, now: datetime, topic_id: str | None = None
) -> Next:
    """Reviews first (most overdue first), then new questions in topic order, within the daily caps.

    Inside a topic walk (`topic_id`) the person chose to practise that topic: its new questions are not capped.
    """
    learning = content.learning
    cards = {c.question_id: c for c in await uow.learning.cards(user.id)}
    start, end = local_day_bounds(now, content.nudges.timezone)
    reviews_today, new_today = await uow.learning.reviews_between(user.id, start, end)
    questions = [q for q in learning.questions if topic_id in (None, q.topic_id)]
    known = {q.id: q for q in questions}
    due = sorted((c for c in cards.values() if c.question_id in known and c.due <= now), key=lambda c: c.due)
    if due and reviews_today < learning.rules.daily_review_cap:
        return Next(known[due[0].question_id], is_review=True)
    fresh = [q for q in questions if q.id not in cards]
    if fresh and (topic_id is not None or new_today < learning.rules.daily_new_questions):
        return Next(fresh[0])
    if due:
        return Next(None, reason="cap")
    return Next(None, reason="new_cap" if fresh else "done")


REUSE_WITHIN = timedelta(minutes=2)


async def serve_question(uow: UnitOfWork, *, user: User, question: Question, now: datetime, rng=random):
    """Send `question` with its options in a fresh random order, so the right answer is not a remembered letter.

    A double tap on Next within a moment gets the same, still unanswered card rather than a second copy."""
    latest = await uow.learning.latest_serve(user.id)
    if (
        latest is not None
        and latest.question_id == question.id
        and latest.answered_at is None
        and now - latest.served_at < REUSE_WITHIN
    ):
        return latest
    order = list(range(len(question.options)))
    rng.shuffle(order)
    return await uow.learning.add_serve(user.id, question.id, order=tuple(order), now=now)


# --- answering -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    question: Question
    chosen: int  # index in the content
    correct: bool
    rating: Rating
    due: datetime
    already_answered: bool = False
    completed_topic: Topic | None = None
    awarded: str | None = None
    order: tuple[int, ...] = ()  # as shown on the card

    def letter(self, index: int) -> str:
        """The letter an option (index in the content) had on the card."""
        return "ABCD"[self.order.index(index)] if index in self.order else "ABCD"[index]


async def answer_question(
    uow: UnitOfWork,
    *,
    user: User,
    serve_id: int,
    option: int | str | None,
    sure: bool,
    content: Content,
    now: datetime,
) -> Answer:
    learning = content.learning
    serve = await uow.learning.get_serve(serve_id)
    if serve is None or serve.user_id != user.id:
        raise NotAllowed("That question card is not yours.")
    question = learning.question(serve.question_id)
    if question is None:
        raise NotFound("That question has been retired from the course. Type **quiz** for today's questions.")
    try:
        shown = int(str(option))
    except ValueError:
        shown = -1
    if not 0 <= shown < len(question.options):
        raise InvalidInput("Please choose one of the answers on the card.")
    order = serve.order if len(serve.order) == len(question.options) else tuple(range(len(question.options)))
    chosen = order[shown]
    correct = chosen == question.answer
    existing = await uow.learning.get_card(user.id, question.id)
    if not await uow.learning.answer_serve(serve.id, now=now):
        due = existing.due if existing else now
        return Answer(question, chosen, correct, Rating.Again, due, already_answered=True, order=order)
    took = now - serve.served_at
    rating = rate(correct=correct, sure=sure, took=took, quick=learning.rules.quick_answer)
    fsrs_card = _to_fsrs(existing) if existing else Card()
    reviewed, _ = scheduler(learning).review_card(fsrs_card, rating, now)
    card = LearningCard(
        user_id=user.id,
        question_id=question.id,
        state=int(reviewed.state),
        step=reviewed.step,
        stability=reviewed.stability,
        difficulty=reviewed.difficulty,
        due=reviewed.due,
        last_review=reviewed.last_review,
        reps=(existing.reps if existing else 0) + 1,
        lapses=(existing.lapses if existing else 0) + (1 if existing and not correct else 0),
        first_correct_at=(existing.first_correct_at if existing else None) or (now if correct else None),
    )
    await uow.learning.save_card(card, now=now)
    await uow.learning.add_review(
        user_id=user.id,
        question_id=question.id,
        serve_id=serve.id,
        correct=correct,
        sure=sure,
        rating=int(rating),
        duration_ms=int(took.total_seconds() * 1000),
        new_card=existing is None,
        now=now,
    )
    completed, awarded = await check_completion(uow, user=user, content=content, topic_id=question.topic_id, now=now)
    return Answer(question, chosen, correct, rating, card.due, completed_topic=completed, awarded=awarded, order=order)


# --- bites, completion and awards --------------------------------------------------------------------------------


async def see_bite(uow: UnitOfWork, *, user: User, topic: Topic, index: int, content: Content, now: datetime):
    if not 0 <= index < len(topic.bites):
        raise InvalidInput("That part of the topic does not exist; please open the topic again.")
    await uow.learning.mark_bite_seen(user.id, topic.bites[index].id, now=now)
    return await check_completion(uow, user=user, content=content, topic_id=topic.id, now=now)


def _topic_done(topic: Topic, seen: set[str], cards: dict[str, LearningCard], share: float) -> bool:
    bites_done = all(b.id in seen for b in topic.bites)
    right = sum(1 for q in topic.questions if q.id in cards and cards[q.id].first_correct_at)
    return bites_done and right >= share * len(topic.questions)


async def check_completion(
    uow: UnitOfWork, *, user: User, content: Content, topic_id: str, now: datetime
) -> tuple[Topic | None, str | None]:
    """Record the topic as completed when it first qualifies, and the award when every topic is completed."""
    learning = content.learning
    topic = learning.topic(topic_id)
    if topic is None:
        return None, None
    seen = await uow.learning.bites_seen(user.id)
    cards = {c.question_id: c for c in await uow.learning.cards(user.id)}
    completed = None
    if _topic_done(topic, seen, cards, learning.rules.completion_share):
        if await uow.learning.record_completion(user.id, topic.id, now=now):
            completed = topic
    done = await uow.learning.completions(user.id)
    awarded = None
    if all(t.id in done for t in learning.topics) and await uow.learning.award(user.id, learning.rules.award, now=now):
        awarded = learning.rules.award
    return completed, awarded


# --- progress ----------------------------------------------------------------------------------------------------


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
    learning, tz = content.learning, content.nudges.timezone
    seen = await uow.learning.bites_seen(user.id)
    cards = {c.question_id: c for c in await uow.learning.cards(user.id)}
    done = await uow.learning.completions(user.id)
    threshold = learning.rules.mastery_stability_days
    topics = [
        TopicProgress(
            topic=t,
            bites_seen=sum(1 for b in t.bites if b.id in seen),
            answered_right=sum(1 for q in t.questions if q.id in cards and cards[q.id].first_correct_at),
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


# --- the daily nudge ---------------------------------------------------------------------------------------------


async def nudge_learners(uow: UnitOfWork, *, content: Content, now: datetime, message_for) -> int:
    """Tick: people with questions due today who have not practised today get one nudge at their preferred
    time, through the single nudge gate (quiet hours, budget, pause, opt-out)."""
    tz: ZoneInfo = content.nudges.timezone
    day_start, day_end = local_day_bounds(now, tz)
    queued = 0
    for user_id, due_count in await uow.learning.learners_due(due_before=day_end):
        if any(t >= day_start for t in await uow.learning.review_times(user_id, since=day_start)):
            continue  # practised today
        prefs = await uow.preferences.get(user_id)
        preferred = prefs.learning_time or content.learning.rules.default_nudge_time
        at = datetime.combine(now.astimezone(tz).date(), preferred, tzinfo=tz)
        if now < at:
            continue  # not yet: queued once their time has come, so practice before then still counts
        count = min(due_count, content.learning.rules.daily_review_cap)
        decision = await enqueue_nudge(
            uow,
            rules=content.nudges,
            user_id=user_id,
            category="learning",
            message=message_for(count),
            dedupe_key=f"learning:{user_id}:{now.astimezone(tz).date().isoformat()}",
            now=now,
            not_before=at.astimezone(now.tzinfo),
        )
        queued += decision.enqueued
    return queued


def nudge_text(content: Content, count: int) -> str:
    return content.learning.rules.nudge_message.format(count=count, minutes=max(1, round(count * 0.5)))


# --- for the faculty ---------------------------------------------------------------------------------------------

SMALL_GROUP = 5


def small(count: int) -> str:
    """Counts under 5 are shown as "<5" so that nobody can be picked out of a report."""
    return "<5" if 0 < count < SMALL_GROUP else str(count)


@dataclass(frozen=True)
class QuestionStat:
    question: Question
    answers: int
    correct: int

    @property
    def share_correct(self) -> float:
        return self.correct / self.answers if self.answers else 0.0


@dataclass(frozen=True)
class LearningReport:
    questions: list[QuestionStat]
    most_missed: list[QuestionStat]
    by_site: list[tuple[str, str]]
    by_staff_group: list[tuple[str, str]]
    participation: list[tuple[str, str, str]]  # site, onboarded staff, practised in the last 30 days


async def learning_report(uow: UnitOfWork, *, content: Content, now: datetime, min_answers: int = 5) -> LearningReport:
    stats = {qid: (answers, correct) for qid, answers, correct in await uow.learning.question_stats()}
    questions = [QuestionStat(q, *stats.get(q.id, (0, 0))) for q in content.learning.questions]
    answered = [q for q in questions if q.answers >= min_answers]
    most_missed = sorted(answered, key=lambda q: (q.share_correct, -q.answers))[:5]
    org = content.organisation
    by_site = [(org.label("sites", v), small(n)) for v, n in await uow.learning.completions_by("site")]
    by_group = [(org.label("staff_groups", v), small(n)) for v, n in await uow.learning.completions_by("staff_group")]
    participation = [
        (org.label("sites", site), small(staff), small(active))
        for site, staff, active in await uow.learning.participation_by_site(since=now - timedelta(days=30))
    ]
    return LearningReport(questions, most_missed, by_site, by_group, participation)
