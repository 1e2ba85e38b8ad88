"""A whole project's life in chat on the in-memory register, for the tests that check every card the project
register can send (tests/dialogs/test_cards_schema.py and tests/projects/test_dialogs.py)."""

from __future__ import annotations

from bot import registry
from core.kernel.model import Role
from tests.dialogs.harness import Chat, FakeLinks, find_action, only_card
from tests.projects.data import AIM, BASICS, MEASURES, QI


async def project_cards(content) -> list[tuple[str, dict]]:
    """Every card of the register, written, reviewed, updated, closed, evaluated, searched and joined, with the
    errors a person can meet on the way, and every proactive message."""
    lead = Chat(content, n=1)
    coach = Chat(content, n=2, uow=lead.uow)
    other = Chat(content, n=3, uow=lead.uow)
    admin = Chat(content, n=4, uow=lead.uow, admins=frozenset({"aad-4"}))
    for chat in (lead, coach, other, admin):
        await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    await coach.grant(Role.COACH)
    coach_id = (await coach.user()).id

    card = only_card(await lead.say("register project"))
    card = (await lead.press_button(card, "Save and continue", **{**BASICS, "title": ""})).card  # refused
    card = (await lead.press_button(card, "Save and continue", **BASICS)).card
    card = (await lead.press_button(card, "Save and continue", **AIM)).card
    await lead.press_button(card, "Back")
    await lead.press_button(card, "Finish later")
    card = only_card(await lead.say("register project"))
    card = (
        await lead.press_button(
            card, "Save and continue", team="Sam Lee - nurse", sponsor="Dr Jones", coach=str(coach_id)
        )
    ).card
    card = (await lead.press_button(card, "Save and continue", **MEASURES)).card
    review = (await lead.press_button(card, "Save and continue", **{**QI, "gov_research": "yes"})).card  # signposted
    back = (await lead.press_button(review, "Back")).card
    review = (await lead.press_button(back, "Save and continue", **QI)).card
    project_id = find_action(review, "Submit for approval")["data"]["project_id"]
    await lead.press_button(review, "Submit for approval")

    form = (await coach.press("projects.approve_form", project_id=project_id)).card
    returned = await coach.press_button(form, "Return for changes", comment="Add a patient")
    again = (await lead.press("projects.open", project_id=project_id)).card
    await lead.press_button(again, "Submit for approval")
    form = (await coach.press("projects.approve_form", project_id=project_id)).card
    await coach.press_button(form, "Approve", comment="Go")
    assert returned.card is not None

    card = (await lead.press("projects.open", project_id=project_id)).card
    for day, value in (("2026-11-01", "8"), ("2026-11-08", "6"), ("2026-11-15", "5")):
        data = (await lead.press_button(card, "Add data")).card
        card = (await lead.press_button(data, "Save", on=day, value=value)).card
    await lead.press_button(data, "Save", on="2026-11-16", value="lots")  # refused
    card = (await lead.press_button(card, "Show as XmR chart")).card
    card = (await lead.press_button(card, "Higher is better")).card
    score = (await lead.press_button(card, "Progress score")).card
    card = (await lead.press_button(score, "Save score", score="2.5")).card
    pdsa = (await lead.press_button(card, "Log a PDSA")).card
    await lead.press_button(pdsa, "Save PDSA", plan="Huddle", prediction="")  # refused
    card = (
        await lead.press_button(
            pdsa, "Save PDSA", plan="Huddle", prediction="Fewer falls", do="Ran it", study="Fewer falls", act="adopt"
        )
    ).card
    # A planned cycle, completed later from the PDSA log; then the XmR limits fixed, unfixed and rebased.
    pdsa = (await lead.press_button(card, "Log a PDSA")).card
    card = (await lead.press_button(pdsa, "Save PDSA", plan="Night checklist", prediction="Fewer falls")).card
    log = (await lead.press_button(card, "PDSA cycles (2)")).card
    complete = (await lead.press_button(log, "Add Do, Study, Act")).card
    await lead.press_button(complete, "Save", do="Used it", act="adopt")  # refused: no Study yet
    log = (await lead.press_button(complete, "Save", do="Used it", study="Falls fell", act="adopt")).card
    card = (await lead.press_button(log, "Back")).card
    for day in range(2, 12):
        data = (await lead.press_button(card, "Add data")).card
        card = (await lead.press_button(data, "Save", on=f"2026-10-{day:02d}", value=str(day % 4 + 4))).card
    limits = (await lead.press_button(card, "Limits")).card
    limits = (await lead.press_button(limits, "Fix the limits", fix_after="12")).card
    limits = (await lead.press_button(limits, "Stop fixing")).card
    limits = (await lead.press_button(limits, "Rebase from this date", on="2026-11-01", reason="New night checks")).card
    limits = (await lead.press_button(limits, "Remove")).card
    card = (await lead.press_button(limits, "Back")).card

    read_only = (await other.press("projects.open", project_id=project_id)).card
    await other.press_button(read_only, "Ask to join the team")
    await lead.press("projects.accept", project_id=project_id, member_id=(await other.user()).id, role="Nurse")
    await other.say("projects")
    await other.press("projects.search", words="falls", site="basildon", status="active")
    await other.press("projects.search", words="radiology")
    await lead.say("my projects")
    await lead.say("add data")
    await admin.press("projects.report")

    close = (await lead.press_button(card, "Close project")).card
    evaluation = (await lead.press_button(close, "Completed")).card
    await lead.press_button(evaluation, "Send to my coach", results="Halved", decision="")  # refused
    await lead.press_button(
        evaluation, "Send to my coach", results="Halved", decision="adopt", sustain="Routine", lessons="Small"
    )
    card = (await lead.press("projects.open", project_id=project_id)).card
    await lead.press_button(card, "Write the evaluation")
    rubric = (await coach.press("projects.rubric_form", project_id=project_id)).card
    await coach.press_button(rubric, "Save scores", aim_achieved="5")  # refused
    scores = {"aim_achieved": "4", "measurement": "3", "pdsa_discipline": "3", "patient_involvement": "2"}
    await coach.press_button(rubric, "Save scores", **scores, sustainability="3", comment="Strong")
    final = (await lead.press("projects.open", project_id=project_id)).card
    await lead.press_button(final, "My projects")

    messages = registry.messages(content, FakeLinks())["projects"]
    project = await lead.uow.projects.get(project_id)
    asker = await other.user()
    proactive = [
        messages.review_request(project),
        messages.approved(project),
        messages.returned(project),
        messages.join_request(project, asker),
        messages.evaluation_request(project),
        messages.summary_ready(project),
        messages.stale(project),
    ]
    queued = [row["message"].card for row in lead.uow.db.outbox.values() if row["message"].card]
    seen = lead.cards + coach.cards + other.cards + admin.cards
    return (
        [("projects", c) for c in seen]
        + [("project message", m.card) for m in proactive]
        + [("project queued", c) for c in queued]
    )
