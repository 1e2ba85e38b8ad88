"""The project register on SQLite and PostgreSQL: wizard and drafts, triage, similar projects, approval,
permissions, progress and the stale-project nudge."""

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from core.kernel.errors import InvalidInput, NotAllowed
from core.projects import services as svc
from core.projects.commands import DataPoint, Governance, Pdsa
from core.projects.model import ProjectStatus
from storage.projects.tables import projects as projects_table
from tests.projects.data import MESSAGES as msg
from tests.projects.data import NOW, THE_AIM, THE_BASICS, governance, person, registered


async def test_the_wizard_builds_a_draft_step_by_step_and_resumes(uow_factory, content):
    async with uow_factory() as uow:
        lead = await person(uow, 1)
        draft, resumed = await svc.start_or_resume(uow, user=lead, now=NOW)
        assert not resumed and draft.status == ProjectStatus.DRAFT
        await svc.save_basics(uow, user=lead, project_id=draft.id, basics=THE_BASICS, content=content, now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        again, resumed = await svc.start_or_resume(uow, user=lead, now=NOW)
        assert resumed and again.id == draft.id and again.wizard_step == 2 and again.title == THE_BASICS.title


@pytest.mark.parametrize(
    "aim, hint",
    [
        (replace(THE_AIM, how_much="a lot"), "Add a number"),
        (replace(THE_AIM, by=None), "Add a date"),
        (replace(THE_AIM, by=date(2020, 1, 1)), "in the future"),
    ],
)
async def test_aim_hints_when_there_is_no_number_or_date(uow_factory, content, aim, hint):
    async with uow_factory() as uow:
        lead = await person(uow, 1)
        draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
        with pytest.raises(InvalidInput, match=hint):
            await svc.save_aim(uow, user=lead, project_id=draft.id, aim=aim, now=NOW)
        assert (await svc.get_project(uow, draft.id)).aim is None


async def test_problem_over_100_words_and_bad_choices_are_refused(uow_factory, content):
    async with uow_factory() as uow:
        lead = await person(uow, 1)
        draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
        with pytest.raises(InvalidInput, match="100 words"):
            await svc.save_basics(
                uow,
                user=lead,
                project_id=draft.id,
                content=content,
                now=NOW,
                basics=replace(THE_BASICS, problem="word " * 101),
            )
        with pytest.raises(InvalidInput, match="division"):
            await svc.save_basics(
                uow,
                user=lead,
                project_id=draft.id,
                content=content,
                now=NOW,
                basics=replace(THE_BASICS, division="astrology"),
            )


async def test_submit_approve_and_the_lead_is_told(uow_factory, content):
    async with uow_factory() as uow:
        lead, coach, other = await person(uow, 1), await person(uow, 2, coach=True), await person(uow, 3)
        project = await registered(uow, content, lead, coach)
        assert project.team[1].role == "physiotherapist" and len(project.measures) == 3
        project = await svc.submit(uow, user=lead, project_id=project.id, content=content, now=NOW, messages=msg)
        assert project.status == ProjectStatus.SUBMITTED
        with pytest.raises(NotAllowed):
            await svc.approve(
                uow, user=other, project_id=project.id, comment=None, content=content, now=NOW, messages=msg
            )
        project = await svc.approve(
            uow, user=coach, project_id=project.id, comment="Great aim", content=content, now=NOW, messages=msg
        )
        assert project.status == ProjectStatus.APPROVED and project.approval_comment == "Great aim"
        queued = await uow.outbox.status_counts()
        await uow.commit()
    assert queued == {"pending": 2}  # the review request to the coach, the approval to the lead


async def test_research_is_signposted_and_never_registered(uow_factory, engine, content):
    async with uow_factory() as uow:
        lead, coach = await person(uow, 1), await person(uow, 2, coach=True)
        project = await registered(uow, content, lead, coach, governance=governance(research=True))
        assert project.governance == "research"
        with pytest.raises(NotAllowed, match="Research and Development"):
            await svc.submit(uow, user=lead, project_id=project.id, content=content, now=NOW, messages=msg)
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(
                update(projects_table).where(projects_table.c.id == project.id).values(status="submitted")
            )


async def test_triage_order(content):
    assert svc.triage(governance(), content) == "qi"
    assert svc.triage(governance(audit=True, service_evaluation=True), content) == "audit"
    with pytest.raises(InvalidInput):
        svc.triage(Governance({"research": False}), content)


async def test_similar_projects_are_found_across_sites(uow_factory, content):
    async with uow_factory() as uow:
        lead, coach, other_lead = await person(uow, 1), await person(uow, 2, coach=True), await person(uow, 3)
        theirs = await registered(
            uow,
            content,
            other_lead,
            coach,
            basics=replace(THE_BASICS, site="southend", title="Reducing night falls in frail elderly"),
        )
        await svc.submit(uow, user=other_lead, project_id=theirs.id, content=content, now=NOW, messages=msg)
        unrelated = await registered(
            uow,
            content,
            other_lead,
            coach,
            basics=replace(THE_BASICS, title="Faster discharge letters", problem="Letters take a week to reach GPs."),
            aim=replace(THE_AIM, what="Send discharge letters sooner", who="GPs"),
        )
        await svc.submit(uow, user=other_lead, project_id=unrelated.id, content=content, now=NOW, messages=msg)
        mine = await registered(uow, content, lead, coach)
        similar = await svc.similar_projects(uow, project=mine)
    assert [p.id for p, _ in similar] == [theirs.id]


async def test_only_lead_coach_and_admins_change_a_project(uow_factory, content):
    async with uow_factory() as uow:
        lead, coach, other = await person(uow, 1), await person(uow, 2, coach=True), await person(uow, 3)
        admin = await person(uow, 4, admin=True)
        project = await registered(uow, content, lead, coach)
        await svc.submit(uow, user=lead, project_id=project.id, content=content, now=NOW, messages=msg)
        await svc.approve(uow, user=coach, project_id=project.id, comment=None, content=content, now=NOW, messages=msg)
        with pytest.raises(NotAllowed):
            await svc.set_score(uow, user=other, project_id=project.id, score=3.0, content=content, now=NOW)
        measure = (await svc.get_project(uow, project.id)).measures[0]
        with pytest.raises(NotAllowed):
            await svc.add_data(uow, user=other, point=DataPoint(measure.id, date(2026, 11, 1), 3), now=NOW)
        updated = await svc.set_score(uow, user=lead, project_id=project.id, score=2.5, content=content, now=NOW)
        assert updated.status == ProjectStatus.ACTIVE and updated.progress_score == 2.5
        await svc.set_score(uow, user=admin, project_id=project.id, score=3.0, content=content, now=NOW)
        with pytest.raises(InvalidInput):
            await svc.set_score(uow, user=lead, project_id=project.id, score=3.2, content=content, now=NOW)
        cycle = await svc.log_pdsa(
            uow,
            user=coach,
            project_id=project.id,
            now=NOW,
            cycle=Pdsa("Huddle at 20:00", "Fewer falls", do="Ran it", study="Fewer falls", act="adapt"),
        )
        assert cycle.act == "adapt"
        with pytest.raises(InvalidInput, match="prediction"):
            await svc.log_pdsa(uow, user=lead, project_id=project.id, now=NOW, cycle=Pdsa("x", ""))
        for day, value in ((date(2026, 11, 1), 8), (date(2026, 11, 8), 6), (date(2026, 11, 8), 5)):
            await svc.add_data(uow, user=lead, point=DataPoint(measure.id, day, value), now=NOW)
        assert await uow.projects.points(measure.id) == [(date(2026, 11, 1), 8.0), (date(2026, 11, 8), 5.0)]
        with pytest.raises(InvalidInput, match="future"):
            await svc.add_data(uow, user=lead, point=DataPoint(measure.id, date(2027, 1, 1), 1), now=NOW)
        with pytest.raises(InvalidInput, match="number"):
            await svc.add_data(uow, user=lead, point=DataPoint(measure.id, date(2026, 11, 2), None), now=NOW)


async def test_a_quiet_project_nudges_its_lead_once(uow_factory, content):
    async with uow_factory() as uow:
        lead, coach = await person(uow, 1), await person(uow, 2, coach=True)
        project = await registered(uow, content, lead, coach)
        await svc.submit(uow, user=lead, project_id=project.id, content=content, now=NOW, messages=msg)
        await svc.approve(uow, user=coach, project_id=project.id, comment=None, content=content, now=NOW, messages=msg)
        await uow.commit()
    later = NOW + timedelta(days=31)
    async with uow_factory() as uow:
        assert await svc.nudge_stale(uow, content=content, now=NOW + timedelta(days=29), messages=msg) == 0
        assert await svc.nudge_stale(uow, content=content, now=later, messages=msg) == 1
        assert await svc.nudge_stale(uow, content=content, now=later + timedelta(hours=1), messages=msg) == 0
        await uow.commit()


def approval_as(teams_id: str, project_id: int) -> dict:
    """The approval card's action as Teams posts it for `teams_id`: how the end-to-end test acts as the coach,
    a second person the Agents Playground cannot sign in."""
    return {
        "type": "invoke",
        "name": "adaptiveCard/action",
        "id": f"approve-{teams_id}",
        "channelId": "msteams",
        "serviceUrl": "http://127.0.0.1:9/",  # never called: an invoke is answered in the HTTP response
        "from": {"id": teams_id, "name": teams_id},
        "recipient": {"id": "28:bot", "name": "QI Companion"},
        "conversation": {"id": f"a:personal-{teams_id}", "conversationType": "personal"},
        "value": {"action": {"type": "Action.Execute", "verb": "projects.approve", "data": {"project_id": project_id}}},
    }


async def test_a_second_teams_user_approves_through_the_bot_endpoint_but_the_admin_lead_cannot(client, uows, content):
    async with uows() as uow:
        lead, coach = await person(uow, 1, admin=True), await person(uow, 2, coach=True)
        project = await registered(uow, content, lead, coach)
        await svc.submit(uow, user=lead, project_id=project.id, content=content, messages=msg, now=NOW)
        await uow.commit()
    refused = await client.post("/api/messages", json=approval_as(lead.teams_user_id, project.id))
    assert refused.status == 200 and "You lead this project" in json.dumps(await refused.json())
    approved = await client.post("/api/messages", json=approval_as(coach.teams_user_id, project.id))
    assert approved.status == 200 and "Approved; the lead has been told." in json.dumps(await approved.json())
    async with uows() as uow:
        assert (await svc.get_project(uow, project.id)).status == ProjectStatus.APPROVED
