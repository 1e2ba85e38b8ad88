"""The route to coach on fakes: evidence, who may sign off, promotion only when every item is signed, the role
that follows, mentor matching and mentoring check-ins."""

from dataclasses import replace
from datetime import timedelta

import pytest

from core.coaching import mentoring, route
from core.coaching.commands import InvalidAnswer, NewEvidence
from core.coaching.model import Candidate, EvidenceStatus, LinkKind, MentorshipStatus, PromotionStatus
from core.kernel.errors import InvalidInput, NotAllowed
from core.kernel.model import Role
from core.projects.model import Project, ProjectStatus
from tests.clinics.data import add_session_to
from tests.coaching.data import MESSAGES, NOW, coaching_state, evidence_for, person, senior, sign, texts
from tests.fakes import FakeUnitOfWork


@pytest.fixture
def uow():
    return FakeUnitOfWork()


async def trainee_at(uow, content, n=2, level="qsir_practitioner", **kwargs):
    """Someone who reached `level`: working towards the next one."""
    return await person(uow, n, content, level=level, **kwargs)


async def test_the_route_starts_at_the_first_level_in_plain_words(uow, content):
    newcomer = await person(uow, 2, content)
    mine = await route.my_route(uow, user=newcomer, content=content, now=NOW)
    assert mine.level is None and mine.working_towards.id == "qsir_practitioner"
    assert [p.competency.label for p in mine.progress] == ["QI theory", "Using data and reporting tools"]
    assert not mine.can_ask_for_mentor and mine.signed == 0


async def test_evidence_goes_to_the_mentor_or_else_to_every_senior_coach(uow, content):
    seniors = [await senior(uow, n, content) for n in (10, 11)]
    trainee = await trainee_at(uow, content)
    evidence = await evidence_for(uow, content, trainee, "coaching_live_team")
    assert evidence.status == EvidenceStatus.SUBMITTED and evidence.level == "coach_in_training"
    assert sorted(r["user_id"] for r in uow.db.outbox.values()) == sorted(s.id for s in seniors)
    mine = await route.my_route(uow, user=trainee, content=content, now=NOW)
    assert [p.waiting for p in mine.progress] == [False, True, False]


@pytest.mark.parametrize(
    "command, field, message",
    [
        (NewEvidence("facilitation", "x"), "competency", "one of the competencies for Coach in training"),
        (NewEvidence("qi_theory", "  "), "note", "add your note"),
        (NewEvidence("qi_theory", "x" * 501), "note", "500 characters"),
        (NewEvidence("qi_theory", "x", LinkKind.PROJECT, 999), "link", "your own projects"),
        (NewEvidence("qi_theory", "x", LinkKind.PROJECT, None), "link", "your own projects"),
    ],
)
async def test_bad_evidence_is_refused_and_nothing_changes(uow, content, command, field, message):
    trainee = await trainee_at(uow, content)
    before = coaching_state(uow)
    with pytest.raises(InvalidAnswer, match=message) as refused:
        await route.add_evidence(uow, user=trainee, command=command, content=content, messages=MESSAGES, now=NOW)
    assert refused.value.field == field and coaching_state(uow) == before


async def test_evidence_links_come_from_the_other_capabilities_services(uow, content):
    trainee = await trainee_at(uow, content)
    lead = await person(uow, 3, content)
    uow.projects.add(Project(50, lead.id, ProjectStatus.ACTIVE, 6, title="Falls at night", coach_id=trainee.id))
    uow.projects.add(Project(51, lead.id, ProjectStatus.DRAFT, 1, title="Draft", coach_id=trainee.id))
    uow.projects.add(Project(52, lead.id, ProjectStatus.ACTIVE, 6, title="Not theirs"))
    clinic = add_session_to(uow, starts_at=NOW - timedelta(days=20), coach_id=trainee.id)
    add_session_to(uow, starts_at=NOW + timedelta(days=2), coach_id=trainee.id)  # not run yet
    mine = await route.my_route(uow, user=trainee, content=content, now=NOW)
    assert [(link.kind, link.id) for link in mine.links] == [(LinkKind.PROJECT, 50), (LinkKind.CLINIC, clinic.id)]
    assert mine.links[0].label == "Project: Falls at night" and mine.links[1].label.startswith(
        "Clinic: Wed 16 Dec 2026"
    )
    linked = await route.add_evidence(
        uow,
        user=trainee,
        command=NewEvidence("coaching_live_team", "Coached them", LinkKind.PROJECT, 50),
        content=content,
        messages=MESSAGES,
        now=NOW,
    )
    assert (linked.link_kind, linked.link_id) == (LinkKind.PROJECT, 50)
    with pytest.raises(InvalidAnswer):
        await route.add_evidence(
            uow,
            user=trainee,
            command=NewEvidence("qi_theory", "x", LinkKind.PROJECT, 52),
            content=content,
            messages=MESSAGES,
            now=NOW,
        )


async def test_only_a_senior_coach_or_mentor_signs_and_never_their_own(uow, content):
    boss = await senior(uow, 10, content)
    coach = await person(uow, 11, content, level="qi_coach", role=Role.COACH)
    admin = await person(uow, 12, content, role=Role.ADMIN)
    trainee = await trainee_at(uow, content)
    evidence = await evidence_for(uow, content, trainee, "qi_theory")
    own = await uow.coaching.add_evidence(  # e.g. from before they were senior
        user_id=boss.id,
        level="senior_coach",
        competency="facilitation",
        note="mine",
        link_kind=None,
        link_id=None,
        now=NOW,
    )
    before = coaching_state(uow)
    for who in (trainee, coach, admin):  # the owner, a coach not yet senior, an admin: whatever the card says
        with pytest.raises(NotAllowed):
            await sign(uow, content, who, evidence)
    with pytest.raises(NotAllowed):
        await sign(uow, content, boss, own)
    assert coaching_state(uow) == before


async def test_returning_needs_a_comment_and_tells_the_person(uow, content):
    boss = await senior(uow, 10, content)
    trainee = await trainee_at(uow, content)
    evidence = await evidence_for(uow, content, trainee, "qi_theory")
    with pytest.raises(InvalidAnswer, match="add your comment"):
        await sign(uow, content, boss, evidence, ok=False)
    returned, changed = await sign(uow, content, boss, evidence, ok=False, comment="Say what the team learned.")
    assert changed and returned.status == EvidenceStatus.RETURNED and returned.comment == "Say what the team learned."
    assert f"reviewed {evidence.id} returned" in texts(uow, "reviewed")
    again, changed = await sign(uow, content, boss, evidence)
    assert not changed and again.status == EvidenceStatus.RETURNED
    [item] = (await route.my_route(uow, user=trainee, content=content, now=NOW)).progress[:1]
    assert item.returned.comment == "Say what the team learned." and not item.signed_off


async def test_promotion_only_when_every_competency_is_signed_then_an_admin_confirms_and_the_role_follows(uow, content):
    boss = await senior(uow, 10, content)
    admin = await person(uow, 12, content, role=Role.ADMIN)
    trainee = await trainee_at(uow, content, level="coach_in_training")  # working towards QI coach
    level = content.coaching.level("qi_coach")
    items = [await evidence_for(uow, content, trainee, c) for c in level.competencies]
    for item in items[:-1]:
        await sign(uow, content, boss, item)
    returned = await evidence_for(uow, content, trainee, level.competencies[-1], "second try")
    await sign(uow, content, boss, returned, ok=False, comment="more")
    mine = await route.my_route(uow, user=trainee, content=content, now=NOW)
    assert mine.signed == 3 and mine.promotion is None and not mine.can_ask_for_promotion
    assert texts(uow, "offered") == []
    with pytest.raises(NotAllowed):
        await route.ask_for_promotion(
            uow, user=trainee, level_id="qi_coach", content=content, messages=MESSAGES, now=NOW
        )
    await sign(uow, content, boss, items[-1])  # the last one
    assert texts(uow, "offered") == ["offered qi_coach"]
    mine = await route.my_route(uow, user=trainee, content=content, now=NOW)
    assert mine.can_ask_for_promotion and mine.promotion.status == PromotionStatus.OFFERED
    with pytest.raises(InvalidInput, match="not asked"):
        await route.confirm_promotion(
            uow, user=admin, person_id=trainee.id, level_id="qi_coach", content=content, messages=MESSAGES, now=NOW
        )
    assert await route.ask_for_promotion(
        uow, user=trainee, level_id="qi_coach", content=content, messages=MESSAGES, now=NOW
    )
    assert texts(uow, "confirm") == [f"confirm {trainee.id} qi_coach User 2"]
    with pytest.raises(NotAllowed):
        await route.confirm_promotion(
            uow, user=boss, person_id=trainee.id, level_id="qi_coach", content=content, messages=MESSAGES, now=NOW
        )
    assert Role.COACH not in (await uow.users.get(trainee.id)).roles
    assert await route.confirm_promotion(
        uow, user=admin, person_id=trainee.id, level_id="qi_coach", content=content, messages=MESSAGES, now=NOW
    )
    promoted = await uow.users.get(trainee.id)
    assert Role.COACH in promoted.roles  # a new coach can run clinics and review projects
    assert (await uow.coaching.profile(trainee.id)).level == "qi_coach"
    assert not await route.confirm_promotion(
        uow, user=admin, person_id=trainee.id, level_id="qi_coach", content=content, messages=MESSAGES, now=NOW
    )
    mine = await route.my_route(uow, user=promoted, content=content, now=NOW)
    assert mine.level.id == "qi_coach" and mine.working_towards.id == "senior_coach" and mine.signed == 0


# --- mentor matching ---------------------------------------------------------------------------------------------


def candidate(n, site, group, mentees=0, most=None):
    return Candidate(n, f"Senior {n:02d}", site, group, "senior_coach", most, mentees)


def test_matching_prefers_another_site_then_another_staff_group_and_skips_the_full():
    from core.kernel.model import User

    me = User(1, "t", None, None, "Me", site="basildon", staff_group="ahp")
    pool = [
        candidate(10, "basildon", "ahp"),  # same site, same group
        candidate(11, "basildon", "medical_dental"),  # same site, other group
        candidate(12, "southend", "ahp"),  # other site, same group
        candidate(13, "southend", "nursing_midwifery", mentees=1),  # other site and group, one mentee
        candidate(14, "broomfield", "medical_dental"),  # other site and group, free
        candidate(15, "broomfield", "admin_clerical", mentees=3),  # full (3 of 3)
        candidate(16, "community", "admin_clerical", mentees=3, most=4),  # their own maximum is 4
        candidate(1, "southend", "medical_dental"),  # oneself
    ]
    ranked = mentoring.rank(me, pool, excluded={14}, default_max=3, limit=3)
    assert [c.user_id for c in ranked] == [13, 16, 12]  # 14 excluded (a colleague); 15 full; never oneself
    assert [c.user_id for c in mentoring.rank(me, pool, excluded=set(), default_max=3, limit=5)] == [14, 13, 16, 12, 11]


async def test_proposals_never_include_a_project_colleague_or_a_previous_mentor(uow, content):
    trainee = await trainee_at(uow, content, site="basildon", group="ahp")
    colleague = await senior(uow, 10, content, site="southend", group="medical_dental")
    previous = await senior(uow, 11, content, site="broomfield", group="medical_dental")
    same_place = await senior(uow, 12, content, site="basildon", group="ahp")
    good = await senior(uow, 13, content, site="southend", group="admin_clerical")
    uow.projects.add(Project(70, trainee.id, ProjectStatus.ACTIVE, 6, title="Ours", coach_id=colleague.id))
    old = await uow.coaching.propose(mentee_id=trainee.id, mentor_id=previous.id, level="coach_in_training", now=NOW)
    await uow.coaching.move_mentorship(old.id, frm=MentorshipStatus.PROPOSED, to=MentorshipStatus.DECLINED, now=NOW)
    proposals = await mentoring.propose_mentors(uow, user=trainee, content=content)
    assert [c.user_id for c in proposals] == [good.id, same_place.id]
    before = coaching_state(uow)
    with pytest.raises(NotAllowed):  # a forged card naming someone not proposed
        await mentoring.ask_mentor(
            uow, user=trainee, mentor_id=colleague.id, content=content, messages=MESSAGES, now=NOW
        )
    assert coaching_state(uow) == before


async def test_both_sides_accept_then_check_ins_every_six_weeks_until_the_level(uow, content):
    trainee = await trainee_at(uow, content, site="basildon")
    mentor = await senior(uow, 10, content, site="southend")
    asked = await mentoring.ask_mentor(
        uow, user=trainee, mentor_id=mentor.id, content=content, messages=MESSAGES, now=NOW
    )
    assert texts(uow, "request") == [f"request {asked.id} User 2"]
    with pytest.raises(InvalidInput, match="already have a mentor"):
        await mentoring.propose_mentors(uow, user=trainee, content=content)
    with pytest.raises(NotAllowed):
        await mentoring.answer_request(
            uow, user=trainee, mentorship_id=asked.id, accept=True, content=content, messages=MESSAGES, now=NOW
        )
    active, changed = await mentoring.answer_request(
        uow, user=mentor, mentorship_id=asked.id, accept=True, content=content, messages=MESSAGES, now=NOW
    )
    assert changed and active.status == MentorshipStatus.ACTIVE
    assert texts(uow, "answer") == [f"answer {asked.id} User 10 True"] and texts(uow, "mentee") == [
        f"mentee {asked.id} User 2"
    ]
    for days in (10, 41, 42, 43, 60, 84, 85):
        await mentoring.check_ins(uow, content=content, messages=MESSAGES, now=NOW + timedelta(days=days))
    rows = sorted((r["dedupe_key"], r["category"]) for r in uow.db.outbox.values() if "check_in" in r["dedupe_key"])
    assert [k for k, _ in rows] == sorted(
        f"coaching:mentorship:{asked.id}:check_in:{n}:{who.id}" for n in (1, 2) for who in (mentor, trainee)
    )
    assert {c for _, c in rows} == {"coaching"}  # a nudge: working hours and the daily budget apply
    # Evidence now goes to the mentor only, and reaching the level ends the mentoring.
    evidence = await evidence_for(uow, content, trainee, "qi_theory")
    assert [
        r["user_id"] for r in uow.db.outbox.values() if r["dedupe_key"].startswith(f"coaching:evidence:{evidence.id}")
    ] == [mentor.id]
    await uow.coaching.set_level(trainee.id, "coach_in_training", now=NOW)
    await uow.coaching.move_mentorship(asked.id, frm=MentorshipStatus.ACTIVE, to=MentorshipStatus.ENDED, now=NOW)
    assert await mentoring.check_ins(uow, content=content, messages=MESSAGES, now=NOW + timedelta(days=130)) == 0


async def test_a_mentor_at_capacity_cannot_accept_another(uow, content):
    mentor = await senior(uow, 10, content, site="southend")
    trainees = [await trainee_at(uow, content, n=n) for n in range(2, 6)]
    asked = [
        await mentoring.ask_mentor(uow, user=t, mentor_id=mentor.id, content=content, messages=MESSAGES, now=NOW)
        for t in trainees[:3]
    ]
    for request in asked:
        await mentoring.answer_request(
            uow, user=mentor, mentorship_id=request.id, accept=True, content=content, messages=MESSAGES, now=NOW
        )
    assert await mentoring.propose_mentors(uow, user=trainees[3], content=content) == []  # full: not proposed
    uow.coaching.set_max_mentees(mentor.id, 4)
    fourth = await mentoring.ask_mentor(
        uow, user=trainees[3], mentor_id=mentor.id, content=content, messages=MESSAGES, now=NOW
    )
    uow.coaching.set_max_mentees(mentor.id, 3)
    with pytest.raises(InvalidInput, match="already mentor 3 people"):
        await mentoring.answer_request(
            uow, user=mentor, mentorship_id=fourth.id, accept=True, content=content, messages=MESSAGES, now=NOW
        )
    declined, _ = await mentoring.answer_request(
        uow, user=mentor, mentorship_id=fourth.id, accept=False, content=content, messages=MESSAGES, now=NOW
    )
    assert declined.status == MentorshipStatus.DECLINED


def test_unused():
    assert replace is not None
