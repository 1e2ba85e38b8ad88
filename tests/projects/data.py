"""Shared test data of the project register: what a lead types into the wizard (as card values for transcripts,
and as the typed commands the services take), and people to type it."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from core.kernel.contacts import record_contact
from core.kernel.model import Role
from core.projects import services as svc
from core.projects.commands import Aim, Basics, Evaluation, Governance, Measures, MeasureText, Rubric, TeamAndCoach
from tests.fakes import teams_address
from tests.projects.fakes import TextMessages, snapshot

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)

# --- as a card sends them --------------------------------------------------------------------------------------
BASICS = {
    "title": "Fewer falls at night on Ward 7",
    "problem": "Falls at night are rising on our ward.",
    "site": "basildon",
    "division": "medicine",
    "strategic_aim": "safe_care",
}
AIM = {
    "aim_what": "Reduce falls at night",
    "aim_who": "patients on Ward 7",
    "aim_how_much": "from 8 to 4 a month",
    "aim_by": "2027-06-30",
}
MEASURES = {
    "outcome_name": "Falls at night",
    "outcome_definition": "Datix falls 20:00-08:00 a month",
    "outcome_better": "decrease",
    "process1_name": "Risk assessments done",
    "process1_definition": "Share of admissions assessed in 6 h",
    "process1_better": "increase",
    "balancing_name": "Restraint use",
    "balancing_definition": "Bed rails raised a month",
    "balancing_better": "decrease",
}
QI = {"gov_research": "no", "gov_audit": "no", "gov_service_evaluation": "no"}

# --- the same, as the services take them -----------------------------------------------------------------------
THE_BASICS = Basics(**BASICS)
THE_AIM = Aim("Reduce falls at night", "patients on Ward 7", "from 8 to 4 a month", date(2027, 6, 30))
THE_MEASURES = Measures(
    MeasureText("Falls at night", "Datix falls 20:00-08:00 a month", "decrease"),
    (MeasureText("Risk assessments done", "Share of admissions assessed in 6 h", "increase"),),
    MeasureText("Restraint use", "Bed rails raised a month", "decrease"),
)
ALL_NO = Governance({"research": False, "audit": False, "service_evaluation": False})
EVALUATION = Evaluation("Falls halved", "adopt", "Huddle in the routine", None, "Test small")
GOOD_SCORES = Rubric(
    {"aim_achieved": 4, "measurement": 3, "pdsa_discipline": 3, "patient_involvement": 2, "sustainability": 3}
)
TEAM_TEXT = "Sam Lee - ward manager\nAlex Khan, physiotherapist"
MESSAGES = TextMessages()


def team(coach_id: int | None, **changes) -> TeamAndCoach:
    return replace(TeamAndCoach(TEAM_TEXT, "Dr Jones", coach_id), **changes)


def governance(**answers: bool | None) -> Governance:
    return Governance({**ALL_NO.answers, **answers})


async def person(uow, n, *, coach=False, admin=False, site="basildon"):
    user = (await record_contact(uow, address=teams_address(n), now=NOW)).user
    await uow.users.save_profile(user.id, site=site, staff_group="ahp", experience="none", now=NOW)
    user = await uow.users.get(user.id)
    roles = {Role.STAFF}
    if coach:
        await uow.users.grant_role(user.id, Role.COACH, now=NOW)
        roles.add(Role.COACH)
    if admin:
        await uow.users.grant_role(user.id, Role.ADMIN, now=NOW)
        roles.add(Role.ADMIN)
    return replace(user, roles=frozenset(roles))


async def registered(uow, content, lead, coach, basics=THE_BASICS, governance=ALL_NO, aim=THE_AIM, now=NOW):
    """A draft with all five steps done (not yet submitted)."""
    project, _ = await svc.start_or_resume(uow, user=lead, now=now)
    common = {"user": lead, "project_id": project.id, "now": now}
    await svc.save_basics(uow, basics=basics, content=content, **common)
    await svc.save_aim(uow, aim=aim, **common)
    await svc.save_team(
        uow, team=team(coach.id if coach else None, find_coach=coach is None), content=content, **common
    )
    await svc.save_measures(uow, measures=THE_MEASURES, **common)
    await svc.save_governance(uow, governance=governance, content=content, **common)
    return await svc.get_project(uow, project.id)


async def approved(uow, content, lead, coach, now=NOW, **changes):
    """Registered, submitted and approved by the coach: a live project."""
    project = await registered(uow, content, lead, coach, now=now, **changes)
    await svc.submit(uow, user=lead, project_id=project.id, content=content, messages=MESSAGES, now=now)
    return await svc.approve(
        uow, user=coach, project_id=project.id, comment=None, content=content, messages=MESSAGES, now=now
    )


@asynccontextmanager
async def unchanged(uow, error, match=None):
    """The action is refused with `error` and the fake database is exactly as it was."""
    before = snapshot(uow.db)
    with pytest.raises(error, match=match) as refused:
        yield refused
    assert snapshot(uow.db) == before


async def onboarded_chats(content, uow, count: int = 3) -> list:
    """Chats over one fake database, onboarded at Basildon: the lead (n=1), a QI coach (n=2), then colleagues."""
    from tests.dialogs.harness import Chat

    chats = [Chat(content, n=n, uow=uow) for n in range(1, count + 1)]
    for chat in chats:
        await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    await chats[1].grant(Role.COACH)
    return chats
