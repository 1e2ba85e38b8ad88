"""Micro-learning services on fakes: FSRS scheduling, what comes next, completion and awards, the daily nudge."""

import random
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

import pytest
from fsrs import Rating

from bot import registry
from core.kernel.contacts import record_contact
from core.kernel.errors import InvalidInput, NotAllowed
from core.kernel.model import OutboundMessage, Preferences
from core.learning import nudges, practice, progress
from tests.fakes import FakeUnitOfWork, teams_address
from tests.learning.data import LONDON, NOW, TextMessages, answer, small_course

MESSAGES = TextMessages()


@pytest.mark.parametrize(
    "right, sure, seconds, rating",
    [
        (False, True, 5, Rating.Again),
        (True, False, 5, Rating.Hard),
        (True, True, 60, Rating.Good),
        (True, True, 5, Rating.Easy),
    ],
)
def test_quick_sure_answers_rate_higher(right, sure, seconds, rating):
    assert (
        practice.rate(correct=right, sure=sure, took=timedelta(seconds=seconds), quick=timedelta(seconds=20)) == rating
    )


async def test_wrong_answer_comes_back_sooner_than_a_right_one(learner, content):
    uow, user = learner
    wrong = await answer(uow, user, content, right=False)
    right = await answer(uow, user, content, right=True)
    assert wrong.rating == Rating.Again and right.rating == Rating.Easy
    assert wrong.due - NOW <= timedelta(minutes=15)
    assert right.due - NOW >= timedelta(days=2)
    assert wrong.due < right.due


async def test_due_dates_move_forward_with_each_right_answer(learner, content):
    uow, user = learner
    course = small_course(content, topics=1, questions=1)
    now, dues = NOW, []
    for _ in range(4):
        result = await answer(uow, user, course, right=True, sure=True, after=timedelta(seconds=60), now=now)
        dues.append(result.due)
        now = result.due + timedelta(minutes=1)
    intervals = [(b - a) for a, b in zip(dues, dues[1:], strict=False)]
    assert all(d > NOW for d in dues) and dues == sorted(dues)
    assert intervals == sorted(intervals)  # spacing grows


async def test_reviews_come_first_then_up_to_five_new_a_day(learner, content):
    uow, user = learner
    first = await answer(uow, user, content, right=False)  # due again in 10 minutes
    for _ in range(4):
        await answer(uow, user, content)
    assert (await practice.next_question(uow, user=user, content=content, now=NOW)).reason == "new_cap"
    later = NOW + timedelta(minutes=11)
    nxt = await practice.next_question(uow, user=user, content=content, now=later)
    assert nxt.is_review and nxt.question.id == first.question.id
    topic = content.learning.topics[1]
    in_topic = await practice.next_question(uow, user=user, content=content, now=NOW, topic_id=topic.id)
    assert in_topic.question.topic_id == topic.id  # a topic the person opened is not capped


async def test_reviews_are_capped_per_day(learner, content):
    uow, user = learner
    capped = content.with_part(
        "learning", replace(content.learning, rules=replace(content.learning.rules, daily_review_cap=1))
    )
    await answer(uow, user, capped, right=False)
    await answer(uow, user, capped, right=False)
    later = NOW + timedelta(minutes=11)
    await answer(uow, user, capped, right=True, now=later)  # one review: the cap
    nxt = await practice.next_question(uow, user=user, content=capped, now=later + timedelta(minutes=1))
    assert nxt.question is None or not nxt.is_review


async def test_an_old_card_answered_again_changes_nothing(learner, content):
    uow, user = learner
    nxt = await practice.next_question(uow, user=user, content=content, now=NOW)
    serve = await practice.serve_question(uow, user=user, question=nxt.question, now=NOW)
    first = await practice.answer_question(
        uow,
        user=user,
        serve_id=serve.id,
        option=nxt.question.answer,
        sure=True,
        content=content,
        now=NOW + timedelta(seconds=30),
    )
    card_before = await uow.learning.get_card(user.id, nxt.question.id)
    again = await practice.answer_question(
        uow, user=user, serve_id=serve.id, option=0, sure=False, content=content, now=NOW + timedelta(minutes=2)
    )
    assert again.already_answered and not first.already_answered
    assert await uow.learning.get_card(user.id, nxt.question.id) == card_before
    assert len(uow.db.reviews) == 1


async def test_someone_elses_card_or_a_bad_option_is_refused(learner, content):
    uow, user = learner
    other = (await record_contact(uow, address=teams_address(2), now=NOW)).user
    nxt = await practice.next_question(uow, user=user, content=content, now=NOW)
    serve = await practice.serve_question(uow, user=user, question=nxt.question, now=NOW)
    with pytest.raises(NotAllowed):
        await practice.answer_question(
            uow, user=other, serve_id=serve.id, option=0, sure=True, content=content, now=NOW
        )
    with pytest.raises(InvalidInput):
        await practice.answer_question(uow, user=user, serve_id=serve.id, option=7, sure=True, content=content, now=NOW)
    assert (await uow.learning.get_serve(serve.id)).answered_at is None


async def test_topics_complete_and_the_award_follows(learner, content):
    uow, user = learner
    course = small_course(content, topics=2, questions=5)
    first, second = course.learning.topics
    for index in range(len(first.bites)):
        await progress.see_bite(uow, user=user, topic=first, index=index, content=course, now=NOW)
    results = [await answer(uow, user, course, topic_id=first.id) for _ in range(4)]  # 4 of 5 = 80 %
    assert [r.completed_topic for r in results][-1] == first
    assert not any(r.completed_topic for r in results[:-1])
    for index in range(len(second.bites)):
        await progress.see_bite(uow, user=user, topic=second, index=index, content=course, now=NOW)
    results = [await answer(uow, user, course, topic_id=second.id) for _ in range(4)]
    assert results[-1].awarded == course.learning.rules.award
    mine = await progress.progress(uow, user=user, content=course, now=NOW)
    assert mine.completed == 2 and course.learning.rules.award in mine.awards


def test_streak_counts_consecutive_days():
    today = datetime(2026, 11, 25).date()
    days = {today - timedelta(days=n) for n in (0, 1, 2, 4)}
    assert progress.streak(days, today) == 3
    assert progress.streak(days - {today}, today) == 2  # today's practice still to come
    assert progress.streak(set(), today) == 0


def nudge(count):
    return OutboundMessage(text=f"{count} due")


async def practise_yesterday(uow, user, content):
    await answer(uow, user, content, now=NOW - timedelta(days=1), right=False)


async def test_daily_nudge_at_the_preferred_time_once_and_not_after_practice(learner, content):
    uow, user = learner
    await practise_yesterday(uow, user, content)
    morning = datetime(2026, 11, 25, 9, 0, tzinfo=LONDON).astimezone(UTC)
    assert await nudges.nudge_learners(uow, content=content, now=morning, messages=MESSAGES) == 0  # before 12:30
    lunch = datetime(2026, 11, 25, 12, 30, tzinfo=LONDON).astimezone(UTC)
    assert await nudges.nudge_learners(uow, content=content, now=lunch, messages=MESSAGES) == 1
    assert await nudges.nudge_learners(uow, content=content, now=lunch + timedelta(minutes=15), messages=MESSAGES) == 0
    [row] = uow.db.outbox.values()
    assert row["message"].text == "1 due" and row["category"] == "learning"

    uow2 = FakeUnitOfWork()
    other = (await record_contact(uow2, address=teams_address(1), now=NOW)).user
    await practise_yesterday(uow2, other, content)
    await answer(uow2, other, content, now=morning)  # practised this morning
    assert await nudges.nudge_learners(uow2, content=content, now=lunch, messages=MESSAGES) == 0


async def test_learning_nudge_respects_quiet_hours_and_personal_time(learner, content):
    uow, user = learner
    await practise_yesterday(uow, user, content)
    await uow.preferences.save(Preferences(user_id=user.id, learning_time=time(6, 30)), now=NOW)
    early = datetime(2026, 11, 25, 6, 45, tzinfo=LONDON).astimezone(UTC)
    assert await nudges.nudge_learners(uow, content=content, now=early, messages=MESSAGES) == 1
    [row] = uow.db.outbox.values()
    assert row["due_at"] == datetime(2026, 11, 25, 8, 0, tzinfo=LONDON).astimezone(UTC)  # quiet hours end 08:00


async def test_learning_nudge_respects_the_budget_and_opt_out(learner, content):
    uow, user = learner
    await practise_yesterday(uow, user, content)
    await uow.preferences.save(Preferences(user_id=user.id, opted_out=frozenset({"learning"})), now=NOW)
    lunch = datetime(2026, 11, 25, 12, 30, tzinfo=LONDON).astimezone(UTC)
    assert await nudges.nudge_learners(uow, content=content, now=lunch, messages=MESSAGES) == 0
    await uow.preferences.save(Preferences(user_id=user.id), now=NOW)
    for key in ("a", "b"):  # two other nudges already today: the budget of 2 is used
        await uow.outbox.add(
            dedupe_key=key,
            user_id=user.id,
            address_id=1,
            category="events",
            message=nudge(0),
            due_at=lunch,
            counts_to_budget=True,
            now=NOW,
        )
    assert await nudges.nudge_learners(uow, content=content, now=lunch, messages=MESSAGES) == 1
    row = next(r for r in uow.db.outbox.values() if r["category"] == "learning")
    assert row["due_at"] == datetime(2026, 11, 26, 8, 0, tzinfo=LONDON).astimezone(UTC)


async def test_options_are_shuffled_per_card_and_the_answer_maps_back(learner, content):
    uow, user = learner
    question = content.learning.questions[0]
    seen = {
        (
            await practice.serve_question(
                uow, user=user, question=question, now=NOW + timedelta(minutes=5 * i), rng=random.Random(i)
            )
        ).order
        for i in range(12)
    }
    assert len(seen) > 3  # not the same letter every time
    serve = await practice.serve_question(uow, user=user, question=question, now=NOW + timedelta(hours=2))
    again = await practice.serve_question(uow, user=user, question=question, now=NOW + timedelta(hours=2, seconds=5))
    assert again.id == serve.id  # a double tap on Next gets the same card, not a second copy
    result = await practice.answer_question(
        uow,
        user=user,
        serve_id=serve.id,
        option=serve.order.index(question.answer),
        sure=True,
        content=content,
        now=NOW + timedelta(hours=2, seconds=30),
    )
    assert result.correct and result.letter(question.answer) == "ABCD"[serve.order.index(question.answer)]


async def test_the_registered_tick_queues_the_real_nudge_card_from_the_built_messages(learner, content):
    uow, user = learner
    await practise_yesterday(uow, user, content)
    built = registry.messages(content, None)
    [(spec, messages)] = [(spec, m) for spec, m in registry.ticks(built) if spec.name == "learning.nudge"]
    assert messages is built["learning"]
    lunch = datetime(2026, 11, 25, 12, 30, tzinfo=LONDON).astimezone(UTC)
    assert await spec.work(uow, content=content, messages=messages, now=lunch) == 1
    [row] = uow.db.outbox.values()
    assert row["message"] == messages.nudge(1) and "1 QI question" in str(row["message"].card)
