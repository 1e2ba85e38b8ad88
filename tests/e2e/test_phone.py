"""End to end at phone size (390 px viewport; Teams shows the card about 320 px wide): the flows a nurse uses
between patients. Screenshots go to test-artifacts/e2e/phone-NN-step.png and are looked at."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import PHONE, Playground, open_chat

pytestmark = pytest.mark.e2e


async def test_onboarding_menu_and_settings_fit_a_phone(clinics_playground: Playground) -> None:
    async with open_chat("phone-", viewport=PHONE) as chat:
        page = chat.page
        await page.goto(clinics_playground.url)
        await chat.as_phone()
        welcome = await chat.card_saying(0, "Welcome to QI Companion", "Your site")
        await chat.shot("welcome", welcome)
        await chat.choose(welcome, "Your site", "Basildon University Hospital")
        await chat.choose(welcome, "Your staff group", "Nursing and midwifery (registered)")
        await chat.choose(welcome, "Your QI experience", "QSIR Fundamentals")
        await welcome.get_by_role("button", name="Save and start").click()
        await chat.card_saying(0, "Thanks, you are all set.")
        await chat.say("what can you do")
        menu = await chat.card_saying(1, "What I can do", "Book clinic")
        await chat.shot("menu", menu)
        await menu.get_by_role("button", name="More").click()
        await expect(menu.get_by_role("button", name="My bookings")).to_be_visible()
        await chat.shot("menu-more", menu)
        await chat.say("settings")
        settings = await chat.card_saying(2, "Your settings", "Nudges are on.")
        box = await settings.bounding_box()
        assert box is not None and box["height"] < 700, box  # about one phone screen with its sections closed
        await chat.shot("settings", settings)
        await settings.get_by_role("button", name="Change").first.click()
        await settings.get_by_role("spinbutton").fill("400")
        await settings.get_by_role("button", name="Save settings").click()
        await expect(settings).to_contain_text("Please choose a pause of 0 to 90 days.")
        await chat.shot("settings-error", settings)
