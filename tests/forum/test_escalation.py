"""Nothing unanswered: after two working days without a coach's reply the subscribed coaches are reminded and the
asker told it is still open; a working day later all coaches and the admins. Each step once; an answered
question is never escalated. And the coaches' queue, oldest first."""

from datetime import UTC, datetime, timedelta

import pytest

from core.forum import escalation, threads
from core.forum.commands import Subscriptions
from core.kernel.errors import NotAllowed
from core.kernel.model import Role
from tests.fakes import FakeUnitOfWork
from tests.forum.data import ask_and_post, messages, person, queued

ASKED = datetime(2026, 12, 4, 15, tzinfo=UTC)  # a Friday afternoon
FIRST = datetime(2026, 12, 8, 15, tzinfo=UTC)  # two working days later (over the weekend)
SECOND = datetime(2026, 12, 9, 15, tzinfo=UTC)  # one more working day


@pytest.fixture
def uow():
    return FakeUnitOfWork()


async def setting(uow, content):
    asker = await person(uow, 1, name="Sam Patel")
    follows_topic = await person(uow, 2, roles=(Role.COACH,))
    follows_site = await person(uow, 3, roles=(Role.COACH,), site="southend")
    other_coach = await person(uow, 4, roles=(Role.COACH,))
    admin = await person(uow, 5, roles=(Role.ADMIN,))
    await escalation.subscribe(uow, user=follows_topic, choice=Subscriptions(("measurement",), ()), content=content)
    await escalation.subscribe(uow, user=follows_site, choice=Subscriptions((), ("southend",)), content=content)
    post = await ask_and_post(uow, content, asker, "How do I annotate a run chart?", now=ASKED)
    return post, asker, follows_topic, follows_site, other_coach, admin


def reminded(uow, post, level):
    return sorted(
        int(r["dedupe_key"].rsplit(":", 1)[1]) for r in queued(uow, f"forum:post:{post.id}:escalation{level}:")
    )


async def tick(uow, content, now):
    return await escalation.escalate(uow, content=content, messages=messages(content), now=now)


async def test_escalation_goes_to_subscribers_first_then_everyone(uow, content):
    post, asker, topic_coach, site_coach, other_coach, admin = await setting(uow, content)
    assert await tick(uow, content, FIRST - timedelta(minutes=1)) == 0
    assert await tick(uow, content, FIRST) == 2  # the subscribed coach, and the asker
    assert reminded(uow, post, 1) == [topic_coach.id]
    [still_open] = queued(uow, f"forum:post:{post.id}:still_open")
    assert "still open" in str(still_open["message"].card)
    assert await tick(uow, content, FIRST + timedelta(hours=1)) == 0  # once
    assert await tick(uow, content, SECOND - timedelta(minutes=1)) == 0
    assert await tick(uow, content, SECOND) == 4
    assert reminded(uow, post, 2) == sorted([topic_coach.id, site_coach.id, other_coach.id, admin.id])
    assert await tick(uow, content, SECOND + timedelta(days=3)) == 0
    card = str(queued(uow, f"forum:post:{post.id}:escalation2:{admin.id}")[0]["message"].card)
    assert "Sam Patel" in card  # coaches and admins always see who asked


async def test_with_no_subscriber_the_first_reminder_goes_to_every_coach(uow, content):
    asker = await person(uow, 1)
    coaches = [await person(uow, n, roles=(Role.COACH,)) for n in (2, 3)]
    post = await ask_and_post(uow, content, asker, "Who signs off a QI project?", topic="governance", now=ASKED)
    await tick(uow, content, FIRST)
    assert reminded(uow, post, 1) == [c.id for c in coaches]


async def test_an_answered_question_is_never_escalated(uow, content):
    post, asker, topic_coach, *_ = await setting(uow, content)
    await threads.answer(
        uow,
        user=topic_coach,
        post_id=post.id,
        text="Add notes at each change.",
        in_conversation=None,
        content=content,
        messages=messages(content),
        now=ASKED + timedelta(hours=1),
    )
    assert await tick(uow, content, SECOND + timedelta(days=5)) == 0
    assert not queued(uow, f"forum:post:{post.id}:escalation")


async def test_the_queue_is_for_coaches_oldest_first_by_site_and_topic(uow, content):
    post, asker, coach, *_ = await setting(uow, content)
    later = await ask_and_post(uow, content, asker, "Which PDSA template do we use?", topic="pdsa", now=FIRST)
    mine = await escalation.open_questions(uow, user=coach, site=None, topic=None, content=content, now=SECOND)
    assert [w.post.id for w in mine] == [post.id, later.id]
    assert [w.overdue for w in mine] == [True, False] and mine[0].asker == "Sam Patel"
    pdsa = await escalation.open_questions(uow, user=coach, site="basildon", topic="pdsa", content=content, now=SECOND)
    assert [w.post.id for w in pdsa] == [later.id]
    with pytest.raises(NotAllowed):
        await escalation.open_questions(uow, user=asker, site=None, topic=None, content=content, now=SECOND)
