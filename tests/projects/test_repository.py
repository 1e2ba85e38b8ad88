"""The SQL register on SQLite and PostgreSQL: a status changes only from the status it is expected to be in, so
thirty copies of the same tap (a double-tap, a retried request) submit or approve a project once."""

import asyncio
from dataclasses import replace

import pytest

from core.kernel.errors import DomainError
from core.projects import services as svc
from core.projects.model import ProjectStatus
from tests.projects.data import MESSAGES, NOW, person, registered

COPIES = 30


async def setup(uow_factory, content):
    async with uow_factory() as uow:
        lead, coach = await person(uow, 1), await person(uow, 2, coach=True)
        project = await registered(uow, content, lead, coach)
        await uow.commit()
    return lead, coach, project


async def attempt(uow_factory, work) -> str:
    async with uow_factory() as uow:
        try:
            await work(uow)
        except DomainError as refused:
            return type(refused).__name__
        await uow.commit()
        return "done"


async def test_thirty_submits_and_thirty_approvals_each_act_once(uow_factory, content):
    lead, coach, project = await setup(uow_factory, content)
    args = {"project_id": project.id, "content": content, "messages": MESSAGES, "now": NOW}

    async def submit(uow):
        await svc.submit(uow, user=lead, **args)

    async def approve(uow):
        await svc.approve(uow, user=coach, comment="Go", **args)

    submitted = await asyncio.gather(*(attempt(uow_factory, submit) for _ in range(COPIES)))
    assert submitted.count("done") == 1 and submitted.count("InvalidInput") == COPIES - 1
    approved = await asyncio.gather(*(attempt(uow_factory, approve) for _ in range(COPIES)))
    assert approved.count("done") == 1 and approved.count("InvalidInput") == COPIES - 1
    async with uow_factory() as uow:
        assert (await uow.projects.get(project.id)).status == ProjectStatus.APPROVED
        assert await uow.outbox.status_counts() == {"pending": 2}  # one review request, one approval


async def test_transitions_only_from_the_expected_status(uow_factory, content):
    lead, coach, project = await setup(uow_factory, content)
    async with uow_factory() as uow:
        repo = uow.projects
        assert not await repo.mark_approved(project.id, by=coach.id, comment=None, now=NOW)  # a draft
        assert not await repo.mark_closed(project.id, ProjectStatus.COMPLETED, now=NOW)
        assert await repo.mark_submitted(project.id, now=NOW)
        assert not await repo.mark_submitted(project.id, now=NOW)
        assert not await repo.mark_active(project.id, now=NOW)  # not approved yet
        assert await repo.mark_returned(project.id, comment="More", wizard_step=6, now=NOW)
        returned = await repo.get(project.id)
        assert returned.status == ProjectStatus.DRAFT and returned.approval_comment == "More"
        assert await repo.mark_submitted(project.id, now=NOW)
        assert await repo.mark_approved(project.id, by=coach.id, comment=None, now=NOW)
        assert await repo.mark_active(project.id, now=NOW) and not await repo.mark_active(project.id, now=NOW)
        with pytest.raises(ValueError):
            await repo.mark_closed(project.id, ProjectStatus.SUBMITTED, now=NOW)
        # Saving the wizard's fields never changes the status.
        await repo.save(replace(await repo.get(project.id), status=ProjectStatus.DRAFT, title="Renamed"), now=NOW)
        saved = await repo.get(project.id)
        assert saved.status == ProjectStatus.ACTIVE and saved.title == "Renamed"
        await repo.set_progress_score(project.id, 3.5, now=NOW)
        assert await repo.mark_closed(project.id, ProjectStatus.STOPPED, now=NOW)
        closed = await repo.get(project.id)
        assert closed.status == ProjectStatus.STOPPED and closed.progress_score == 3.5
