"""Transcripts of the project register (on a real SQLite unit of work): the wizard with drafts and hints,
review with similar projects, approval, data with a chart image, read-only for others, crafted cards refused."""

import json
import re

import pytest

from bot import registry
from core.kernel.model import Role
from dialogs.kit.types import Inbound, Turn
from dialogs.projects import ProjectCards, view
from dialogs.projects.wizard import previous_answers
from tests.dialogs.harness import (
    ROUTER,
    VALIDATOR,
    Chat,
    FakeLinks,
    card_text,
    check_card,
    elements,
    find_action,
    only_card,
)
from tests.projects.data import AIM, BASICS, MEASURES, QI
from tests.projects.journey import project_cards


@pytest.fixture
async def sql_uow(sqlite_engine):
    async with registry.uow_factory(sqlite_engine)() as uow:
        yield uow


@pytest.fixture
async def people(content, sql_uow):
    lead = Chat(content, n=1, uow=sql_uow)
    coach = Chat(content, n=2, uow=sql_uow)
    other = Chat(content, n=3, uow=sql_uow)
    for chat in (lead, coach, other):
        await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    await coach.grant(Role.COACH)
    return lead, coach, other


async def walk_wizard(lead, coach_id):
    card = only_card(await lead.say("register project"))
    assert "step 1 of 5" in card_text(card) and "The basics" in card_text(card)
    card = (await lead.press_button(card, "Save and continue", **BASICS)).card
    assert "Your aim" in card_text(card)
    card = (await lead.press_button(card, "Save and continue", **AIM)).card
    assert "Team and coach" in card_text(card)
    card = (
        await lead.press_button(
            card, "Save and continue", team="Sam Lee - ward manager", sponsor="Dr Jones", coach=str(coach_id)
        )
    ).card
    card = (await lead.press_button(card, "Save and continue", **MEASURES)).card
    assert "QI, audit or research?" in card_text(card)
    return (await lead.press_button(card, "Save and continue", **QI)).card


async def approved_project(lead, coach) -> int:
    """Register through the wizard, submit, and have the coach approve: the project's id."""
    review = await walk_wizard(lead, (await coach.user()).id)
    await lead.press_button(review, "Submit for approval")
    project_id = find_action(review, "Submit for approval")["data"]["project_id"]
    form = await coach.press("projects.approve_form", project_id=project_id)
    await coach.press_button(form.card, "Approve")
    return project_id


async def test_register_a_project_in_five_steps_and_submit(people):
    lead, coach, _ = people
    review = await walk_wizard(lead, (await coach.user()).id)
    text = card_text(review)
    assert "check and submit" in text and "Reduce falls at night for patients on Ward 7 from 8 to 4 a month" in text
    assert "Datix falls 20:00-08:00 a month (lower is better)" in text  # the direction chosen, to check
    assert "Share of admissions assessed in 6 h (higher is better)" in text
    submitted = await lead.press_button(review, "Submit for approval")
    assert "Submitted. Your coach will review it." in card_text(submitted.card)


async def test_missing_number_in_the_aim_gives_a_hint_and_keeps_the_draft(people):
    lead, coach, _ = people
    card = only_card(await lead.say("register project"))
    card = (await lead.press_button(card, "Save and continue", **BASICS)).card
    response = await lead.press_button(card, "Save and continue", **{**AIM, "aim_how_much": "a lot"})
    assert "Add a number" in card_text(response.card) and response.commit is False
    resumed = only_card(await lead.say("register project"))
    assert "Welcome back: your draft 'Fewer falls at night on Ward 7' is saved." in card_text(resumed)
    assert "Your aim" in card_text(resumed)


async def test_coach_approves_then_data_shows_a_chart_and_others_only_read(people):
    lead, coach, other = people
    review = await walk_wizard(lead, (await coach.user()).id)
    await lead.press_button(review, "Submit for approval")
    project_id = find_action(review, "Submit for approval")["data"]["project_id"]
    crafted = await other.press("projects.approve", project_id=project_id)
    assert "Only the project's coach or a QI admin can approve it." in card_text(crafted.card)
    form = await coach.press("projects.approve_form", project_id=project_id)
    approved = await coach.press_button(form.card, "Approve", comment="Lovely SMART aim")
    assert "Approved; the lead has been told." in card_text(approved.card)

    card = (await lead.press("projects.open", project_id=project_id)).card
    for day, value in (("2026-11-01", 8), ("2026-11-08", 6), ("2026-11-15", 5)):
        form = await lead.press_button(card, "Add data")
        card = (await lead.press_button(form.card, "Save", on=day, value=str(value))).card
    assert "Data point saved." in card_text(card)
    images = [e for e in card["body"] if e.get("type") == "Image"]
    assert images and "3 points" in images[0]["altText"]
    assert re.search(r"/charts/m\d+-u\d+-v\d+\.png$", images[0]["url"])  # issued for the lead, versioned
    assert "Run chart (IHI rules): median 6." in card_text(card)

    read_only = (await other.press("projects.open", project_id=project_id)).card
    assert "Read-only" in card_text(read_only)
    assert [a["title"] for a in read_only["actions"]] == ["Ask to join the team", "My projects"]
    measure_id = next(e for e in form.card["body"] if e.get("id") == "measure_id")["value"]
    crafted = await other.press(
        "projects.data", project_id=project_id, measure_id=measure_id, on="2026-11-20", value="1"
    )
    assert "Only the project's lead, its team, its coach or a QI admin can change this project." in card_text(
        crafted.card
    )
    assert crafted.commit is False


async def test_search_finds_registered_projects(people):
    lead, coach, other = people
    review = await walk_wizard(lead, (await coach.user()).id)
    await lead.press_button(review, "Submit for approval")
    found = await other.press("projects.search", words="Falls", site="basildon")
    assert "1 project found" in card_text(found.card) and BASICS["title"] in card_text(found.card)
    words = next(e for e in found.card["body"] if e.get("id") == "words")
    assert words["value"] == "falls"  # the form keeps what was asked
    nothing = await other.press("projects.search", words="radiology")
    assert "0 projects found" in card_text(nothing.card)
    mine = only_card(await lead.say("my projects"))
    assert BASICS["title"] in card_text(mine) and "submitted" in card_text(mine)


async def test_every_project_card_is_valid_adaptive_card_1_5(people, content):
    lead, coach, other = people
    project_id = await approved_project(lead, coach)
    card = (await lead.press("projects.open", project_id=project_id)).card
    for button in ("Add data", "Progress score", "Log a PDSA", "Close project"):
        await lead.press_button(card, button)
    await lead.press("projects.score", project_id=project_id, score="2.5")
    await lead.press("projects.pdsa", project_id=project_id, plan="Huddle", prediction="Fewer falls")
    await lead.say("my projects")
    await other.say("projects")
    await other.press("projects.search", words="falls")
    await lead.say("add data")
    await lead.press("projects.later", project_id=project_id)
    cards_seen = lead.cards + coach.cards + other.cards
    project = await lead.uow.projects.get(project_id)
    messages = registry.messages(content, FakeLinks())["projects"]  # the builder the bot uses, built once
    assert isinstance(messages, ProjectCards)
    asker = await other.user()
    cards_seen += [
        message(project).card
        for message in (
            messages.review_request,
            messages.approved,
            messages.stale,
            messages.returned,
            messages.evaluation_request,
            messages.summary_ready,
            lambda p: messages.join_request(p, asker),
        )
    ]
    assert len(cards_seen) >= 20
    for card in cards_seen:
        errors = list(VALIDATOR.iter_errors(card))
        assert not errors, errors[0].message
        assert card["version"] == "1.5"


async def test_completing_asks_for_an_evaluation_the_coach_scores_it_and_the_lead_gets_a_summary(people):
    lead, coach, other = people
    project_id = await approved_project(lead, coach)
    card = (await lead.press("projects.open", project_id=project_id)).card
    close = await lead.press_button(card, "Close project")
    evaluation = (await lead.press_button(close.card, "Completed")).card
    assert "Evaluation: Fewer falls at night on Ward 7" in card_text(evaluation)
    missing = await lead.press_button(evaluation, "Send to my coach", results="Falls halved", decision="")
    assert "Please fill in what will sustain the change." in card_text(missing.card) and missing.commit is False
    assert "Falls halved" in card_text(missing.card)  # what they wrote is kept
    sent = await lead.press_button(
        evaluation,
        "Send to my coach",
        results="Falls halved to 4 a month",
        decision="adopt",
        sustain="Huddle in the ward routine",
        lessons="Test small",
    )
    assert "Evaluation sent to your coach for scoring." in card_text(sent.card)
    crafted = await other.press(
        "projects.rubric",
        project_id=project_id,
        aim_achieved="4",
        measurement="4",
        pdsa_discipline="4",
        patient_involvement="4",
        sustainability="4",
    )
    assert "Only the project's coach or a QI admin" in card_text(crafted.card)
    rubric = await coach.press("projects.rubric_form", project_id=project_id)
    bad = await coach.press_button(rubric.card, "Save scores", aim_achieved="5")
    assert "from 1 to 4" in card_text(bad.card)
    scored = await coach.press_button(
        rubric.card,
        "Save scores",
        aim_achieved="4",
        measurement="3",
        pdsa_discipline="3",
        patient_involvement="2",
        sustainability="3",
        comment="Strong measurement",
    )
    assert "Scores saved; the lead has their summary." in card_text(scored.card)
    evaluation_row = await lead.uow.projects.evaluation(project_id)
    assert evaluation_row.decision == "adopt" and evaluation_row.scores.aim_achieved == 4
    final = (await lead.press("projects.open", project_id=project_id)).card
    summary = next(a for a in final["actions"] if a["title"] == "One-page summary")
    assert summary["type"] == "Action.OpenUrl" and summary["url"].endswith(".html")


async def test_projects_report_card_is_for_admins(people, content, sql_uow):
    lead, coach, other = people
    review = await walk_wizard(lead, (await coach.user()).id)
    await lead.press_button(review, "Submit for approval")
    refused = await other.press("projects.report")
    assert "only for a QI admin" in card_text(refused.card)
    admin = Chat(content, n=9, uow=sql_uow, admins=frozenset({"aad-9"}))
    report = (await admin.press("projects.report")).card
    text = card_text(report)
    assert "QI projects report" in text and "Basildon University Hospital" in text and "Submitted" in text
    downloads = [a["title"] for a in report["actions"]]
    assert downloads == ["Download CSV", "Download XLSX"]
    assert not list(VALIDATOR.iter_errors(report))


async def test_each_measure_chooses_its_chart_and_direction(people):
    lead, coach, other = people
    project_id = await approved_project(lead, coach)
    card = (await lead.press("projects.open", project_id=project_id)).card
    for day, value in (("2026-11-01", 8), ("2026-11-08", 6), ("2026-11-15", 5)):
        form = await lead.press_button(card, "Add data")
        card = (await lead.press_button(form.card, "Save", on=day, value=str(value))).card
    card = (await lead.press_button(card, "Show as XmR chart")).card
    assert "Falls at night: an XmR chart, lower is better." in card_text(card)  # as chosen in the wizard
    assert "XmR chart (Making Data Count): mean 6.33" in card_text(card)
    card = (await lead.press_button(card, "Higher is better")).card
    assert "higher is better" in card_text(card)
    crafted = await other.press("projects.chart", measure_id=1, chart="run", improvement="increase")
    assert "Only the project's lead" in card_text(crafted.card)


async def test_a_colleague_asks_to_join_and_once_accepted_can_update(people, sql_uow):
    lead, coach, other = people
    project_id = await approved_project(lead, coach)
    read_only = (await other.press("projects.open", project_id=project_id)).card
    asked = await other.press_button(read_only, "Ask to join the team")
    assert "Asked: the lead will decide." in card_text(asked.card)
    crafted = await other.press("projects.accept", project_id=project_id, member_id=(await other.user()).id)
    assert "Only the project's lead can add people to the team." in card_text(crafted.card)
    counts = await sql_uow.outbox.status_counts()
    assert counts.get("pending", 0) >= 1  # the request waits in the lead's outbox
    accepted = await lead.press(
        "projects.accept", project_id=project_id, member_id=(await other.user()).id, role="Staff nurse"
    )
    assert "Added to the team." in card_text(accepted.card)
    project = await sql_uow.projects.get(project_id)
    assert project.team[-1].role == "Staff nurse" and (await other.user()).id in project.member_ids
    now_member = (await other.press("projects.open", project_id=project_id)).card
    assert "Add data" in [a["title"] for a in now_member["actions"]]
    score = await other.press("projects.score", project_id=project_id, score="2.0")
    assert "Progress score saved." in card_text(score.card)


async def test_the_coach_can_return_a_project_for_changes(people):
    lead, coach, other = people
    review = await walk_wizard(lead, (await coach.user()).id)
    await lead.press_button(review, "Submit for approval")
    project_id = find_action(review, "Submit for approval")["data"]["project_id"]
    crafted = await other.press("projects.return", project_id=project_id, comment="No")
    assert "Only the project's coach or a QI admin can return it." in card_text(crafted.card)
    form = await coach.press("projects.approve_form", project_id=project_id)
    empty = await coach.press_button(form.card, "Return for changes")
    assert "Please fill in what should change." in card_text(empty.card)
    returned = await coach.press_button(form.card, "Return for changes", comment="Add a patient to the team")
    assert "Returned to the lead with your comment." in card_text(returned.card)
    again = (await lead.press("projects.open", project_id=project_id)).card
    assert "check and submit" in card_text(again) and "Add a patient to the team" in card_text(again)
    resubmitted = await lead.press_button(again, "Submit for approval")
    assert "Submitted." in card_text(resubmitted.card)


async def test_going_back_to_the_governance_step_shows_the_answers_given(people, content):
    lead, coach, _ = people
    review = await walk_wizard(lead, (await coach.user()).id)
    back = await lead.press_button(review, "Back")
    radios = {e["id"]: e.get("value") for e in back.card["body"] if str(e.get("id", "")).startswith("gov_")}
    assert radios == {"gov_research": "no", "gov_audit": "no", "gov_service_evaluation": "no"}
    assert previous_answers(content, "audit") == {"research": "no", "audit": "yes", "service_evaluation": "no"}


def after(card: dict, input_id: str) -> dict:
    """The element right after the input with this id."""
    body = card["body"]
    index = next(i for i, e in enumerate(body) if e.get("id") == input_id)
    return body[index + 1]


def value_of(card: dict, input_id: str):
    return next(e for e in card["body"] if e.get("id") == input_id).get("value")


async def test_a_refused_step_keeps_what_was_typed_and_says_why_next_to_the_field(people, sql_uow):
    lead, _, _ = people
    card = only_card(await lead.say("register project"))
    project_id = find_action(card, "Save and continue")["data"]["project_id"]
    card = (await lead.press_button(card, "Save and continue", **BASICS)).card
    typed = {**AIM, "aim_what": "Fewer night falls", "aim_how_much": "a lot"}
    refused = await lead.press_button(card, "Save and continue", **typed)
    assert refused.commit is False
    assert (
        value_of(refused.card, "aim_what") == "Fewer night falls" and value_of(refused.card, "aim_how_much") == "a lot"
    )
    hint = after(refused.card, "aim_how_much")
    assert hint.get("weight") == "Bolder" and "Add a number" in hint["text"]
    assert (await sql_uow.projects.get(project_id)).aim_what is None  # nothing saved

    card = (await lead.press_button(refused.card, "Save and continue", **AIM)).card
    card = (await lead.press_button(card, "Save and continue", team="", sponsor="Dr Jones", coach="find")).card
    missing = await lead.press_button(card, "Save and continue", **{**MEASURES, "balancing_definition": ""})
    assert "how the balancing measure is defined" in after(missing.card, "balancing_definition")["text"]
    assert value_of(missing.card, "process1_name") == MEASURES["process1_name"] and missing.commit is False


async def test_a_value_that_is_not_a_number_is_refused_on_the_form(people):
    lead, coach, _ = people
    project_id = await approved_project(lead, coach)
    form = (await lead.press("projects.data_form", project_id=project_id)).card
    refused = await lead.press_button(form, "Save", on="2026-11-20", value="lots")
    assert refused.commit is False and "Please give the value as a number" in after(refused.card, "value")["text"]
    assert value_of(refused.card, "on") == "2026-11-20"
    gone = await lead.press_button(form, "Save", on="2026-11-20", value="4", measure_id="")
    assert "Please choose the measure." in card_text(gone.card) and gone.commit is False


async def test_a_draft_and_its_forms_are_only_for_its_team(people):
    lead, coach, other = people
    review = await walk_wizard(lead, (await coach.user()).id)
    project_id = find_action(review, "Submit for approval")["data"]["project_id"]
    mine = (await lead.press("projects.open", project_id=project_id)).card
    assert "check and submit" in card_text(mine)
    for verb in ("projects.open", "projects.approve_form", "projects.score_form", "projects.eval_form"):
        peek = (await other.press(verb, project_id=project_id)).card
        text = card_text(peek)
        assert BASICS["title"] not in text and BASICS["problem"] not in text, verb
    assert "That project no longer exists." in card_text(
        (await other.press("projects.open", project_id=project_id)).card
    )
    assert "That project no longer exists." in card_text((await other.press("projects.open", project_id=9999)).card)


async def test_others_see_neither_the_coach_comment_nor_forms_they_cannot_send(people):
    lead, coach, other = people
    review = await walk_wizard(lead, (await coach.user()).id)
    await lead.press_button(review, "Submit for approval")
    project_id = find_action(review, "Submit for approval")["data"]["project_id"]
    form = await coach.press("projects.approve_form", project_id=project_id)
    await coach.press_button(form.card, "Approve", comment="Private note for the lead")
    assert "Private note for the lead" in card_text((await lead.press("projects.open", project_id=project_id)).card)
    outsider = card_text((await other.press("projects.open", project_id=project_id)).card)
    assert "Private note for the lead" not in outsider and BASICS["title"] in outsider
    for verb in ("projects.approve_form", "projects.score_form", "projects.pdsa_form", "projects.close_form"):
        refused = await other.press(verb, project_id=project_id)
        assert "Save" not in card_text(refused.card) and refused.commit is False, verb


async def test_my_projects_replaces_the_card_it_was_pressed_on(people):
    lead, coach, _ = people
    project_id = await approved_project(lead, coach)
    card = (await lead.press("projects.open", project_id=project_id)).card
    listing = await lead.press_button(card, "My projects")
    assert listing.card is not None and not listing.messages
    assert "My QI projects" in card_text(listing.card) and BASICS["title"] in card_text(listing.card)


async def test_every_project_verb_is_on_a_card_of_a_whole_journey(content):
    """The register's whole life on the in-memory register: every card valid (the harness checks each one), and
    every card verb of the register met on some card, so none goes unchecked."""
    verbs: set[str] = set()
    for _, card in await project_cards(content):
        check_card(card)  # valid, and every button's verb registered
        verbs |= set(re.findall(r'"verb": "([^"]+)"', json.dumps(card)))
    registered = {verb for verb in ROUTER.actions if verb.startswith("projects.")}
    # The report is opened from the admin card (its own capability's card), not from a project card.
    assert registered - verbs == {"projects.report"}, registered - verbs
    assert verbs <= set(ROUTER.actions)


# --- nothing typed is ever lost -----------------------------------------------------------------------------------

TEN = {  # all five measure slots, one definition missing
    **MEASURES,
    "process2_name": "Call bells in reach",
    "process2_definition": "Share of beds checked at 22:00",
    "process2_better": "increase",
    "process3_name": "Toilet rounds",
    "process3_definition": "",
    "process3_better": "increase",
}


def required_inputs(card: dict) -> list[str]:
    return [e["id"] for e in elements(card) if str(e.get("type", "")).startswith("Input.") and e.get("isRequired")]


def inputs(card: dict, *ids: str) -> dict:
    found = {e["id"]: e.get("value") for e in elements(card) if str(e.get("type", "")).startswith("Input.")}
    return {i: found[i] for i in ids}


async def to_step(lead, step: int) -> dict:
    card = only_card(await lead.say("register project"))
    for values in (BASICS, AIM, {"team": "", "sponsor": "Dr Jones", "coach": "find"}, MEASURES)[: step - 1]:
        card = (await lead.press_button(card, "Save and continue", **values)).card
    return card


async def test_finish_later_works_on_an_empty_first_step_and_resume_shows_everything_typed(people, sql_uow):
    lead, _, _ = people
    card = only_card(await lead.say("register project"))
    assert required_inputs(card) == []  # the server checks, so no empty input can block a button
    assert "Title (required)" in card_text(card)
    empty = await lead.press_button(card, "Finish later")
    assert empty.commit is True and "Saved as a draft." in card_text(empty.card)
    card = only_card(await lead.say("register project"))
    typed = {**BASICS, "division": "", "strategic_aim": ""}
    saved = await lead.press_button(card, "Finish later", **typed)
    assert f"Saved as a draft: '{BASICS['title']}'." in card_text(saved.card)
    project_id = find_action(card, "Finish later")["data"]["project_id"]
    assert (await sql_uow.projects.get(project_id)).problem == BASICS["problem"]
    resumed = only_card(await lead.say("register project"))
    assert f"Welcome back: your draft '{BASICS['title']}' is saved." in card_text(resumed)
    assert inputs(resumed, *typed) == typed


async def test_finish_later_on_the_measures_step_keeps_all_ten_fields_and_the_directions(people):
    lead, _, _ = people
    card = await to_step(lead, 4)
    left = await lead.press_button(card, "Finish later", **{**TEN, "balancing_better": ""})
    assert left.commit is True and "Saved as a draft" in card_text(left.card)
    resumed = only_card(await lead.say("register project"))
    assert "Measures" in card_text(resumed)
    assert inputs(resumed, *TEN) == {**TEN, "balancing_better": ""}  # as left: no direction chosen for them
    carry_on = await lead.press_button(left.card, "Carry on now")
    assert inputs(carry_on.card, *TEN) == {**TEN, "balancing_better": ""}


async def test_a_refused_measures_step_keeps_all_ten_fields_and_says_why_next_to_the_field(people, sql_uow):
    lead, _, _ = people
    card = await to_step(lead, 4)
    project_id = find_action(card, "Finish later")["data"]["project_id"]
    before = await sql_uow.projects.get(project_id)
    refused = await lead.press_button(card, "Save and continue", **TEN)
    assert refused.commit is False
    assert inputs(refused.card, *TEN) == TEN
    message = "Please say how process measure 3 is defined, so anyone would count it the same way."
    assert after(refused.card, "process3_definition")["text"] == message
    field = next(e for e in refused.card["body"] if e.get("id") == "process3_definition")
    assert field["errorMessage"] == message and refused.card["body"][0]["text"] == message  # and at the top
    assert (await sql_uow.projects.get(project_id)).measures == before.measures


async def test_back_keeps_the_values_of_the_step_it_leaves(people):
    lead, _, _ = people
    card = await to_step(lead, 2)
    typed = {**AIM, "aim_what": "Reduce falls on the way to the toilet", "aim_how_much": ""}
    step1 = (await lead.press_button(card, "Back", **typed)).card
    assert "The basics" in card_text(step1) and inputs(step1, *BASICS) == BASICS
    step2 = (await lead.press_button(step1, "Save and continue", **BASICS)).card
    assert "Your aim" in card_text(step2) and inputs(step2, *typed) == typed


async def test_the_smart_aim_hint_keeps_the_chosen_date(people):
    lead, _, _ = people
    card = await to_step(lead, 2)
    refused = await lead.press_button(card, "Save and continue", **{**AIM, "aim_how_much": "a lot"})
    assert "Add a number" in after(refused.card, "aim_how_much")["text"]
    assert inputs(refused.card, *AIM) == {**AIM, "aim_how_much": "a lot"}  # the date too


async def test_refusals_read_as_sentences(people):
    lead, _, _ = people
    card = only_card(await lead.say("register project"))
    refused = await lead.press_button(card, "Save and continue", **{**BASICS, "title": ""})
    assert after(refused.card, "title")["text"] == "Please give the project a title."
    assert ":" not in after(refused.card, "title")["text"]


# --- a measure's better direction is asked for, never assumed ------------------------------------------------------


async def test_the_measures_step_suggests_the_outcome_direction_from_the_aim_and_asks_for_the_rest(people):
    lead, _, _ = people
    card = await to_step(lead, 4)
    directions = inputs(card, "outcome_better", "process1_better", "balancing_better")
    assert directions == {"outcome_better": "decrease", "process1_better": None, "balancing_better": None}
    assert "Suggested from your aim ('Reduce falls at night'): lower is better. Please check." in card_text(card)
    assert after(card, "outcome_definition")["text"].startswith("For example: 'Falls on Ward 7")
    refused = await lead.press_button(card, "Save and continue", **{**MEASURES, "process1_better": ""})
    message = "Please say whether higher or lower is better for process measure 1."
    assert refused.commit is False and after(refused.card, "process1_better")["text"] == message
    assert inputs(refused.card, *MEASURES) == {**MEASURES, "process1_better": ""}


# --- governance ---------------------------------------------------------------------------------------------------


async def test_a_lead_who_is_an_admin_cannot_approve_their_own_project(content, people, sql_uow):
    _, coach, _ = people
    admin = Chat(content, n=5, uow=sql_uow, admins=frozenset({"aad-5"}))
    await admin.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    review = await walk_wizard(admin, (await coach.user()).id)
    submitted = await admin.press_button(review, "Submit for approval")
    assert "Submitted. Your coach will review it." in card_text(submitted.card)
    assert "Approve" not in [a["title"] for a in submitted.card["actions"]]
    project_id = find_action(review, "Submit for approval")["data"]["project_id"]
    crafted = await admin.press("projects.approve", project_id=project_id, comment="Mine")
    assert "You lead this project, so you cannot approve it" in card_text(crafted.card) and crafted.commit is False
    assert (await sql_uow.projects.get(project_id)).status.value == "submitted"
    form = await coach.press("projects.approve_form", project_id=project_id)
    assert "Approved" in card_text((await coach.press_button(form.card, "Approve")).card)


async def test_a_coach_leading_a_project_is_not_offered_as_its_coach(people):
    _, coach, _ = people
    card = await to_step(coach, 3)
    options = next(e for e in card["body"] if e.get("id") == "coach")["choices"]
    assert [o["value"] for o in options] == ["find"]
    crafted = await coach.press_button(
        card, "Save and continue", sponsor="Dr Jones", coach=str((await coach.user()).id)
    )
    assert "cannot also be its coach" in after(crafted.card, "coach")["text"]


async def test_without_a_coach_the_card_says_who_will_find_one(people):
    lead, _, _ = people
    card = await to_step(lead, 5)
    review = (await lead.press_button(card, "Save and continue", **QI)).card
    submitted = await lead.press_button(review, "Submit for approval")
    text = card_text(submitted.card)
    assert "a QI admin will find one and review your project" in text and "Your coach will review" not in text


async def test_a_completed_project_does_not_invite_data_and_ask_to_join_becomes_asked(people):
    lead, coach, other = people
    project_id = await approved_project(lead, coach)
    read_only = (await other.press("projects.open", project_id=project_id)).card
    asked = (await other.press_button(read_only, "Ask to join the team")).card
    button = find_action(asked, "Asked")
    assert button.get("isEnabled") is False and "Ask to join the team" not in [a["title"] for a in asked["actions"]]
    again = await other.press_button(asked, "Asked")  # a client that ignores isEnabled: the lead is asked once
    assert find_action(again.card, "Asked")
    card = (await lead.press("projects.open", project_id=project_id)).card
    close = (await lead.press_button(card, "Close project")).card
    await lead.press_button(close, "Completed")
    done = card_text((await lead.press("projects.open", project_id=project_id)).card)
    assert "once the project is approved" not in done and "No data was recorded for this measure." in done


async def test_add_data_without_an_approved_project_says_why_and_offers_my_projects(content, people, sql_uow):
    """The card `add data` gives when no project takes data (dialogs/projects/progress.py shows it)."""
    lead, coach, _ = people

    async def dead_end(chat) -> dict:
        turn = Turn(
            user=await chat.user(),
            inbound=Inbound(kind="message", text="add data", conversation_id=chat.address.conversation_id),
            uow=sql_uow,
            content=content,
            now=chat.clock.now(),
        )
        card = await view.no_live_project(turn)
        check_card(card)
        return card

    nothing = card_text(await dead_end(lead))
    assert "You have no approved project to add data to yet." in nothing and "Type **register project**" in nothing
    review = await walk_wizard(lead, (await coach.user()).id)
    await lead.press_button(review, "Submit for approval")
    card = await dead_end(lead)
    assert f"**{BASICS['title']}** is waiting for its coach's approval." in card_text(card)
    listing = await lead.press_button(card, "My projects")
    assert "My QI projects" in card_text(listing.card) and BASICS["title"] in card_text(listing.card)
