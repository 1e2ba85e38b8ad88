"""End to end at phone size (390 px viewport; Teams shows the card about 320 px wide): the flows a nurse uses
between patients. Screenshots go to test-artifacts/e2e/phone-NN-step.png and are looked at."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import ARTIFACTS, PHONE, PHONE_CARD_PX, Playground, open_chat

pytestmark = pytest.mark.e2e

WIZARD_TITLE = "Safer insulin at handover"
WIZARD_PROBLEM = "Insulin doses are missed when the night shift hands over to the day shift."
DEMO_PROJECT = "Fewer falls at night on Ward 7"  # content/demo.yaml: 16 weekly points, shown as a run chart


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


async def _onboard(chat, site: str = "Basildon University Hospital") -> None:
    welcome = await chat.card_saying(0, "Welcome to QI Companion", "Your site")
    await chat.choose(welcome, "Your site", site)
    await chat.choose(welcome, "Your staff group", "Nursing and midwifery (registered)")
    await chat.choose(welcome, "Your QI experience", "QSIR Fundamentals")
    await welcome.get_by_role("button", name="Save and start").click()
    await chat.card_saying(0, "Thanks, you are all set.")


async def test_the_project_wizard_keeps_what_is_typed_at_phone_width(clinics_playground: Playground) -> None:
    """Finish later on a half-filled step, resume, then a step the server refuses: nothing typed is lost."""
    async with open_chat("phone-wizard-", viewport=PHONE) as chat:
        await chat.page.goto(clinics_playground.url)
        await chat.as_phone()
        await _onboard(chat)
        await chat.say("register project")
        wizard = await chat.card_saying(1, "step 1 of 5", "The basics")
        await wizard.get_by_role("textbox", name="Title").fill(WIZARD_TITLE)
        await wizard.get_by_role("textbox", name=re.compile("The problem")).fill(WIZARD_PROBLEM)
        await chat.shot("half-filled", wizard)
        await wizard.get_by_role("button", name="Finish later").click()
        await expect(wizard).to_contain_text(f"Saved as a draft: '{WIZARD_TITLE}'.")
        await chat.shot("saved", wizard)

        await chat.say("register project")
        resumed = await chat.card_saying(2, f"Welcome back: your draft '{WIZARD_TITLE}' is saved.", "step 1 of 5")
        await expect(resumed.get_by_role("textbox", name="Title")).to_have_value(WIZARD_TITLE)
        await expect(resumed.get_by_role("textbox", name=re.compile("The problem"))).to_have_value(WIZARD_PROBLEM)
        await chat.shot("resumed", resumed, align="start")

        # Division and strategic aim are still empty: the server says so by the field and keeps the rest.
        await resumed.get_by_role("button", name="Save and continue").click()
        await expect(resumed).to_contain_text(re.compile(r"Please choose .*division"))
        await expect(resumed.get_by_role("textbox", name="Title")).to_have_value(WIZARD_TITLE)
        await expect(resumed.get_by_role("textbox", name=re.compile("The problem"))).to_have_value(WIZARD_PROBLEM)
        await chat.shot("refused", resumed, align="start")
        width = await resumed.evaluate("card => card.getBoundingClientRect().width")
        assert width <= PHONE_CARD_PX + 1, width


async def test_back_from_the_booking_intake_at_phone_width(clinics_playground: Playground) -> None:
    async with open_chat("phone-booking-", viewport=PHONE) as chat:
        await chat.page.goto(clinics_playground.url)
        await chat.as_phone()
        await _onboard(chat)
        await chat.say("book clinic")
        browse = await chat.card_saying(1, "Book a QI clinic", "seats left")
        await chat.shot("sessions", browse, align="start")
        await browse.get_by_role("button", name="Book", exact=True).first.click()
        intake = await chat.card_saying(1, "Book this clinic", "What would you like help with?")
        await intake.get_by_role("textbox", name=re.compile("Your question")).fill("How do I start a run chart?")
        await chat.shot("intake", intake)
        await intake.get_by_role("button", name="Back").click()  # not blocked by the intake's required choice
        back = await chat.card_saying(1, "Book a QI clinic", "seats left")
        await expect(back).not_to_contain_text("What would you like help with?")
        await chat.shot("back", back, align="start")


async def test_a_chart_switched_to_xmr_is_redrawn_and_legible_at_phone_width(
    clinics_playground: Playground, tmp_path
) -> None:
    """A demo project handed to the playground user: switch its outcome measure to XmR and see the new chart."""
    async with open_chat("phone-chart-", viewport=PHONE) as chat:
        page = chat.page
        await page.goto(clinics_playground.url)
        await chat.as_phone()
        await _onboard(chat)
        with closing(sqlite3.connect(tmp_path / "e2e.db")) as db:
            db.execute(
                "UPDATE projects SET lead_id = (SELECT id FROM users WHERE teams_user_id = 'user-id-0') "
                "WHERE title = ?",
                (DEMO_PROJECT,),
            )
            db.commit()
        await chat.say("my projects")
        mine = await chat.card_saying(1, DEMO_PROJECT)
        await mine.get_by_role("button", name="Open").first.click()
        project = await chat.card_saying(1, DEMO_PROJECT, "Falls at night")
        run = project.get_by_role("img", name=re.compile("^Falls at night: chart of 16 points"))
        await expect(run).to_be_visible()
        before = await run.get_attribute("src")
        await project.get_by_role("button", name="Show as XmR chart").first.click()
        await expect(project).to_contain_text("Falls at night: an XmR chart, lower is better.")
        chart = project.get_by_role("img", name=re.compile("^Falls at night: chart of 16 points"))
        await expect(chart).to_be_visible()
        after = await chart.get_attribute("src")
        assert after and after != before, (before, after)  # a new picture, not a cached one
        await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await chart.element_handle())
        png = await page.request.get(after)
        assert (png.status, png.headers["content-type"]) == (200, "image/png"), png.status
        (ARTIFACTS / "phone-chart-xmr.png").write_bytes(await png.body())
        shown = await chart.bounding_box()
        assert shown and shown["width"] <= PHONE_CARD_PX, shown
        await chat.shot("xmr", project, align="start")
        await chart.scroll_into_view_if_needed()
        await chat.shot("xmr-chart", chart)
