"""What every coaching task shares: who may sign off, the links evidence may carry (asked of the projects, clinics
and sets capabilities' services, never their tables). Coaching messages are queued with core.kernel.nudges.notify
(the nudge gate)."""

from __future__ import annotations

from datetime import datetime

from core.clinics.services import sessions_run_by
from core.coaching.content import CoachingContent, Level
from core.coaching.model import EvidenceLink, LinkKind, Profile
from core.kernel.content import Content
from core.kernel.model import User
from core.kernel.ports import UnitOfWork
from core.projects.services import projects_coached_by
from core.sets.membership import sets_facilitated_by

UPDATES = "coaching_updates"  # evidence to sign off or signed, a mentor request, a promotion: they keep their time
NUDGES = "coaching"  # mentoring check-ins: inside working hours, within the daily budget
MAX_NOTE = 500
MAX_COMMENT = 300


def senior_levels(coaching: CoachingContent) -> tuple[str, ...]:
    return tuple(level.id for level in coaching.levels if level.signs_off)


def may_sign(profile: Profile, coaching: CoachingContent) -> bool:
    """Only people at a level that signs off (senior coaches and mentors) may sign evidence off or return it."""
    level = coaching.level(profile.level)
    return level is not None and level.signs_off


async def working_towards(uow: UnitOfWork, user_id: int, coaching: CoachingContent) -> tuple[Profile, Level | None]:
    profile = await uow.coaching.profile(user_id)
    return profile, coaching.next_level(profile.level)


async def evidence_links(uow: UnitOfWork, *, user: User, content: Content, now: datetime) -> list[EvidenceLink]:
    """What the person's evidence may point to: projects they coached, clinics they ran, sets they facilitated."""
    tz = content.organisation.timezone
    links = [
        EvidenceLink(LinkKind.PROJECT, p.id, f"Project: {p.title or 'untitled'}")
        for p in await projects_coached_by(uow, user.id)
    ]
    for session in await sessions_run_by(uow, user.id, now=now):
        day = session.starts_at.astimezone(tz)
        where = content.organisation.label("sites", session.site)
        links.append(EvidenceLink(LinkKind.CLINIC, session.id, f"Clinic: {day:%a} {day.day} {day:%b %Y}, {where}"))
    links += [
        EvidenceLink(LinkKind.SET, s.id, f"Action learning set: {s.name}")
        for s in await sets_facilitated_by(uow, user.id)
    ]
    return links
