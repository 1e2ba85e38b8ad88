"""The coach network on real databases (SQLite and PostgreSQL): the route through the SQL repository, and
concurrent copies of each action having the effect of one."""

import asyncio

from core.coaching import mentoring, route
from core.coaching.commands import Review
from core.coaching.model import EvidenceStatus, MentorshipStatus, PromotionStatus
from core.coaching.reports import coaching_report
from core.kernel.errors import DomainError
from core.kernel.model import Role
from tests.coaching.data import MESSAGES, NOW, evidence_for, person, senior


async def attempt(uow_factory, work):
    async with uow_factory() as uow:
        try:
            result = await work(uow)
        except DomainError as refused:
            return type(refused).__name__
        await uow.commit()
        return result


async def test_the_route_through_the_sql_repository(uow_factory, content):
    async with uow_factory() as uow:
        boss = await senior(uow, 10, content, site="southend")
        admin = await person(uow, 12, content, role=Role.ADMIN)
        trainee = await person(uow, 2, content, level="coach_in_training")
        items = [await evidence_for(uow, content, trainee, c) for c in content.coaching.level("qi_coach").competencies]
        assert [e.user_name for e in await uow.coaching.waiting_evidence()] == ["User 2"] * 4
        for item in items:
            signed, changed = await route.review_evidence(
                uow, user=boss, command=Review(item.id, True), content=content, messages=MESSAGES, now=NOW
            )
            assert changed and signed.status == EvidenceStatus.SIGNED_OFF and signed.reviewer_id == boss.id
        assert (await uow.coaching.promotion(trainee.id, "qi_coach")).status == PromotionStatus.OFFERED
        await route.ask_for_promotion(
            uow, user=trainee, level_id="qi_coach", content=content, messages=MESSAGES, now=NOW
        )
        assert [p.user_name for p in await uow.coaching.requested_promotions()] == ["User 2"]
        assert await uow.coaching.admins() == [admin.id]
        assert await route.confirm_promotion(
            uow, user=admin, person_id=trainee.id, level_id="qi_coach", content=content, messages=MESSAGES, now=NOW
        )
        assert Role.COACH in (await uow.users.get(trainee.id)).roles
        [candidate] = await uow.coaching.candidates(("senior_coach",))
        assert (candidate.user_id, candidate.site, candidate.mentees, candidate.max_mentees) == (
            boss.id,
            "southend",
            0,
            None,
        )
        report = await coaching_report(uow, user=admin, content=content)
        by_level = {f.level: f.by_site.total.text for f in report.levels}
        assert by_level == {
            "qsir_practitioner": "0",
            "coach_in_training": "0",
            "qi_coach": "[c]",
            "senior_coach": "[c]",
        }
        await uow.commit()


async def test_thirty_sign_offs_at_once_review_the_item_once_and_offer_promotion_once(uow_factory, content):
    async with uow_factory() as uow:
        seniors = [await senior(uow, n, content) for n in range(10, 13)]
        trainee = await person(uow, 2, content)  # towards QSIR practitioner: two competencies
        first, last = [await evidence_for(uow, content, trainee, c) for c in ("qi_theory", "using_data")]
        await route.review_evidence(
            uow, user=seniors[0], command=Review(first.id, True), content=content, messages=MESSAGES, now=NOW
        )
        await uow.commit()

    def signing(who):
        async def work(uow):
            _, changed = await route.review_evidence(
                uow, user=who, command=Review(last.id, True), content=content, messages=MESSAGES, now=NOW
            )
            return changed

        return work

    outcomes = await asyncio.gather(*(attempt(uow_factory, signing(seniors[n % 3])) for n in range(30)))
    assert outcomes.count(True) == 1 and outcomes.count(False) == 29
    async with uow_factory() as uow:
        offered = [r for r in await uow.outbox.status_counts()]
        assert (await uow.coaching.promotion(trainee.id, "qsir_practitioner")).status == PromotionStatus.OFFERED
        assert offered == ["pending"]


async def test_a_mentor_accepting_many_at_once_keeps_to_their_maximum(uow_factory, content):
    async with uow_factory() as uow:
        mentor = await senior(uow, 10, content, site="southend")
        trainees = [await person(uow, n, content, level="qsir_practitioner") for n in range(2, 8)]
        asked = [
            await mentoring.ask_mentor(uow, user=t, mentor_id=mentor.id, content=content, messages=MESSAGES, now=NOW)
            for t in trainees
        ]
        await uow.commit()

    def accepting(request):
        async def work(uow):
            _, changed = await mentoring.answer_request(
                uow, user=mentor, mentorship_id=request.id, accept=True, content=content, messages=MESSAGES, now=NOW
            )
            return changed

        return work

    outcomes = await asyncio.gather(*(attempt(uow_factory, accepting(r)) for r in asked))
    assert outcomes.count(True) == 3 and outcomes.count("InvalidInput") == 3
    async with uow_factory() as uow:
        active = [m for m in await uow.coaching.mentees_of(mentor.id) if m.status == MentorshipStatus.ACTIVE]
    assert len(active) == 3


async def test_one_person_asking_thirty_times_at_once_has_one_request(uow_factory, content):
    async with uow_factory() as uow:
        mentor = await senior(uow, 10, content, site="southend")
        trainee = await person(uow, 2, content, level="qsir_practitioner")
        await uow.commit()

    async def ask(uow):
        return (
            await mentoring.ask_mentor(
                uow, user=trainee, mentor_id=mentor.id, content=content, messages=MESSAGES, now=NOW
            )
        ).id

    outcomes = await asyncio.gather(*(attempt(uow_factory, ask) for _ in range(30)))
    assert sum(isinstance(o, int) for o in outcomes) == 1
    async with uow_factory() as uow:
        assert len(await uow.coaching.mentorships_of(trainee.id)) == 1
