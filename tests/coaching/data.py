"""Shared test data for coaching: people at levels, evidence for every competency of a level."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from core.coaching import route
from core.coaching.commands import NewEvidence, Review
from core.kernel.contacts import record_contact
from core.kernel.model import Role
from core.profile.services import save_profile
from tests.coaching.fakes import RecordingCoachingMessages
from tests.fakes import teams_address

NOW = datetime(2027, 1, 5, 10, tzinfo=UTC)
MESSAGES = RecordingCoachingMessages()


async def person(uow, n, content, *, site="basildon", group="nursing_midwifery", level=None, role=None):
    user = (await record_contact(uow, address=teams_address(n), now=NOW)).user
    await save_profile(
        uow,
        user_id=user.id,
        site=site,
        staff_group=group,
        experience="none",
        organisation=content.organisation,
        now=NOW,
    )
    if level is not None:
        await uow.coaching.set_level(user.id, level, now=NOW)
    if role is not None:
        await uow.users.grant_role(user.id, role, now=NOW)
    return await uow.users.get(user.id)


async def senior(uow, n, content, **kwargs):
    return await person(uow, n, content, level="senior_coach", role=Role.COACH, **kwargs)


async def evidence_for(uow, content, user, competency, note="I coached a team."):
    return await route.add_evidence(
        uow, user=user, command=NewEvidence(competency, note), content=content, messages=MESSAGES, now=NOW
    )


async def sign(uow, content, reviewer, evidence, *, ok=True, comment=None):
    return await route.review_evidence(
        uow, user=reviewer, command=Review(evidence.id, ok, comment), content=content, messages=MESSAGES, now=NOW
    )


def coaching_state(uow) -> dict:
    return copy.deepcopy(
        {k: v for k, v in uow.db.__dict__.items() if (k.startswith("coaching_") or k in ("outbox", "users")) and v}
    )


def texts(uow, prefix="") -> list[str]:
    return sorted(r["message"].text for r in uow.db.outbox.values() if (r["message"].text or "").startswith(prefix))
