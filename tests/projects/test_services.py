"""The project rules on the in-memory register (tests/projects/fakes.py): the wizard and drafts, governance,
review, who may do what, PDSA cycles, data points, evaluation and the stale nudge. A refused action changes
nothing: each refusal compares the whole fake database before and after."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.projects import services as svc
from core.projects.commands import (
    Aim,
    Basics,
    ChartSetting,
    DataPoint,
    Governance,
    InvalidField,
    Measures,
    MeasureText,
    Pdsa,
    ProjectQuery,
    Rubric,
    TypedStep,
)
from core.projects.model import ProjectStatus
from core.projects.wizard import OWN_COACH
from tests.fakes import FakeUnitOfWork
from tests.projects.data import (
    EVALUATION,
    GOOD_SCORES,
    MESSAGES,
    NOW,
    THE_AIM,
    THE_BASICS,
    THE_MEASURES,
    approved,
    governance,
    person,
    registered,
    team,
    unchanged,
)


@pytest.fixture
async def uow():
    return FakeUnitOfWork()


@pytest.fixture
async def people(uow):
    lead, coach, other = await person(uow, 1), await person(uow, 2, coach=True), await person(uow, 3)
    admin = await person(uow, 4, admin=True)
    return lead, coach, other, admin


def queued(uow) -> list[tuple[int, str]]:
    """(to whom, what) of every queued message, in order."""
    return [(row["user_id"], row["message"].text) for row in uow.db.outbox.values()]


# --- the wizard and drafts ------------------------------------------------------------------------------------


async def test_a_draft_is_built_step_by_step_resumed_and_only_its_lead_may_change_it(uow, content, people):
    lead, coach, other, _ = people
    draft, resumed = await svc.start_or_resume(uow, user=lead, now=NOW)
    assert not resumed and draft.wizard_step == 1 and svc.missing_steps(draft) == [1, 2, 3, 4, 5]
    common = {"user": lead, "project_id": draft.id, "now": NOW}
    await svc.save_basics(uow, basics=THE_BASICS, content=content, **common)
    again, resumed = await svc.start_or_resume(uow, user=lead, now=NOW)
    assert resumed and again.id == draft.id and again.wizard_step == 2 and again.title == THE_BASICS.title
    async with unchanged(uow, NotAllowed, "belongs to someone else"):
        await svc.save_basics(uow, user=other, project_id=draft.id, basics=THE_BASICS, content=content, now=NOW)
    async with unchanged(uow, InvalidInput, "complete step 2 of 5"):
        await svc.submit(uow, user=lead, project_id=draft.id, content=content, messages=MESSAGES, now=NOW)

    await svc.save_aim(uow, aim=THE_AIM, **common)
    await svc.save_team(uow, team=team(coach.id), content=content, **common)
    await svc.save_measures(uow, measures=THE_MEASURES, **common)
    project = await svc.save_governance(uow, governance=governance(), content=content, **common)
    assert project.wizard_step == svc.REVIEW_STEP and svc.missing_steps(project) == []
    assert [m.kind for m in project.measures] == ["outcome", "process", "balancing"]
    assert [(m.name, m.role) for m in project.team] == [("Sam Lee", "ward manager"), ("Alex Khan", "physiotherapist")]
    # Going back and saving an earlier step keeps the wizard where it had got to.
    project = await svc.save_aim(uow, aim=replace(THE_AIM, who="night staff"), **common)
    assert project.wizard_step == svc.REVIEW_STEP and project.aim_who == "night staff"


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"title": "  "}, "title", "Please give the project a title."),
        ({"problem": "word " * 101}, "problem", "at most 100 words"),
        ({"site": "atlantis"}, "site", "choose the site"),
        ({"division": "astrology"}, "division", "division"),
        ({"strategic_aim": None}, "strategic_aim", "strategic aim"),
        ({"title": "x" * 121}, "title", "120 characters"),
    ],
)
async def test_basics_refused_name_their_field_and_change_nothing(uow, content, people, change, field, words):
    lead, *_ = people
    draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    async with unchanged(uow, InvalidField, words) as refused:
        await svc.save_basics(
            uow, user=lead, project_id=draft.id, basics=replace(THE_BASICS, **change), content=content, now=NOW
        )
    assert refused.value.field == field


async def test_free_text_is_cleaned_of_control_characters(uow, content, people):
    lead, *_ = people
    draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    basics = replace(THE_BASICS, title="  Fewer\x00 falls\x07  ")
    project = await svc.save_basics(uow, user=lead, project_id=draft.id, basics=basics, content=content, now=NOW)
    assert project.title == "Fewer falls"


async def test_team_needs_a_real_coach_or_asking_for_one(uow, content, people):
    lead, coach, other, _ = people
    draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    common = {"user": lead, "project_id": draft.id, "content": content, "now": NOW}
    async with unchanged(uow, InvalidField, "not a QI coach"):
        await svc.save_team(uow, team=team(other.id), **common)
    async with unchanged(uow, InvalidField, "choose a coach"):
        await svc.save_team(uow, team=team(None), **common)
    async with unchanged(uow, InvalidField, "at most 12"):
        await svc.save_team(uow, team=team(coach.id, team="\n".join(f"P{n} - nurse" for n in range(13))), **common)
    project = await svc.save_team(uow, team=team(None, find_coach=True), **common)
    assert project.needs_coach and project.coach_id is None
    assert await svc.coach_choices(uow, site="basildon") == [(coach.id, coach.name)]
    assert await svc.coach_choices(uow, site="southend") == []


async def test_measures_need_outcome_process_and_balancing_each_defined(uow, content, people):
    lead, *_ = people
    draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    common = {"user": lead, "project_id": draft.id, "now": NOW}
    no_definition = replace(THE_MEASURES, process=(*THE_MEASURES.process, MeasureText("Huddles held", None)))
    async with unchanged(uow, InvalidField, "how process measure 2 is defined") as refused:
        await svc.save_measures(uow, measures=no_definition, **common)
    assert refused.value.field == "process.1.definition"
    async with unchanged(uow, InvalidField, "the balancing measure") as refused:
        await svc.save_measures(uow, measures=replace(THE_MEASURES, balancing=MeasureText(None, None)), **common)
    assert refused.value.field == "balancing.name"
    project = await svc.save_measures(uow, measures=THE_MEASURES, **common)
    assert len(project.measures) == 3


async def test_aim_hints_point_at_the_missing_number_or_date(uow, content, people):
    lead, *_ = people
    draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    common = {"user": lead, "project_id": draft.id, "now": NOW}
    async with unchanged(uow, InvalidField, "Add a number") as refused:
        await svc.save_aim(uow, aim=replace(THE_AIM, how_much="a lot"), **common)
    assert refused.value.field == "how_much"
    async with unchanged(uow, InvalidField, "Add a date") as refused:
        await svc.save_aim(uow, aim=replace(THE_AIM, by=None), **common)
    assert refused.value.field == "by"
    async with unchanged(uow, InvalidField, "in the future"):
        await svc.save_aim(uow, aim=replace(THE_AIM, by=NOW.date()), **common)


# --- governance ------------------------------------------------------------------------------------------------


async def test_research_is_signposted_and_cannot_be_submitted(uow, content, people):
    lead, coach, *_ = people
    project = await registered(uow, content, lead, coach, governance=governance(research=True))
    assert project.governance == "research"
    async with unchanged(uow, NotAllowed, "Research and Development"):
        await svc.submit(uow, user=lead, project_id=project.id, content=content, messages=MESSAGES, now=NOW)
    assert (await svc.get_project(uow, project.id)).status == ProjectStatus.DRAFT and queued(uow) == []


async def test_triage_the_first_yes_decides_and_every_question_before_it_is_answered(content):
    assert svc.triage(governance(), content) == "qi"
    assert svc.triage(governance(audit=True, service_evaluation=True), content) == "audit"
    assert svc.triage(Governance({"research": True}), content) == "research"  # the rest need no answer
    with pytest.raises(InvalidField) as refused:
        svc.triage(Governance({"research": False, "audit": None}), content)
    assert refused.value.field == "audit"


# --- review: approve and return --------------------------------------------------------------------------------


async def test_submit_asks_the_coach_and_approval_tells_the_lead_once(uow, content, people):
    lead, coach, other, admin = people
    project = await registered(uow, content, lead, coach)
    project = await svc.submit(uow, user=lead, project_id=project.id, content=content, messages=MESSAGES, now=NOW)
    assert project.status == ProjectStatus.SUBMITTED and queued(uow) == [(coach.id, f"review_request {project.id}")]
    async with unchanged(uow, InvalidInput, "already been submitted"):
        await svc.submit(uow, user=lead, project_id=project.id, content=content, messages=MESSAGES, now=NOW)
    for refused_user, words in ((other, "coach or a QI admin can approve"), (lead, "You lead this project")):
        async with unchanged(uow, NotAllowed, words):
            await svc.approve(
                uow, user=refused_user, project_id=project.id, comment=None, content=content, messages=MESSAGES, now=NOW
            )
    project = await svc.approve(
        uow, user=coach, project_id=project.id, comment="Great aim", content=content, messages=MESSAGES, now=NOW
    )
    assert project.status == ProjectStatus.APPROVED and project.approval_comment == "Great aim"
    assert queued(uow)[-1] == (lead.id, f"approved {project.id}")
    async with unchanged(uow, InvalidInput, "approved, so it cannot be approved now"):
        await svc.approve(
            uow, user=admin, project_id=project.id, comment=None, content=content, messages=MESSAGES, now=NOW
        )


async def test_without_a_coach_every_admin_is_asked_to_review(uow, content, people):
    lead, _, _, admin = people
    project = await registered(uow, content, lead, None)
    await svc.submit(uow, user=lead, project_id=project.id, content=content, messages=MESSAGES, now=NOW)
    assert queued(uow) == [(admin.id, f"review_request {project.id}")]


async def test_returned_for_changes_it_is_a_draft_again_with_the_comment(uow, content, people):
    lead, coach, other, _ = people
    project = await registered(uow, content, lead, coach)
    await svc.submit(uow, user=lead, project_id=project.id, content=content, messages=MESSAGES, now=NOW)
    args = {"project_id": project.id, "content": content, "messages": MESSAGES, "now": NOW}
    async with unchanged(uow, NotAllowed, "can return it"):
        await svc.return_for_changes(uow, user=other, comment="No", **args)
    async with unchanged(uow, InvalidField, "what should change"):
        await svc.return_for_changes(uow, user=coach, comment=" ", **args)
    returned = await svc.return_for_changes(uow, user=coach, comment="Add a patient to the team", **args)
    assert returned.status == ProjectStatus.DRAFT and returned.wizard_step == svc.REVIEW_STEP
    assert returned.approval_comment == "Add a patient to the team"
    assert queued(uow)[-1] == (lead.id, f"returned {project.id}")
    again = await svc.submit(uow, user=lead, project_id=project.id, content=content, messages=MESSAGES, now=NOW)
    assert again.status == ProjectStatus.SUBMITTED


# --- who may do what --------------------------------------------------------------------------------------------


async def test_what_each_person_may_do_comes_with_the_view(uow, content, people):
    lead, coach, other, admin = people
    project = await registered(uow, content, lead, coach)

    async def flags(user):
        view = await svc.project_view(uow, user=user, project_id=project.id)
        return {k for k in ("can_edit", "can_update", "can_review", "can_join", "can_resume") if getattr(view, k)}

    assert await flags(lead) == {"can_edit", "can_resume"}
    with pytest.raises(NotFound, match="no longer exists"):  # someone else's draft: as if there were none
        await svc.project_view(uow, user=other, project_id=project.id)
    with pytest.raises(NotFound, match="no longer exists"):
        await svc.project_view(uow, user=other, project_id=project.id + 1000)

    await svc.submit(uow, user=lead, project_id=project.id, content=content, messages=MESSAGES, now=NOW)
    assert await flags(coach) == {"can_edit", "can_review"} and await flags(admin) == {"can_edit", "can_review"}
    assert await flags(lead) == {"can_edit"} and await flags(other) == {"can_join"}
    await svc.approve(uow, user=coach, project_id=project.id, comment="Hi", content=content, messages=MESSAGES, now=NOW)
    assert await flags(lead) == {"can_edit", "can_update"} and await flags(other) == {"can_join"}
    outsider = await svc.project_view(uow, user=other, project_id=project.id)
    assert not outsider.sees_private and outsider.evaluation is None
    assert (await svc.project_view(uow, user=lead, project_id=project.id)).sees_private


async def test_the_update_forms_are_refused_to_those_who_may_not_send_them(uow, content, people):
    lead, coach, other, _ = people
    project = await registered(uow, content, lead, coach)
    await svc.submit(uow, user=lead, project_id=project.id, content=content, messages=MESSAGES, now=NOW)
    with pytest.raises(InvalidInput, match="updates are for approved"):
        await svc.view_to_update(uow, user=lead, project_id=project.id)
    with pytest.raises(NotAllowed):
        await svc.view_to_review(uow, user=other, project_id=project.id)
    assert (await svc.view_to_review(uow, user=coach, project_id=project.id)).project.id == project.id
    await svc.approve(uow, user=coach, project_id=project.id, comment=None, content=content, messages=MESSAGES, now=NOW)
    with pytest.raises(NotAllowed, match="Only the project's lead"):
        await svc.view_to_update(uow, user=other, project_id=project.id)
    for form in (svc.view_to_evaluate, svc.view_to_score):
        with pytest.raises(NotAllowed):
            await form(uow, user=lead, project_id=project.id)


async def test_a_colleague_asks_to_join_and_the_lead_accepts(uow, content, people):
    lead, coach, other, _ = people
    project = await approved(uow, content, lead, coach)
    args = {"project_id": project.id, "content": content, "messages": MESSAGES, "now": NOW}
    async with unchanged(uow, NotAllowed, "Only the project's lead"):
        await svc.set_score(uow, user=other, project_id=project.id, score=3.0, content=content, now=NOW)
    async with unchanged(uow, InvalidInput, "already update"):
        await svc.ask_to_join(uow, user=coach, **args)
    await svc.ask_to_join(uow, user=other, **args)
    assert queued(uow)[-1] == (lead.id, f"join_request {project.id} {other.id}")
    async with unchanged(uow, NotAllowed, "add people to the team"):
        await svc.accept_member(uow, user=other, project_id=project.id, member_id=other.id, role=None, now=NOW)
    joined = await svc.accept_member(
        uow, user=lead, project_id=project.id, member_id=other.id, role="Staff nurse", now=NOW
    )
    assert other.id in joined.member_ids and joined.team[-1].role == "Staff nurse"
    again = await svc.accept_member(uow, user=lead, project_id=project.id, member_id=other.id, role=None, now=NOW)
    assert len(again.team) == len(joined.team)  # once on the team
    view = await svc.project_view(uow, user=other, project_id=project.id)
    assert view.can_update and not view.can_join
    scored = await svc.set_score(uow, user=other, project_id=project.id, score=2.0, content=content, now=NOW)
    assert scored.progress_score == 2.0 and scored.status == ProjectStatus.ACTIVE


async def test_a_draft_cannot_be_joined(uow, content, people):
    lead, coach, other, _ = people
    project = await registered(uow, content, lead, coach)
    async with unchanged(uow, NotFound, "not registered yet"):
        await svc.ask_to_join(uow, user=other, project_id=project.id, content=content, messages=MESSAGES, now=NOW)


# --- progress: score, PDSA cycles, data ------------------------------------------------------------------------


async def test_progress_scores_are_the_ihi_scale_and_the_first_update_makes_it_active(uow, content, people):
    lead, coach, _, admin = people
    project = await approved(uow, content, lead, coach)
    for bad in (3.2, None, 5.5):
        async with unchanged(uow, InvalidField, "0.5 to 5.0"):
            await svc.set_score(uow, user=lead, project_id=project.id, score=bad, content=content, now=NOW)
    assert (await svc.get_project(uow, project.id)).status == ProjectStatus.APPROVED
    later = NOW + timedelta(days=1)
    updated = await svc.set_score(uow, user=lead, project_id=project.id, score=2.5, content=content, now=later)
    assert updated.status == ProjectStatus.ACTIVE and updated.progress_score == 2.5 and updated.updated_at == later
    updated = await svc.set_score(uow, user=admin, project_id=project.id, score=3.0, content=content, now=later)
    assert updated.progress_score == 3.0 and updated.status == ProjectStatus.ACTIVE


async def test_a_pdsa_cycle_needs_a_plan_and_a_prediction(uow, content, people):
    lead, coach, other, _ = people
    project = await registered(uow, content, lead, coach)
    args = {"project_id": project.id, "now": NOW}
    async with unchanged(uow, InvalidInput, "updates are for approved"):
        await svc.log_pdsa(uow, user=lead, cycle=Pdsa("Huddle", "Fewer falls"), **args)
    await svc.submit(uow, user=lead, project_id=project.id, content=content, messages=MESSAGES, now=NOW)
    await svc.approve(uow, user=coach, project_id=project.id, comment=None, content=content, messages=MESSAGES, now=NOW)
    async with unchanged(uow, InvalidField, "prediction"):
        await svc.log_pdsa(uow, user=lead, cycle=Pdsa("Huddle", ""), **args)
    async with unchanged(uow, InvalidField, "adopt, adapt or abandon"):
        await svc.log_pdsa(uow, user=lead, cycle=Pdsa("Huddle", "Fewer falls", act="ignore"), **args)
    async with unchanged(uow, NotAllowed):
        await svc.log_pdsa(uow, user=other, cycle=Pdsa("Huddle", "Fewer falls"), **args)
    done = Pdsa(" Huddle at 20:00 ", "Fewer falls", do="Ran it", study="Fewer falls", act="adapt")
    cycle = await svc.log_pdsa(uow, user=coach, cycle=done, **args)
    assert (cycle.plan, cycle.act) == ("Huddle at 20:00", "adapt")
    view = await svc.project_view(uow, user=lead, project_id=project.id)
    assert view.pdsa_count == 1 and view.project.status == ProjectStatus.ACTIVE


async def test_data_points_are_dated_numbers_of_the_project_own_measures(uow, content, people):
    lead, coach, other, _ = people
    project = await approved(uow, content, lead, coach)
    theirs = await approved(uow, content, other, coach)
    measure = project.measures[0]

    async def add(day, value, user=lead, measure_id=measure.id):
        point = DataPoint(measure_id, day, value)
        return await svc.add_data(uow, user=user, point=point, project_id=project.id, now=NOW)

    for day, value, words in (
        (date(2027, 1, 1), 1, "future"),
        (None, 1, "date of the data point"),
        (date(2026, 11, 2), None, "as a number"),
        (date(2026, 11, 2), float("nan"), "sensible"),
        (date(2026, 11, 2), float("inf"), "sensible"),
        (date(2026, 11, 2), 2e9, "sensible"),
    ):
        async with unchanged(uow, InvalidField, words):
            await add(day, value)
    async with unchanged(uow, InvalidField, "not part of this project"):
        await add(date(2026, 11, 2), 3, measure_id=theirs.measures[0].id)
    async with unchanged(uow, NotAllowed):
        await add(date(2026, 11, 2), 3, user=other)
    for day, value in ((date(2026, 11, 1), 8), (date(2026, 11, 8), 6), (date(2026, 11, 8), 5)):
        await add(day, value)
    view = await svc.project_view(uow, user=lead, project_id=project.id)
    assert view.points[measure.id] == [(date(2026, 11, 1), 8.0), (date(2026, 11, 8), 5.0)]  # one value a day
    assert await svc.chart_for(uow, measure_id=measure.id, viewer_id=lead.id) == (measure, view.points[measure.id])
    assert await svc.chart_for(uow, measure_id=project.measures[1].id, viewer_id=lead.id) is None  # no data


async def test_each_measure_chooses_its_chart_and_direction(uow, content, people):
    lead, coach, other, _ = people
    project = await approved(uow, content, lead, coach)
    measure = project.measures[0]
    async with unchanged(uow, NotAllowed):
        await svc.set_chart(uow, user=other, setting=ChartSetting(measure.id, "xmr", "decrease"), now=NOW)
    async with unchanged(uow, InvalidInput, "run chart or an XmR chart"):
        await svc.set_chart(uow, user=lead, setting=ChartSetting(measure.id, "pie", "decrease"), now=NOW)
    async with unchanged(uow, NotFound):
        await svc.set_chart(uow, user=lead, setting=ChartSetting(999_999, "xmr", "decrease"), now=NOW)
    changed = await svc.set_chart(uow, user=lead, setting=ChartSetting(measure.id, "xmr", "decrease"), now=NOW)
    assert (changed.chart, changed.improvement) == ("xmr", "decrease")


# --- close and evaluation --------------------------------------------------------------------------------------


async def test_close_evaluate_and_score(uow, content, people):
    lead, coach, other, admin = people
    project = await approved(uow, content, lead, coach)
    args = {"project_id": project.id, "content": content, "messages": MESSAGES, "now": NOW}
    async with unchanged(uow, InvalidInput, "written when a project is completed"):
        await svc.submit_evaluation(uow, user=lead, evaluation=EVALUATION, **args)
    async with unchanged(uow, NotAllowed):
        await svc.close(uow, user=other, project_id=project.id, completed=True, now=NOW)
    closed = await svc.close(uow, user=lead, project_id=project.id, completed=True, now=NOW)
    assert closed.status == ProjectStatus.COMPLETED
    async with unchanged(uow, InvalidInput, "only a live project can be closed"):
        await svc.close(uow, user=lead, project_id=project.id, completed=False, now=NOW)
    assert (await svc.project_view(uow, user=lead, project_id=project.id)).can_evaluate
    assert not (await svc.project_view(uow, user=coach, project_id=project.id)).can_score  # nothing written yet

    async with unchanged(uow, NotAllowed, "Only the project's lead can write"):
        await svc.submit_evaluation(uow, user=coach, evaluation=EVALUATION, **args)
    async with unchanged(uow, InvalidField, "adopt, adapt or abandon"):
        await svc.submit_evaluation(uow, user=lead, evaluation=replace(EVALUATION, decision="maybe"), **args)
    async with unchanged(uow, InvalidField, "what will sustain the change"):
        await svc.submit_evaluation(uow, user=lead, evaluation=replace(EVALUATION, sustain=None), **args)
    async with unchanged(uow, InvalidInput, "has not written"):
        await svc.score_evaluation(uow, user=coach, rubric=GOOD_SCORES, **args)
    written = await svc.submit_evaluation(uow, user=lead, evaluation=EVALUATION, **args)
    assert written.decision == "adopt" and not written.scored
    assert queued(uow)[-1] == (coach.id, f"evaluation_request {project.id}")

    async with unchanged(uow, NotAllowed, "score its evaluation"):
        await svc.score_evaluation(uow, user=other, rubric=GOOD_SCORES, **args)
    too_high = Rubric({**GOOD_SCORES.scores, "aim_achieved": 5})
    async with unchanged(uow, InvalidField, "'Aim achieved' from 1 to 4") as refused:
        await svc.score_evaluation(uow, user=coach, rubric=too_high, **args)
    assert refused.value.field == "aim_achieved"
    missing = Rubric({**GOOD_SCORES.scores, "sustainability": None})
    async with unchanged(uow, InvalidField, "'Sustainability' from 1 to 4"):
        await svc.score_evaluation(uow, user=coach, rubric=missing, **args)
    scored = await svc.score_evaluation(uow, user=admin, rubric=replace(GOOD_SCORES, comment="Strong"), **args)
    assert scored.scored and scored.scores.aim_achieved == 4 and scored.coach_comment == "Strong"
    assert queued(uow)[-1] == (lead.id, f"summary_ready {project.id}")

    async with unchanged(uow, InvalidInput, "already been scored"):
        await svc.submit_evaluation(uow, user=lead, evaluation=EVALUATION, **args)
    view = await svc.project_view(uow, user=lead, project_id=project.id)
    assert not view.can_evaluate and view.evaluation.scored
    assert (await svc.project_view(uow, user=other, project_id=project.id)).evaluation is None  # private
    summary = await svc.project_summary(uow, project_id=project.id)
    assert summary.evaluation == scored and summary.project.id == project.id


async def test_stopping_a_project_asks_for_no_evaluation(uow, content, people):
    lead, coach, *_ = people
    project = await approved(uow, content, lead, coach)
    stopped = await svc.close(uow, user=coach, project_id=project.id, completed=False, now=NOW)
    assert stopped.status == ProjectStatus.STOPPED
    assert not (await svc.project_view(uow, user=lead, project_id=project.id)).can_evaluate


# --- the stale nudge -------------------------------------------------------------------------------------------


async def test_a_quiet_live_project_nudges_its_lead_once_per_lull(uow, content, people):
    lead, coach, *_ = people
    project = await approved(uow, content, lead, coach)
    draft = await registered(uow, content, lead, coach)  # drafts are never nudged
    uow.db.outbox.clear()
    later = NOW + timedelta(days=31)

    async def nudge(now):
        return await svc.nudge_stale(uow, content=content, messages=MESSAGES, now=now)

    assert await nudge(NOW + timedelta(days=29)) == 0
    assert await nudge(later) == 1 and queued(uow) == [(lead.id, f"stale {project.id}")]
    assert await nudge(later + timedelta(hours=1)) == 0  # once per lull
    await svc.set_score(uow, user=lead, project_id=project.id, score=2.0, content=content, now=later)
    assert await nudge(later + timedelta(days=29)) == 0
    assert await nudge(later + timedelta(days=31)) == 1  # a new lull
    assert all(f" {draft.id}" not in text for _, text in queued(uow))


async def test_people_see_their_own_projects(uow, content, people):
    lead, coach, other, _ = people
    live = await approved(uow, content, lead, coach)
    draft = await registered(uow, content, lead, coach, basics=replace(THE_BASICS, title="Second"))
    assert {p.id for p in await svc.my_projects(uow, user=lead)} == {live.id, draft.id}
    assert {p.id for p in await svc.my_projects(uow, user=coach)} == {live.id, draft.id}
    assert [p.id for p in await svc.live_projects(uow, user=lead)] == [live.id]
    assert await svc.my_projects(uow, user=other) == []
    assert [p.id for p in await svc.open_projects_led_by(uow, lead.id)] == [live.id]


async def test_search_understands_words_sites_and_statuses(uow, content, people):
    lead, coach, *_ = people
    live = await approved(uow, content, lead, coach)
    await registered(uow, content, lead, coach, basics=replace(THE_BASICS, title="Falls draft"))  # never found
    asked, found = await svc.search_projects(
        uow, query=ProjectQuery("FALLS a night", "nowhere", "draft"), content=content
    )
    assert asked == ProjectQuery("falls night", None, None) and [p.id for p in found] == [live.id]
    _, found = await svc.search_projects(uow, query=ProjectQuery("falls", "southend", None), content=content)
    assert found == []
    _, found = await svc.search_projects(uow, query=ProjectQuery(None, None, "approved"), content=content)
    assert [p.id for p in found] == [live.id]


# --- nothing typed is lost: Back and Finish later keep a half-done step ------------------------------------------

CHAT = "conversation-1"


async def keep(uow, content, lead, project_id, values, step, typed=None, at=None):
    return await svc.save_partial(
        uow,
        user=lead,
        project_id=project_id,
        values=values,
        typed=TypedStep(step, typed or {}),
        at=at or step,
        conversation_id=CHAT,
        content=content,
        now=NOW,
    )


async def test_finish_later_keeps_every_valid_value_of_a_half_done_step_and_says_what_it_could_not(
    uow, content, people
):
    lead, *_ = people
    draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    half = Basics("Fewer falls at night", None, "atlantis", "medicine", None)
    typed = {"title": "Fewer falls at night", "problem": "", "site": "atlantis", "division": "medicine"}
    kept = await keep(uow, content, lead, draft.id, half, 1, typed)
    project = kept.project
    assert (project.title, project.problem, project.site, project.division) == (half.title, None, None, "medicine")
    assert kept.not_kept == ("Please choose the site from the list.",)
    assert project.wizard_step == 1 and svc.missing_steps(project)[0] == 1  # not done: Save and continue checks it
    left = await svc.left_off(uow, user=lead, project_id=draft.id, conversation_id=CHAT)
    assert left.at == 1 and left.on(1) == typed  # the card comes back exactly as it was left, the bad site too
    again, resumed = await svc.start_or_resume(uow, user=lead, now=NOW)
    assert resumed and again.title == "Fewer falls at night"
    # An empty first step can be left too: nothing to keep, nothing refused.
    empty = await keep(uow, content, lead, draft.id, Basics(None, None, None, None, None), 1)
    assert empty.not_kept == () and empty.project.title is None


async def test_a_half_done_aim_keeps_its_words_but_not_a_date_in_the_past(uow, content, people):
    lead, *_ = people
    draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    kept = await keep(uow, content, lead, draft.id, Aim("Reduce falls", None, "a lot", NOW.date() - timedelta(1)), 2)
    assert (kept.project.aim_what, kept.project.aim_how_much, kept.project.aim_by) == ("Reduce falls", "a lot", None)
    assert kept.not_kept == ("Please choose a date in the future for 'by when'.",)
    kept = await keep(uow, content, lead, draft.id, Aim("Reduce falls", None, "a lot", date(2027, 6, 30)), 2)
    assert kept.project.aim_by == date(2027, 6, 30) and kept.not_kept == ()


async def test_a_half_done_team_keeps_the_people_it_can_and_never_the_lead_as_coach(uow, content, people):
    lead, coach, *_ = people
    draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    crowd = "\n".join(f"P{n} - nurse" for n in range(14)) + "\n" + "x" * 130
    kept = await keep(uow, content, lead, draft.id, team(lead.id, team=crowd, sponsor=None), 3)
    assert len(kept.project.team) == content.projects.team_max and kept.project.coach_id is None
    assert OWN_COACH in kept.not_kept and any("name and role short" in s for s in kept.not_kept)
    assert any(f"only the first {content.projects.team_max}" in s for s in kept.not_kept)
    kept = await keep(uow, content, lead, draft.id, team(coach.id), 3)
    assert kept.project.coach_id == coach.id and kept.project.sponsor == "Dr Jones" and kept.not_kept == ()


async def test_half_done_measures_keep_each_name_and_definition_and_the_directions_as_typed(uow, content, people):
    lead, *_ = people
    draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    half = Measures(
        MeasureText("Falls at night", None, "decrease"),
        (MeasureText(None, "Share of admissions assessed", None), MeasureText(None, None, None)),
        MeasureText(None, None, None),
    )
    typed = {"outcome_name": "Falls at night", "outcome_better": "decrease", "process1_definition": "Share of..."}
    kept = await keep(uow, content, lead, draft.id, half, 4, typed)
    stored = [(m.kind, m.name, m.definition) for m in kept.project.measures]
    assert stored == [("outcome", "Falls at night", ""), ("process", "", "Share of admissions assessed")]
    assert 4 in svc.missing_steps(kept.project)  # half-done measures cannot be submitted
    assert (await svc.left_off(uow, user=lead, project_id=draft.id, conversation_id=CHAT)).on(4) == typed


async def test_half_done_governance_keeps_a_decided_answer_only(uow, content, people):
    lead, *_ = people
    draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    undecided = await keep(uow, content, lead, draft.id, governance(audit=None, service_evaluation=None), 5)
    assert undecided.project.governance is None and "once all are answered" in undecided.not_kept[0]
    decided = await keep(uow, content, lead, draft.id, governance(research=True, audit=None), 5)
    assert decided.project.governance == "research" and decided.not_kept == ()


async def test_only_the_lead_keeps_a_half_done_step_and_a_stale_card_changes_nothing(uow, content, people):
    lead, _, other, _ = people
    draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    async with unchanged(uow, NotAllowed, "belongs to someone else"):
        await keep(uow, content, other, draft.id, THE_BASICS, 1, {"title": "mine now"})
    async with unchanged(uow, InvalidInput, "out of date"):
        await keep(uow, content, lead, draft.id, THE_BASICS, 2)  # values of step 1 sent as step 2


async def test_a_step_saved_in_full_forgets_its_typing_and_submitting_forgets_all(uow, content, people):
    lead, coach, *_ = people
    draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    await keep(uow, content, lead, draft.id, THE_BASICS, 1, {"title": "typed"})
    await keep(uow, content, lead, draft.id, THE_AIM, 2, {"aim_what": "typed"}, at=1)
    await svc.step_done(uow, user=lead, project_id=draft.id, step=1, conversation_id=CHAT, now=NOW)
    left = await svc.left_off(uow, user=lead, project_id=draft.id, conversation_id=CHAT)
    assert left.at == 2 and set(left.typed) == {2}
    await svc.step_done(uow, user=lead, project_id=draft.id, step=None, conversation_id=CHAT, now=NOW)
    assert await svc.left_off(uow, user=lead, project_id=draft.id, conversation_id=CHAT) == svc.LeftOff()
    assert uow.db.state[(CHAT, lead.id)][0] == {}  # nothing of the draft's typing is left behind
    other_chat = await svc.left_off(uow, user=coach, project_id=draft.id, conversation_id=CHAT)
    assert other_chat == svc.LeftOff()  # each person's typing is their own


# --- a measure's better direction is asked for, never assumed ----------------------------------------------------


@pytest.mark.parametrize(
    "aim, better",
    [
        ("Reduce falls at night", "decrease"),
        ("Fewer pressure ulcers", "decrease"),
        ("To cut waiting times", "decrease"),
        ("Increase the share of patients screened", "increase"),
        ("Improve discharge before noon", "increase"),
        ("Falls at night", None),
        (None, None),
    ],
)
def test_the_aim_suggests_which_way_is_better(aim, better):
    assert svc.suggested_direction(aim) == better


async def test_every_measure_needs_its_better_direction_chosen(uow, content, people):
    lead, *_ = people
    draft, _ = await svc.start_or_resume(uow, user=lead, now=NOW)
    common = {"user": lead, "project_id": draft.id, "now": NOW}
    unchosen = replace(THE_MEASURES, process=(MeasureText("Risk assessments done", "Share assessed in 6 h"),))
    async with unchanged(uow, InvalidField, "whether higher or lower is better for process measure 1") as refused:
        await svc.save_measures(uow, measures=unchosen, **common)
    assert refused.value.field == "process.0.better"
    project = await svc.save_measures(uow, measures=THE_MEASURES, **common)
    assert [m.improvement for m in project.measures] == ["decrease", "increase", "decrease"]


# --- governance: nobody reviews their own project ---------------------------------------------------------------


async def test_a_lead_cannot_be_their_own_coach(uow, content, people):
    _, coach, *_ = people
    draft, _ = await svc.start_or_resume(uow, user=coach, now=NOW)  # a coach leading a project of their own
    common = {"user": coach, "project_id": draft.id, "content": content, "now": NOW}
    assert coach.id not in dict(await svc.coach_choices(uow, site="basildon", lead_id=coach.id))
    async with unchanged(uow, InvalidField, "cannot also be its coach") as refused:
        await svc.save_team(uow, team=team(coach.id), **common)
    assert refused.value.field == "coach"


async def test_nobody_approves_their_own_project_admins_included(uow, content, people):
    _, coach, other, admin = people
    project = await registered(uow, content, admin, None)  # an admin leads it and asks us to find a coach
    await svc.submit(uow, user=admin, project_id=project.id, content=content, messages=MESSAGES, now=NOW)
    assert queued(uow) == []  # the only admin is the lead: nobody is asked to review their own project
    view = await svc.project_view(uow, user=admin, project_id=project.id)
    assert not view.can_review
    args = {"project_id": project.id, "comment": "Fine", "content": content, "messages": MESSAGES, "now": NOW}
    async with unchanged(uow, NotAllowed, "You lead this project"):
        await svc.approve(uow, user=admin, **args)
    async with unchanged(uow, NotAllowed, "You lead this project"):
        await svc.return_for_changes(uow, user=admin, **args)
    with pytest.raises(NotAllowed, match="nobody reviews their own project"):
        await svc.view_to_review(uow, user=admin, project_id=project.id)
    second_admin = await person(uow, 5, admin=True)
    approved_project = await svc.approve(uow, user=second_admin, **args)
    assert approved_project.status == ProjectStatus.APPROVED


async def test_a_lead_does_not_score_their_own_evaluation(uow, content, people):
    lead, coach, _, admin = people
    project = await registered(uow, content, admin, coach)
    await svc.submit(uow, user=admin, project_id=project.id, content=content, messages=MESSAGES, now=NOW)
    await svc.approve(uow, user=coach, project_id=project.id, comment=None, content=content, messages=MESSAGES, now=NOW)
    await svc.close(uow, user=admin, project_id=project.id, completed=True, now=NOW)
    await svc.submit_evaluation(
        uow, user=admin, project_id=project.id, evaluation=EVALUATION, content=content, messages=MESSAGES, now=NOW
    )
    assert not (await svc.project_view(uow, user=admin, project_id=project.id)).can_score
    async with unchanged(uow, NotAllowed, "You lead this project"):
        await svc.score_evaluation(
            uow, user=admin, project_id=project.id, rubric=GOOD_SCORES, content=content, messages=MESSAGES, now=NOW
        )
