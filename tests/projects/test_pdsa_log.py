"""The PDSA log can be read and completed (issue 10.6): a project shows its cycles to its team; a planned cycle
later gets its Do, Study and Act; adopt, adapt or abandon needs Do and Study (the service refuses it by field,
and the form comes back with what was typed). On the in-memory register and in transcripts."""

import pytest

from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.projects import services as svc
from core.projects.commands import InvalidField, Pdsa
from core.projects.model import ProjectStatus
from tests.dialogs.harness import card_inputs, card_text, find_action
from tests.fakes import FakeUnitOfWork
from tests.projects.data import NOW, approved, onboarded_chats, person, registered, unchanged

PLANNED = Pdsa("Huddle at 20:00", "Fewer falls at night")


@pytest.fixture
async def uow():
    return FakeUnitOfWork()


@pytest.fixture
async def live(uow, content):
    lead, coach, other = await person(uow, 1), await person(uow, 2, coach=True), await person(uow, 3)
    project = await approved(uow, content, lead, coach)
    return lead, coach, other, project


async def test_adopt_adapt_or_abandon_needs_do_and_study_when_logged(uow, live):
    lead, _, _, project = live
    args = {"user": lead, "project_id": project.id, "now": NOW}
    for cycle, field in (
        (Pdsa("Huddle", "Fewer falls", act="adopt"), "do"),
        (Pdsa("Huddle", "Fewer falls", do="Ran it", act="abandon"), "study"),
        (Pdsa("Huddle", "Fewer falls", study="Learned", act="adapt"), "do"),
    ):
        async with unchanged(uow, InvalidField) as refused:
            await svc.log_pdsa(uow, cycle=cycle, **args)
        assert refused.value.field == field
    planned = await svc.log_pdsa(uow, cycle=PLANNED, **args)  # a plan and a prediction are enough to start
    assert (planned.do, planned.study, planned.act) == (None, None, None)


async def test_a_planned_cycle_gets_its_do_study_and_act_later(uow, live):
    lead, coach, _, project = live
    cycle = await svc.log_pdsa(uow, user=lead, project_id=project.id, cycle=PLANNED, now=NOW)
    args = {"project_id": project.id, "cycle_id": cycle.id, "now": NOW}
    async with unchanged(uow, InvalidField) as refused:
        await svc.complete_pdsa(uow, user=lead, do="Ran it for a week", study=None, act="adopt", **args)
    assert refused.value.field == "study"
    async with unchanged(uow, InvalidField, "Do"):
        await svc.complete_pdsa(uow, user=lead, do=" ", study=None, act=None, **args)
    halfway = await svc.complete_pdsa(uow, user=lead, do="Ran it for a week", study=None, act=None, **args)
    assert (halfway.do, halfway.study, halfway.act) == ("Ran it for a week", None, None)
    done = await svc.complete_pdsa(uow, user=coach, do=halfway.do, study="Falls halved", act="adapt", **args)
    assert (done.plan, done.prediction, done.study, done.act) == (
        PLANNED.plan,
        PLANNED.prediction,
        "Falls halved",
        "adapt",
    )
    assert await svc.complete_pdsa(uow, user=lead, do=done.do, study=done.study, act="adapt", **args) == done
    async with unchanged(uow, InvalidInput, "decided"):  # a decided cycle stays as it was decided
        await svc.complete_pdsa(uow, user=lead, do=done.do, study=done.study, act="abandon", **args)
    async with unchanged(uow, InvalidInput, "decided"):
        await svc.cycle_to_complete(uow, user=lead, project_id=project.id, cycle_id=cycle.id)


async def test_only_the_team_reads_and_completes_the_log(uow, content, live):
    lead, coach, other, project = live
    cycle = await svc.log_pdsa(uow, user=lead, project_id=project.id, cycle=PLANNED, now=NOW)
    log = await svc.pdsa_log(uow, user=coach, project_id=project.id)
    assert [c.id for c in log.cycles] == [cycle.id] and log.can_update
    async with unchanged(uow, NotAllowed):
        await svc.pdsa_log(uow, user=other, project_id=project.id)
    args = {"project_id": project.id, "cycle_id": cycle.id, "now": NOW}
    async with unchanged(uow, NotAllowed):
        await svc.complete_pdsa(uow, user=other, do="Mine now", study=None, act=None, **args)
    theirs = await approved(uow, content, other, coach)
    async with unchanged(uow, NotFound):  # a cycle of another project, through this project's card
        await svc.complete_pdsa(uow, user=other, do="x", study=None, act=None, **{**args, "project_id": theirs.id})
    draft = await registered(uow, content, await person(uow, 5), coach)
    async with unchanged(uow, NotFound):  # someone else's draft does not exist for them
        await svc.pdsa_log(uow, user=other, project_id=draft.id)


async def test_a_closed_project_shows_its_log_but_takes_no_more(uow, content, live):
    lead, _, _, project = live
    cycle = await svc.log_pdsa(uow, user=lead, project_id=project.id, cycle=PLANNED, now=NOW)
    await svc.close(uow, user=lead, project_id=project.id, completed=False, now=NOW)
    log = await svc.pdsa_log(uow, user=lead, project_id=project.id)
    assert log.project.status == ProjectStatus.STOPPED and log.cycles == [cycle] and not log.can_update
    async with unchanged(uow, InvalidInput, "updates are for approved"):
        await svc.complete_pdsa(
            uow, user=lead, project_id=project.id, cycle_id=cycle.id, do="x", study="y", act=None, now=NOW
        )


# --- transcripts ---------------------------------------------------------------------------------------------


@pytest.fixture
async def chats(content):
    uow = FakeUnitOfWork()
    lead, coach, other = await onboarded_chats(content, uow)
    project = await approved(uow, content, await lead.user(), await coach.user())
    return lead, other, project


async def test_log_then_complete_a_cycle_through_the_cards(chats):
    lead, other, project = chats
    card = (await lead.press("projects.open", project_id=project.id)).card
    assert "PDSA cycles" not in card_text(card)  # no cycles yet: no log to open
    form = (await lead.press_button(card, "Log a PDSA")).card
    refused = await lead.press_button(form, "Save PDSA", plan="Huddle at 20:00", prediction="Fewer falls", act="adopt")
    assert refused.commit is False and "Please say what happened (Do) before you decide to adopt." in card_text(
        refused.card
    )
    kept = card_inputs(refused.card)
    assert kept["plan"] == "Huddle at 20:00" and kept["prediction"] == "Fewer falls"  # nothing typed is lost
    card = (await lead.press_button(form, "Save PDSA", plan="Huddle at 20:00", prediction="Fewer falls")).card
    assert "PDSA cycle 1 saved." in card_text(card)

    log = (await lead.press_button(card, "PDSA cycles (1)")).card
    text = card_text(log)
    assert "Cycle 1" in text and "planned" in text and "Huddle at 20:00" in text and "Fewer falls" in text
    complete = (await lead.press_button(log, "Add Do, Study, Act")).card
    assert "Huddle at 20:00" in card_text(complete)
    refused = await lead.press_button(complete, "Save", do="Ran it for a week", act="abandon")
    assert refused.commit is False
    assert "Please say what you learned (Study) before you decide to abandon." in card_text(refused.card)
    assert card_inputs(refused.card)["do"] == "Ran it for a week"
    log = (await lead.press_button(complete, "Save", do="Ran it for a week", study="Falls halved", act="adopt")).card
    text = card_text(log)
    assert "Cycle 1 saved: adopted." in text and "Falls halved" in text and "Add Do, Study, Act" not in text
    card = (await lead.press_button(log, "Back")).card
    assert "PDSA cycles (1)" in card_text(card)

    outsider = card_text((await other.press("projects.open", project_id=project.id)).card)
    assert "PDSA cycles" not in outsider
    before = other.snapshot()
    crafted = await other.press("projects.cycles", project_id=project.id)
    assert "Huddle at 20:00" not in card_text(crafted.card) and other.snapshot() == before


async def test_a_double_tapped_pdsa_card_logs_one_cycle(chats):
    lead, _, project = chats
    form = (await lead.press("projects.pdsa_form", project_id=project.id)).card
    save = find_action(form, "Save PDSA")
    assert save["data"]["nonce"]  # made when the card was shown
    first = await lead.press_button(form, "Save PDSA", plan="Huddle", prediction="Fewer falls")
    again = await lead.press_button(form, "Save PDSA", plan="Huddle", prediction="Fewer falls")
    assert "PDSA cycle 1 saved." in card_text(first.card)
    assert "That PDSA cycle was saved already." in card_text(again.card)
    assert len(await lead.uow.projects.pdsas(project.id)) == 1
    other_form = (await lead.press("projects.pdsa_form", project_id=project.id)).card
    assert find_action(other_form, "Save PDSA")["data"]["nonce"] != save["data"]["nonce"]
