"""The forum report: counts by month, site and topic with small groups hidden and protected against subtraction
(attacked here on the real output), medians only for 5 or more questions, no question text, coaches only."""

import itertools
from datetime import timedelta

import pytest

from core.forum import reports, threads
from core.kernel.errors import NotAllowed
from core.kernel.model import Role
from core.kernel.suppression import HIDDEN
from dialogs.forum.report import report_card
from tests.dialogs.harness import card_text, check_card
from tests.fakes import FakeUnitOfWork
from tests.forum.data import NOW, ask_and_post, messages, person

SECRET = "Quokka"  # in every question's text: must never reach the report


@pytest.fixture
def uow():
    return FakeUnitOfWork()


async def build(uow, content):
    coach = await person(uow, 90, roles=(Role.COACH,))
    n = itertools.count(1)
    plan = [  # site, topic, questions, how many of them a coach answered within the hour
        ("basildon", "measurement", 7, 7),
        ("basildon", "pdsa", 5, 5),
        ("southend", "measurement", 6, 0),
        ("southend", "pdsa", 2, 2),
        ("broomfield", "aims", 1, 0),
        ("broomfield", "measurement", 1, 1),
    ]
    made = []
    for site, topic, count, answered in plan:
        for k in range(count):
            asker = await person(uow, next(n), site=site)
            post = await ask_and_post(
                uow,
                content,
                asker,
                f"{SECRET} question number {len(made)} about charts",
                topic=topic,
                now=NOW - timedelta(days=7),
            )
            made.append(post)
            if k < answered:
                await threads.answer(
                    uow,
                    user=coach,
                    post_id=post.id,
                    text="An answer",
                    in_conversation=None,
                    content=content,
                    messages=messages(content),
                    now=NOW - timedelta(days=7) + timedelta(hours=1),
                )
    return coach, made


def pinned(rows, total):
    """A hidden cell a reader could work out: the only hidden one in a breakdown whose total is shown."""
    hidden = [r for r in rows if r.asked.value is None]
    return len(hidden) == 1 and total.value is not None


async def test_small_groups_are_hidden_and_cannot_be_subtracted(uow, content):
    coach, _ = await build(uow, content)
    report = await reports.forum_report(uow, user=coach, content=content, now=NOW)
    sites = {r.label: r for r in report.by_site}
    assert sites["Southend University Hospital"].asked.text == "8"
    assert sites["Broomfield Hospital (Chelmsford)"].asked.text == HIDDEN  # 2 questions
    assert sites["Basildon University Hospital"].asked.text == HIDDEN  # else Broomfield's = 22 - 12 - 8
    assert report.total.text == "22"
    november = next(r for r in report.by_month if r.label == "November 2026")
    assert (november.asked.text, november.answered, november.breaches) == ("22", "15", "7")
    for rows in (report.by_site, report.by_topic, report.by_month):
        assert all(r.asked.value is None or r.asked.value == 0 or r.asked.value >= 5 for r in rows)
        assert not pinned(rows, report.total)
        shown = sum(r.asked.value or 0 for r in rows)
        hidden = [r for r in rows if r.asked.value is None]
        if hidden:  # what the hidden cells add up to is at least 5, or more than one cell shares it
            assert report.total.value - shown >= 5 or len(hidden) > 1
        for r in rows:  # answered and breaches are shown only as sums of shown cells: none is below 5 alone
            for figure in (r.answered, r.breaches):
                assert figure == HIDDEN or int(figure) == 0 or int(figure) >= 5 or r.asked.value is None


async def test_medians_need_five_and_no_question_text_appears(uow, content):
    coach, _ = await build(uow, content)
    report = await reports.forum_report(uow, user=coach, content=content, now=NOW)
    november = next(r for r in report.by_month if r.label == "November 2026")
    assert november.first_answer == "1.0 working hours"  # 15 answered
    basildon = next(r for r in report.by_site if r.label == "Basildon University Hospital")
    assert basildon.first_answer == ""  # 12 answered, but its count is hidden: a median would bound it
    southend = next(r for r in report.by_site if r.label == "Southend University Hospital")
    assert southend.asked.text == "8" and southend.first_answer == ""  # only 2 answered
    card = report_card(report)
    check_card(card)
    assert SECRET not in card_text(card) and "question number" not in str(card)


async def test_the_report_is_for_coaches_and_admins(uow, content):
    await build(uow, content)
    staff = await person(uow, 99)
    with pytest.raises(NotAllowed):
        await reports.forum_report(uow, user=staff, content=content, now=NOW)


async def test_the_answer_and_the_close_store_their_working_time_once_and_the_report_uses_it(uow, content):
    from core.forum import closing
    from core.forum.escalation import answer_timing, working_seconds

    coach, made = await build(uow, content)
    answered = await uow.forum.get_post(made[0].id)
    assert (answered.first_answer_working_s, answered.answered_in_time) == answer_timing(
        answered.posted_at, answered.first_answer_at, content
    )
    assert answered.first_answer_working_s == 3600.0 and answered.answered_in_time  # within the hour, Wednesday
    asker = await uow.users.get(answered.user_id)
    assert await closing.close_question(
        uow, user=asker, post_id=answered.id, outcome="yes", messages=messages(content), now=NOW, content=content
    )
    closed = await uow.forum.get_post(answered.id)
    assert closed.closed_working_s == working_seconds(closed.posted_at, NOW, content) > 3600.0
    # A stored figure is what the report uses: flagged late, the question is the month's one late answer, a count
    # of 1, so the month's breaches (late + overdue) are hidden where they were 7.
    before = await reports.forum_report(uow, user=coach, content=content, now=NOW)
    uow.forum._update(answered.id, answered_in_time=False)
    after = await reports.forum_report(uow, user=coach, content=content, now=NOW)
    november = [next(r for r in rep.by_month if r.label == "November 2026") for rep in (before, after)]
    assert (november[0].breaches, november[1].breaches) == ("7", HIDDEN)
