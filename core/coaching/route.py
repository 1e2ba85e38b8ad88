"""The route to coach: `my coaching route`, recording evidence against a competency, its sign-off by a mentor or
senior coach (or its return with a comment), and promotion once every competency of a level is signed off
(offered to the person, confirmed by an admin, and the level's role follows)."""

from __future__ import annotations

from datetime import datetime

from core.coaching.commands import InvalidAnswer, NewEvidence, Review
from core.coaching.model import (
    CompetencyProgress,
    Evidence,
    EvidenceStatus,
    MentorshipStatus,
    PromotionStatus,
    Reviews,
    Route,
)
from core.coaching.ports import CoachingMessages
from core.coaching.services import (
    MAX_COMMENT,
    MAX_NOTE,
    UPDATES,
    evidence_links,
    may_sign,
    senior_levels,
    working_towards,
)
from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import Role, User
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork
from core.kernel.roles import grant_role
from core.kernel.text import clean_text


def _clean(field: str, value: object, limit: int, what: str, *, required: bool = False) -> str | None:
    try:
        return clean_text(value, limit, what, required=required)
    except InvalidInput as problem:
        raise InvalidAnswer(field, problem.message) from None


def signed_competencies(evidence: list[Evidence]) -> set[str]:
    return {e.competency for e in evidence if e.status == EvidenceStatus.SIGNED_OFF}


async def my_route(uow: UnitOfWork, *, user: User, content: Content, now: datetime) -> Route:
    coaching = content.coaching
    profile, towards = await working_towards(uow, user.id, coaching)
    progress: list[CompetencyProgress] = []
    promotion = None
    if towards is not None:
        evidence = await uow.coaching.evidence_of(user.id, level=towards.id)
        signed = signed_competencies(evidence)
        for competency_id in towards.competencies:
            mine = [e for e in evidence if e.competency == competency_id]
            returned = [e for e in mine if e.status == EvidenceStatus.RETURNED]
            progress.append(
                CompetencyProgress(
                    coaching.competency(competency_id),
                    signed_off=competency_id in signed,
                    waiting=any(e.status == EvidenceStatus.SUBMITTED for e in mine),
                    returned=returned[-1] if returned and competency_id not in signed else None,
                )
            )
        promotion = await uow.coaching.promotion(user.id, towards.id)
    open_mentorships = [
        m
        for m in await uow.coaching.mentorships_of(user.id)
        if m.status in (MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE)
    ]
    return Route(
        level=coaching.level(profile.level),
        working_towards=towards,
        progress=progress,
        mentor=open_mentorships[0] if open_mentorships else None,
        promotion=promotion,
        can_ask_for_mentor=towards is not None and towards.mentored and not open_mentorships,
        can_ask_for_promotion=promotion is not None and promotion.status == PromotionStatus.OFFERED,
        links=await evidence_links(uow, user=user, content=content, now=now),
    )


async def add_evidence(
    uow: UnitOfWork, *, user: User, command: NewEvidence, content: Content, messages: CoachingMessages, now: datetime
) -> Evidence:
    """A short note against one competency of the level the person works towards, optionally linked to their own
    project, clinic or set. Their mentor, or else the senior coaches, are asked to sign it off."""
    coaching = content.coaching
    _, towards = await working_towards(uow, user.id, coaching)
    if towards is None:
        raise InvalidInput("You have reached the top of the coaching route: there is nothing left to sign off.")
    if command.competency not in towards.competencies:
        raise InvalidAnswer("competency", f"Please choose one of the competencies for {towards.label}.")
    note = _clean("note", command.note, MAX_NOTE, "your note", required=True)
    assert note is not None
    if (command.link_kind is None) != (command.link_id is None):
        raise InvalidAnswer("link", "Please choose one of your own projects, clinics or sets, or none.")
    if command.link_kind is not None:
        mine = {(link.kind, link.id) for link in await evidence_links(uow, user=user, content=content, now=now)}
        if (command.link_kind, command.link_id) not in mine:
            raise InvalidAnswer("link", "Please choose one of your own projects, clinics or sets, or none.")
    evidence = await uow.coaching.add_evidence(
        user_id=user.id,
        level=towards.id,
        competency=command.competency,
        note=note,
        link_kind=command.link_kind,
        link_id=command.link_id,
        now=now,
    )
    mentors = [m.mentor_id for m in await uow.coaching.mentorships_of(user.id) if m.status == MentorshipStatus.ACTIVE]
    reviewers = mentors or [
        c.user_id for c in await uow.coaching.candidates(senior_levels(coaching)) if c.user_id != user.id
    ]
    for reviewer in reviewers:
        await notify(
            uow,
            content,
            user_id=reviewer,
            category=UPDATES,
            message=messages.evidence_to_review(evidence, user.name or "Someone"),
            key=f"coaching:evidence:{evidence.id}:review:{reviewer}",
            now=now,
        )
    return evidence


async def reviews(uow: UnitOfWork, *, user: User, content: Content) -> Reviews:
    """Evidence the person may sign off (their mentees' first), and for admins the promotions to confirm."""
    signer, admin = may_sign(await uow.coaching.profile(user.id), content.coaching), user.has_role(Role.ADMIN)
    if not (signer or admin):
        raise NotAllowed("Sign-off is for senior coaches and mentors.")
    waiting: list[Evidence] = []
    if signer:
        mentees = {m.mentee_id for m in await uow.coaching.mentees_of(user.id) if m.status == MentorshipStatus.ACTIVE}
        waiting = [e for e in await uow.coaching.waiting_evidence() if e.user_id != user.id]
        waiting.sort(key=lambda e: (e.user_id not in mentees, e.created_at, e.id))
    return Reviews(waiting, await uow.coaching.requested_promotions() if admin else [])


async def review_evidence(
    uow: UnitOfWork, *, user: User, command: Review, content: Content, messages: CoachingMessages, now: datetime
) -> tuple[Evidence, bool]:
    """(the item, whether this review changed it). Only a senior coach or mentor, never for their own evidence,
    whatever the card says. Signing the last competency of a level offers the person promotion."""
    coaching = content.coaching
    evidence = await uow.coaching.get_evidence(command.evidence_id)
    if evidence is None:
        raise NotFound("That evidence no longer exists.")
    if evidence.user_id == user.id or not may_sign(await uow.coaching.profile(user.id), coaching):
        raise NotAllowed("Only a senior coach or mentor can sign off someone else's evidence.")
    comment = _clean("comment", command.comment, MAX_COMMENT, "your comment", required=not command.sign_off)
    status = EvidenceStatus.SIGNED_OFF if command.sign_off else EvidenceStatus.RETURNED
    if evidence.status != EvidenceStatus.SUBMITTED or not await uow.coaching.review(
        evidence.id, status=status, reviewer_id=user.id, comment=comment, now=now
    ):
        current = await uow.coaching.get_evidence(evidence.id)
        assert current is not None
        return current, False
    reviewed = await uow.coaching.get_evidence(evidence.id)
    assert reviewed is not None
    await notify(
        uow,
        content,
        user_id=evidence.user_id,
        category=UPDATES,
        message=messages.reviewed(reviewed),
        key=f"coaching:evidence:{evidence.id}:reviewed",
        now=now,
    )
    level = coaching.level(evidence.level)
    if command.sign_off and level is not None:
        signed = signed_competencies(await uow.coaching.evidence_of(evidence.user_id, level=level.id))
        if set(level.competencies) <= signed and await uow.coaching.offer_promotion(
            evidence.user_id, level.id, now=now
        ):
            await notify(
                uow,
                content,
                user_id=evidence.user_id,
                category=UPDATES,
                message=messages.promotion_offered(level.id),
                key=f"coaching:promotion:{evidence.user_id}:{level.id}:offered",
                now=now,
            )
    return reviewed, True


async def ask_for_promotion(
    uow: UnitOfWork, *, user: User, level_id: str, content: Content, messages: CoachingMessages, now: datetime
) -> bool:
    """The person accepts the offer: every admin is asked to confirm. False when already asked."""
    promotion = await uow.coaching.promotion(user.id, level_id)
    if promotion is None:
        raise NotAllowed("Promotion is offered once every competency of the level is signed off.")
    if not await uow.coaching.move_promotion(user.id, level_id, to=PromotionStatus.REQUESTED, by=None, now=now):
        return False
    requested = await uow.coaching.promotion(user.id, level_id)
    assert requested is not None
    for admin in await uow.coaching.admins():
        await notify(
            uow,
            content,
            user_id=admin,
            category=UPDATES,
            message=messages.promotion_to_confirm(requested, user.name or "Someone"),
            key=f"coaching:promotion:{user.id}:{level_id}:confirm:{admin}",
            now=now,
        )
    return True


async def confirm_promotion(
    uow: UnitOfWork,
    *,
    user: User,
    person_id: int,
    level_id: str,
    content: Content,
    messages: CoachingMessages,
    now: datetime,
) -> bool:
    """An admin confirms: the person reaches the level, the level's role follows (through the kernel's roles
    service), and their mentoring for it ends. False when it was already confirmed."""
    if not user.has_role(Role.ADMIN):
        raise NotAllowed("Only a QI admin can confirm a promotion.")
    level = content.coaching.level(level_id)
    person = await uow.users.get(person_id)
    if level is None or person is None:
        raise NotFound("That promotion no longer exists.")
    promotion = await uow.coaching.promotion(person_id, level_id)
    if promotion is None or promotion.status == PromotionStatus.OFFERED:
        raise InvalidInput("That person has not asked to be put forward yet.")
    if not await uow.coaching.move_promotion(person_id, level_id, to=PromotionStatus.CONFIRMED, by=user.id, now=now):
        return False
    await uow.coaching.set_level(person_id, level_id, now=now)
    if level.role is not None:
        await grant_role(uow, who=person.teams_user_id, role=level.role, now=now)
    for mentorship in await uow.coaching.mentorships_of(person_id):
        if mentorship.status == MentorshipStatus.ACTIVE and mentorship.level == level_id:
            await uow.coaching.move_mentorship(
                mentorship.id, frm=MentorshipStatus.ACTIVE, to=MentorshipStatus.ENDED, now=now
            )
    await notify(
        uow,
        content,
        user_id=person_id,
        category=UPDATES,
        message=messages.promoted(level_id),
        key=f"coaching:promotion:{person_id}:{level_id}:confirmed",
        now=now,
    )
    return True
