"""Practice: what to practise now, serving a question card, answering it, and FSRS scheduling.

Ratings: a wrong answer is Again (it comes back within minutes, then the next day); a right answer the person
was not sure of is Hard; a sure right answer is Good, or Easy when it was also quick. Durations are measured on
the server from when the question card was sent, never taken from the card.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.ports import UnitOfWork
from core.kernel.working_hours import local_day_bounds
from core.learning.content import LearningContent, Question, Topic
from core.learning.model import LearningCard, Serve
from core.learning.progress import check_completion

LETTERS = "ABCD"


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


FSRS_FIELDS = ("step", "stability", "difficulty", "due", "last_review")  # kept as they are; `state` is an enum


def _to_fsrs(card: LearningCard) -> Card:
    return Card(state=State(card.state), **{name: getattr(card, name) for name in FSRS_FIELDS})


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
    start, end = local_day_bounds(now, content.organisation.timezone)
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


async def serve_question(uow: UnitOfWork, *, user: User, question: Question, now: datetime, rng=random) -> Serve:
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
        return LETTERS[self.order.index(index)] if index in self.order else LETTERS[index]


async def answer_question(
    uow: UnitOfWork,
    *,
    user: User,
    serve_id: int,
    option: int,
    sure: bool,
    content: Content,
    now: datetime,
) -> Answer:
    """`option` is the position the person chose on the card (0 for A); the card's own order maps it back."""
    learning = content.learning
    serve = await uow.learning.get_serve(serve_id)
    if serve is None or serve.user_id != user.id:
        raise NotAllowed("That question card is not yours.")
    question = learning.question(serve.question_id)
    if question is None:
        raise NotFound("That question has been retired from the course. Type **quiz** for today's questions.")
    if isinstance(option, bool) or not isinstance(option, int) or not 0 <= option < len(question.options):
        raise InvalidInput("Please choose one of the answers on the card.")
    order = serve.order if len(serve.order) == len(question.options) else tuple(range(len(question.options)))
    chosen = order[option]
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
        **{name: getattr(reviewed, name) for name in FSRS_FIELDS},
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
