"""What the learning tests share: the time, a cut-down course, answering the next question as a person would,
a stand-in for the proactive messages, and people with a site and staff group."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.kernel.contacts import record_contact
from core.kernel.model import OutboundMessage
from core.learning import practice
from core.profile.services import save_profile
from tests.fakes import teams_address

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)  # Wednesday 10:00 in London


def small_course(content, topics=2, questions=5):
    """The real content, cut down so a test can finish every topic."""
    cut = tuple(replace(t, questions=t.questions[:questions]) for t in content.learning.topics[:topics])
    return content.with_part("learning", replace(content.learning, topics=cut))


async def answer(uow, user, content, *, right=True, sure=True, after=timedelta(seconds=10), now=NOW, topic_id=None):
    nxt = await practice.next_question(uow, user=user, content=content, now=now, topic_id=topic_id)
    assert nxt.question is not None, nxt.reason
    serve = await practice.serve_question(uow, user=user, question=nxt.question, now=now)
    q = nxt.question
    wanted = q.answer if right else (q.answer + 1) % len(q.options)
    shown = serve.order.index(wanted)  # the options are shuffled on each card
    return await practice.answer_question(
        uow, user=user, serve_id=serve.id, option=shown, sure=sure, content=content, now=now + after
    )


class TextMessages:
    """core.learning.ports.LearningMessages as plain text, so a test can read what was queued."""

    def nudge(self, count):
        return OutboundMessage(text=f"{count} due")

    def certificate(self, user, award, now):
        return OutboundMessage(text=f"{award} for {user.id}")


async def person(uow, content, n, *, site=None, staff_group=None, now=NOW):
    """Person `n`, onboarded with a site and staff group when given (ids as in content/organisation.yaml)."""
    user = (await record_contact(uow, address=teams_address(n), now=now)).user
    if site is None:
        return user
    return await save_profile(
        uow,
        user_id=user.id,
        site=site,
        staff_group=staff_group or "ahp",
        experience="none",
        organisation=content.organisation,
        now=now,
    )
