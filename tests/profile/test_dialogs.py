"""Transcripts: onboarding and `profile`."""

from core.kernel.model import Role
from tests.dialogs.harness import Chat, card_text, only_card


async def test_onboarding_saves_the_three_answers(content):
    chat = Chat(content)
    response = await chat.press("onboarding.save", site="broomfield", staff_group="ahp", experience="none")
    text = card_text(response.card)
    assert "Thanks, you are all set." in text
    assert "Broomfield Hospital (Chelmsford)" in text and "Allied health professionals" in text
    user = await chat.user()
    assert (user.site, user.staff_group, user.experience) == ("broomfield", "ahp", "none")


async def test_onboarding_with_a_missing_answer_asks_again_keeping_the_rest(content):
    chat = Chat(content)
    await chat.say("hello")
    before = chat.snapshot()
    response = await chat.press("onboarding.save", site="southend", staff_group="", experience="bogus")
    assert chat.uow.rolled_back and chat.snapshot() == before  # a refused form changes nothing
    text = card_text(response.card)
    assert "Please choose your staff group and your QI experience" in text
    site_input = next(e for e in response.card["body"] if e.get("id") == "site")
    assert site_input["value"] == "southend"  # what they chose is kept
    assert (await chat.user()).site is None  # nothing saved


async def test_profile_show_edit_save(content):
    chat = Chat(content)
    await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    card = only_card(await chat.say("profile"))
    assert "Basildon University Hospital" in card_text(card)
    edit = await chat.press_button(card, "Edit profile")
    assert "Edit your profile" in card_text(edit.card)
    saved = await chat.press_button(
        edit.card, "Save", site="southend", staff_group="ahp", experience="qsir_practitioner"
    )
    text = card_text(saved.card)
    assert "Profile saved." in text and "Southend University Hospital" in text and "QSIR Practitioner" in text


async def test_profile_rejects_values_not_in_the_organisation(content):
    chat = Chat(content)
    await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    before = chat.snapshot()
    response = await chat.press("profile.save", site="<script>", staff_group="ahp", experience="none")
    assert "Please choose your site" in card_text(response.card)
    assert chat.uow.rolled_back and chat.snapshot() == before
    assert (await chat.user()).site == "basildon"


async def test_profile_lists_roles(content):
    chat = Chat(content)
    await chat.grant(Role.COACH)
    assert "staff, coach" in card_text(only_card(await chat.say("profile")))
