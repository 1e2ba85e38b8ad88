"""End to end in the Microsoft 365 Agents Playground (a Teams emulator) with headless Chromium: install,
onboarding, help, profile, edit profile, and a typed typo. Assertions are on the text of the rendered cards.
Screenshots of each step go to test-artifacts/e2e/NN-step.png."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import Chat, open_chat

pytestmark = pytest.mark.e2e

BROOMFIELD = "Broomfield Hospital (Chelmsford)"


async def test_onboarding_help_and_profile_in_the_playground(playground_url: str) -> None:
    async with open_chat() as chat:
        await _walk_through(chat, playground_url)


async def _walk_through(chat: Chat, url: str) -> None:
    # Install: opening the playground installs the app, and the bot welcomes the person.
    await chat.page.goto(url)
    welcome = await chat.card_saying(
        0, "Welcome to QI Companion", "Your site", "Your staff group", "Your QI experience"
    )
    await expect(welcome.get_by_role("button", name="Save and start")).to_be_visible()
    await chat.shot("welcome", welcome)

    # Onboarding: saving with nothing chosen asks for the answers.
    await welcome.get_by_role("button", name="Save and start").click()
    await expect(welcome).to_contain_text("Please choose your site.")
    await chat.shot("onboarding-required", welcome)

    # Three dropdowns, then the card is replaced in place by the result.
    await welcome.get_by_role("combobox", name="Your site").click()
    await expect(chat.page.get_by_role("option", name=BROOMFIELD)).to_be_visible()
    await chat.shot("site-dropdown-open", welcome)
    await chat.page.keyboard.press("Escape")
    await chat.choose(welcome, "Your site", BROOMFIELD)
    await chat.choose(welcome, "Your staff group", "Nursing and midwifery (registered)")
    await chat.choose(welcome, "Your QI experience", "QSIR Fundamentals")
    await chat.shot("onboarding-filled", welcome)
    await welcome.get_by_role("button", name="Save and start").click()
    saved = await chat.card_saying(
        0, "Thanks, you are all set.", BROOMFIELD, "Nursing and midwifery (registered)", "QSIR Fundamentals"
    )
    await expect(saved).not_to_contain_text("Welcome to QI Companion")
    await chat.shot("onboarding-saved", saved)

    # Help: a menu card.
    await chat.say("help")
    menu = await chat.card_saying(1, "What I can do", "Profile")
    await chat.shot("help-menu", menu)

    # Profile: shows the chosen site; edit it in place and save.
    await chat.say("profile")
    profile = await chat.card_saying(2, "Your profile", BROOMFIELD)
    await chat.shot("profile", profile)
    await profile.get_by_role("button", name="Edit profile").click()
    edit = await chat.card_saying(2, "Edit your profile")  # filled in with the current answers
    await expect(edit.get_by_role("combobox", name="Your site")).to_have_value(BROOMFIELD)
    await chat.choose(edit, "Your site", "Southend University Hospital")
    await chat.shot("edit-profile", edit)
    await edit.get_by_role("button", name="Save", exact=True).click()
    saved = await chat.card_saying(2, "Profile saved.", "Your profile", "Southend University Hospital")
    await expect(saved).not_to_contain_text("Broomfield")
    await chat.shot("profile-saved", saved)

    # A typo still finds the profile, which remembers the new site.
    await chat.say("profle")
    again = await chat.card_saying(3, "Your profile", "Southend University Hospital")
    await chat.shot("typo-profile", again)
