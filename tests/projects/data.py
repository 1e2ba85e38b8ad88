"""Shared test data of the project register: what a lead types into the wizard, and people to type it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from core.kernel.contacts import record_contact
from core.kernel.model import OutboundMessage, Role
from core.projects import services as svc
from tests.fakes import teams_address

NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
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
    "process1_name": "Risk assessments done",
    "process1_definition": "Share of admissions assessed in 6 h",
    "balancing_name": "Restraint use",
    "balancing_definition": "Bed rails raised a month",
}
QI = {"gov_research": "no", "gov_audit": "no", "gov_service_evaluation": "no"}


def msg(project, *_):
    return OutboundMessage(text=f"about {project.id}")


async def person(uow, n, *, coach=False, admin=False):
    user = (await record_contact(uow, address=teams_address(n), now=NOW)).user
    await uow.users.save_profile(user.id, site="basildon", staff_group="ahp", experience="none", now=NOW)
    user = await uow.users.get(user.id)
    roles = {Role.STAFF}
    if coach:
        await uow.users.grant_role(user.id, Role.COACH, now=NOW)
        roles.add(Role.COACH)
    if admin:
        roles.add(Role.ADMIN)
    return replace(user, roles=frozenset(roles))


async def registered(uow, content, lead, coach, basics=BASICS, governance=QI, aim=AIM):
    project, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    await svc.save_basics(uow, user=lead, project_id=project.id, data=basics, content=content, now=NOW)
    await svc.save_aim(uow, user=lead, project_id=project.id, data=aim, now=NOW)
    await svc.save_team(
        uow,
        user=lead,
        project_id=project.id,
        content=content,
        now=NOW,
        data={
            "team": "Sam Lee - ward manager\nAlex Khan, physiotherapist",
            "sponsor": "Dr Jones",
            "coach": str(coach.id),
        },
    )
    await svc.save_measures(uow, user=lead, project_id=project.id, data=MEASURES, now=NOW)
    await svc.save_governance(uow, user=lead, project_id=project.id, data=governance, content=content, now=NOW)
    return await svc.get_project(uow, project.id)
