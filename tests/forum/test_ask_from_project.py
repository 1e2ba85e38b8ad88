""" "Ask a coach" on a project card: the forum's question card opens with that project chosen; the server checks
the project again (a forged id for someone else's project is not chosen, and posting it is refused)."""

from dataclasses import replace

from core.kernel.model import Role
from tests.dialogs.harness import Chat, card_inputs, card_text, find_action, only_card
from tests.projects.data import approved, person

QUESTION = "How many data points do I need for a run chart on my ward?"


async def onboarded(content, n, uow=None):
    chat = Chat(content, n=n, uow=uow)
    await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    return chat


def shown(response) -> dict:
    """The card a turn shows: in place of the one pressed, or as a new message."""
    return response.card or only_card(response)


async def test_ask_a_coach_on_a_project_card_opens_the_question_card_with_that_project(content):
    lead_chat = await onboarded(content, 1)
    other_chat = await onboarded(content, 3, lead_chat.uow)
    uow = lead_chat.uow
    lead = await uow.users.by_teams_id(lead_chat.address.user_teams_id)
    coach = await person(uow, 2, coach=True)
    project = await approved(uow, content, lead, coach)
    card = shown(await lead_chat.press("projects.open", project_id=project.id))
    button = find_action(card, "Ask a coach")
    assert button["data"] == {"project_id": project.id}
    ask_card = shown(await lead_chat.press_button(card, "Ask a coach"))
    assert "Ask a QI coach" in card_text(ask_card)
    assert card_inputs(ask_card)["project"] == str(project.id)
    posted = await lead_chat.press_button(ask_card, "Check and post", question=QUESTION, topic="measurement")
    assert "Posted" in card_text(shown(posted))
    [post] = [p for p in uow.db.__dict__["forum_posts"].values()]
    assert post.project_id == project.id

    # Someone else's card: no button, and a forged press does not choose the project.
    seen = shown(await other_chat.press("projects.open", project_id=project.id))
    assert "Ask a coach" not in [b.get("title") for b in seen.get("actions", [])]
    forged = shown(await other_chat.press("forum.ask", project_id=project.id))
    assert card_inputs(forged)["project"] == "none"
    assert "not an open one you lead" in card_text(forged)
    refused = await other_chat.press("forum.check", question=QUESTION, topic="measurement", project=str(project.id))
    assert "not one of yours" in card_text(shown(refused))
    assert len(uow.db.__dict__["forum_posts"]) == 1


async def test_a_coach_sees_no_ask_button_on_a_project_they_coach(content):
    lead_chat = await onboarded(content, 1)
    coach_chat = await onboarded(content, 2, lead_chat.uow)
    await coach_chat.grant(Role.COACH)
    uow = lead_chat.uow
    lead = await uow.users.by_teams_id(lead_chat.address.user_teams_id)
    coach = await uow.users.by_teams_id(coach_chat.address.user_teams_id)
    coach = replace(coach, roles=coach.roles | {Role.COACH})
    project = await approved(uow, content, lead, coach)
    card = shown(await coach_chat.press("projects.open", project_id=project.id))
    assert "Ask a coach" not in [b.get("title") for b in card.get("actions", [])]
