"""The learning repository's SQL on SQLite and PostgreSQL, driven through the service where it matters."""

from datetime import UTC, datetime, timedelta

from core.kernel.contacts import record_contact
from core.learning import practice
from core.profile.services import save_profile
from tests.fakes import teams_address

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)


async def learners(uow_factory, content, sites):
    users = []
    async with uow_factory() as uow:
        for n, site in enumerate(sites, start=1):
            user = (await record_contact(uow, address=teams_address(n), now=NOW)).user
            if site:
                user = await save_profile(
                    uow,
                    user_id=user.id,
                    site=site,
                    staff_group="ahp",
                    experience="none",
                    organisation=content.organisation,
                    now=NOW,
                )
            users.append(user)
        await uow.commit()
    return users


async def practise(uow_factory, content, user, *, right: bool, now=NOW):
    async with uow_factory() as uow:
        nxt = await practice.next_question(uow, user=user, content=content, now=now)
        serve = await practice.serve_question(uow, user=user, question=nxt.question, now=now)
        wanted = nxt.question.answer if right else (nxt.question.answer + 1) % len(nxt.question.options)
        option = serve.order.index(wanted)
        result = await practice.answer_question(
            uow,
            user=user,
            serve_id=serve.id,
            option=option,
            sure=True,
            content=content,
            now=now + timedelta(seconds=30),
        )
        await uow.commit()
        return serve, result


async def test_answers_are_stored_once_and_counted(uow_factory, content):
    (user,) = await learners(uow_factory, content, ["basildon"])
    serve, first = await practise(uow_factory, content, user, right=True)
    await practise(uow_factory, content, user, right=False)
    async with uow_factory() as uow:
        again = await practice.answer_question(
            uow, user=user, serve_id=serve.id, option=0, sure=False, content=content, now=NOW + timedelta(minutes=1)
        )
        await uow.commit()
        assert again.already_answered
        assert await uow.learning.reviews_between(user.id, NOW, NOW + timedelta(hours=1)) == (0, 2)
        card = await uow.learning.get_card(user.id, first.question.id)
        assert card.first_correct_at is not None and card.reps == 1 and card.due == first.due
        stats = {qid: rest for qid, *rest in await uow.learning.question_stats()}
        assert stats[first.question.id] == [1, 1, 1] and sum(a for a, _, _ in stats.values()) == 2
        due = dict(await uow.learning.learners_due(due_before=NOW + timedelta(hours=1)))
        assert due == {user.id: 1}  # the wrong one comes back within the hour


async def test_participation_and_completions_by_site(uow_factory, content):
    a, b, c, _ = await learners(uow_factory, content, ["basildon", "basildon", "southend", None])
    await practise(uow_factory, content, a, right=True)
    await practise(uow_factory, content, c, right=True, now=NOW - timedelta(days=40))
    async with uow_factory() as uow:
        assert await uow.learning.award(a.id, "QI foundations", now=NOW)
        assert not await uow.learning.award(a.id, "QI foundations", now=NOW)
        await uow.learning.mark_bite_seen(b.id, "x-bite", now=NOW)
        await uow.learning.mark_bite_seen(b.id, "x-bite", now=NOW)
        assert await uow.learning.record_completion(b.id, "topic-x", now=NOW)
        assert not await uow.learning.record_completion(b.id, "topic-x", now=NOW)
        await uow.commit()
        assert await uow.learning.participation_by_site(since=NOW - timedelta(days=30)) == [
            ("basildon", 2, 1),
            ("southend", 1, 0),
        ]
        assert await uow.learning.award_holders("QI foundations") == [("basildon", "ahp", 1)]
        assert await uow.learning.award_holders("another award") == []
        assert await uow.learning.bites_seen(b.id) == {"x-bite"}
        assert list(await uow.learning.completions(b.id)) == ["topic-x"]


async def test_question_stats_count_different_people_and_award_holders_by_site_and_staff_group(uow_factory, content):
    a, b, c, nobody = await learners(uow_factory, content, ["basildon", "basildon", "southend", None])
    question = content.learning.questions[0]
    for user in (a, a, b, c):  # a answers the same question twice: 4 answers from 3 people
        async with uow_factory() as uow:
            serve = await uow.learning.add_serve(user.id, question.id, order=(0, 1, 2, 3), now=NOW)
            await uow.learning.add_review(
                user_id=user.id,
                question_id=question.id,
                serve_id=serve.id,
                correct=user is c,
                sure=True,
                rating=3,
                duration_ms=1000,
                new_card=True,
                now=NOW,
            )
            await uow.commit()
    async with uow_factory() as uow:
        for user in (a, b, c, nobody):
            assert await uow.learning.award(user.id, "QI foundations", now=NOW)
        assert await uow.learning.award(c.id, "another award", now=NOW)
        await uow.commit()
        assert await uow.learning.question_stats() == [(question.id, 4, 1, 3)]
        holders = await uow.learning.award_holders("QI foundations")
        assert sorted(holders, key=str) == sorted(
            [("basildon", "ahp", 2), ("southend", "ahp", 1), (None, None, 1)], key=str
        )
