"""Mentor matching and mentoring: up to three proposals from people at a senior level with room for another
mentee, preferring another site and another staff group, never the person's own line (their line manager or
someone who reports to them, from the profile), someone who shares a project with the person, nor a previous
mentor; both sides accept; then a check-in nudge every six weeks until the mentee reaches the level."""

from __future__ import annotations

from datetime import datetime, timedelta

from core.coaching.model import Candidate, Mentorship, MentorshipStatus
from core.coaching.ports import CoachingMessages
from core.coaching.services import NUDGES, UPDATES, senior_levels, working_towards
from core.kernel.content import Content
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.kernel.model import User
from core.kernel.nudges import notify
from core.kernel.ports import UnitOfWork
from core.profile.services import line_of
from core.projects.services import project_colleagues


def rank(
    person: User, candidates: list[Candidate], *, excluded: set[int], default_max: int, limit: int
) -> list[Candidate]:
    """The matching rule on its own: who may be proposed, best first. Another site counts more than another staff
    group; then whoever has the fewest mentees; then by name, so the same data always gives the same list."""
    eligible = [
        c
        for c in candidates
        if c.user_id != person.id
        and c.user_id not in excluded
        and c.mentees < (c.max_mentees if c.max_mentees is not None else default_max)
    ]

    def score(c: Candidate) -> tuple:
        other_site = None not in (person.site, c.site) and c.site != person.site
        other_group = None not in (person.staff_group, c.staff_group) and c.staff_group != person.staff_group
        return (-(2 * other_site + other_group), c.mentees, c.name or "", c.user_id)

    return sorted(eligible, key=score)[:limit]


async def propose_mentors(uow: UnitOfWork, *, user: User, content: Content) -> list[Candidate]:
    coaching = content.coaching
    _, towards = await working_towards(uow, user.id, coaching)
    if towards is None or not towards.mentored:
        raise InvalidInput("Mentors are for people working towards coach: add evidence on your route first.")
    history = await uow.coaching.mentorships_of(user.id)
    if any(m.status in (MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE) for m in history):
        raise InvalidInput("You already have a mentor, or have asked one: see **my coaching route**.")
    excluded = {m.mentor_id for m in history} | set(await project_colleagues(uow, user.id))
    excluded |= await line_of(uow, user.id)  # never the person's own line (as given in their profile)
    candidates = await uow.coaching.candidates(senior_levels(coaching))
    rules = coaching.mentoring
    return rank(user, candidates, excluded=excluded, default_max=rules.max_mentees, limit=rules.proposals)


async def ask_mentor(
    uow: UnitOfWork, *, user: User, mentor_id: int, content: Content, messages: CoachingMessages, now: datetime
) -> Mentorship:
    """Ask one of the proposed mentors (re-checked here: a card cannot choose anyone else)."""
    proposals = {c.user_id for c in await propose_mentors(uow, user=user, content=content)}
    if mentor_id not in proposals:
        raise NotAllowed("Please choose one of the mentors proposed to you.")
    _, towards = await working_towards(uow, user.id, content.coaching)
    assert towards is not None
    asked = await uow.coaching.propose(mentee_id=user.id, mentor_id=mentor_id, level=towards.id, now=now)
    if asked is None:
        raise InvalidInput("You already have a mentor, or have asked one: see **my coaching route**.")
    await notify(
        uow,
        content,
        user_id=mentor_id,
        category=UPDATES,
        message=messages.mentor_request(asked, user.name or "Someone"),
        key=f"coaching:mentorship:{asked.id}:request",
        now=now,
    )
    return asked


async def answer_request(
    uow: UnitOfWork,
    *,
    user: User,
    mentorship_id: int,
    accept: bool,
    content: Content,
    messages: CoachingMessages,
    now: datetime,
) -> tuple[Mentorship, bool]:
    """The mentor accepts (if they still have room) or declines. (mentorship, whether this answer changed it)."""
    asked = await uow.coaching.get_mentorship(mentorship_id)
    if asked is None:
        raise NotFound("That request no longer exists.")
    if asked.mentor_id != user.id:
        raise NotAllowed("Only the person asked can answer.")
    if asked.status != MentorshipStatus.PROPOSED:
        return asked, False
    if accept:
        await uow.users.lock(user.id)  # one mentor's acceptances queue up, so capacity holds
        profile = await uow.coaching.profile(user.id)
        limit = profile.max_mentees if profile.max_mentees is not None else content.coaching.mentoring.max_mentees
        active = [m for m in await uow.coaching.mentees_of(user.id) if m.status == MentorshipStatus.ACTIVE]
        if len(active) >= limit:
            raise InvalidInput(f"You already mentor {len(active)} people, your most. Decline, or ask an admin.")
    to = MentorshipStatus.ACTIVE if accept else MentorshipStatus.DECLINED
    if not await uow.coaching.move_mentorship(asked.id, frm=MentorshipStatus.PROPOSED, to=to, now=now):
        current = await uow.coaching.get_mentorship(asked.id)
        return current or asked, False
    answered = await uow.coaching.get_mentorship(asked.id)
    assert answered is not None
    await notify(
        uow,
        content,
        user_id=asked.mentee_id,
        category=UPDATES,
        message=messages.mentor_answer(answered, user.name or "Your mentor", accepted=accept),
        key=f"coaching:mentorship:{asked.id}:answer",
        now=now,
    )
    if accept:
        await notify(
            uow,
            content,
            user_id=user.id,
            category=UPDATES,
            message=messages.mentee_accepted(answered, answered.mentee_name or "your mentee"),
            key=f"coaching:mentorship:{asked.id}:first_meeting",
            now=now,
        )
    return answered, True


async def check_ins(uow: UnitOfWork, *, content: Content, messages: CoachingMessages, now: datetime) -> int:
    """Tick: every `check_in_weeks` weeks of an active mentorship, both sides get a nudge to meet (once each)."""
    every = timedelta(weeks=content.coaching.mentoring.check_in_weeks)
    queued = 0
    for mentorship in await uow.coaching.active_mentorships():
        if mentorship.accepted_at is None:
            continue
        due = (now - mentorship.accepted_at) // every
        if due < 1:
            continue
        for who, other in (
            (mentorship.mentee_id, mentorship.mentor_name or "your mentor"),
            (mentorship.mentor_id, mentorship.mentee_name or "your mentee"),
        ):
            queued += await notify(
                uow,
                content,
                user_id=who,
                category=NUDGES,
                message=messages.check_in(mentorship, other),
                key=f"coaching:mentorship:{mentorship.id}:check_in:{due}:{who}",
                now=now,
            )
    return queued
