"""End to end in the Microsoft 365 Agents Playground: book a QI clinic and cancel it, as a person would.

The bot's database has the demo data (`qibot demo load`): coaches and clinic sessions at each site for the
weeks ahead. Onboard at Basildon, `book clinic`, book a session through the intake card, check the
confirmation and its calendar file, then `my bookings` and cancel. Screenshots of each step go to
test-artifacts/e2e/clinics-NN-step.png."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Locator, expect

from tests.e2e.conftest import ARTIFACTS, Chat, Playground, open_chat

pytestmark = pytest.mark.e2e

BASILDON = "Basildon University Hospital"
BASILDON_COACH = "Amira Shah"  # content/demo.yaml; the other sites' coaches must not show
OTHER_COACHES = ("Tom Okafor", "Priya Natarajan")
QUESTION = "How do I set up a run chart for falls on my ward?"


async def test_book_and_cancel_a_clinic_in_the_playground(clinics_playground: Playground) -> None:
    async with open_chat("clinics-") as chat:
        await _book_and_cancel(chat, clinics_playground)


SESSION_TIME = re.compile(r"\w{3} \d{1,2} \w{3}, \d\d:\d\d-\d\d:\d\d")


def _session_row(card: Locator, button: str) -> Locator:
    """The innermost container in a card holding one session's time and its `button` (e.g. "Book", "Cancel").

    A row may be a container, or a column set (details in one column, the button in the other)."""
    has_button = card.page.get_by_role("button", name=button, exact=True)
    candidates = card.locator(".ac-container").filter(has=has_button).filter(has_text=SESSION_TIME)
    nested = card.locator(".ac-container").filter(has=has_button).filter(has_text=SESSION_TIME)
    return candidates.filter(has_not=nested)


async def _book_and_cancel(chat: Chat, playground: Playground) -> None:
    page = chat.page
    # Install and onboard at Basildon.
    await page.goto(playground.url)
    welcome = await chat.card_saying(0, "Welcome to QI Companion", "Your site")
    await chat.choose(welcome, "Your site", BASILDON)
    await chat.choose(welcome, "Your staff group", "Nursing and midwifery (registered)")
    await chat.choose(welcome, "Your QI experience", "QSIR Fundamentals")
    await welcome.get_by_role("button", name="Save and start").click()
    saved = await chat.card_saying(0, "Thanks, you are all set.", BASILDON)
    await chat.shot("onboarded", saved)

    # `book clinic`: the site comes from the profile, and Basildon's sessions are listed with seats left.
    await chat.say("book clinic")
    browse = await chat.card_saying(1, "Book a QI clinic", "seats left", f"with {BASILDON_COACH}")
    await expect(browse.get_by_role("combobox", name="Site")).to_have_value(BASILDON)
    await expect(browse.get_by_role("button", name="Show sessions")).to_be_visible()
    for coach in OTHER_COACHES:
        await expect(browse).not_to_contain_text(coach)
    rows = _session_row(browse, "Book")  # every session shown has a seat, a Basildon coach and a Book button
    shown = await rows.count()
    assert shown >= 2, shown
    seat = re.compile(r"\d+ of \d+ seats left|Last seat|One-to-one, free")
    await expect(rows.filter(has_text=seat)).to_have_count(shown)
    await expect(rows.filter(has_text=f"with {BASILDON_COACH}")).to_have_count(shown)
    await chat.shot("book-clinic-top", browse, align="start")  # taller than the chat pane
    await chat.shot("book-clinic-end", browse, align="end")

    # Book the first session with a free seat: the card is replaced in place by the intake card.
    row = rows.first
    when = (await row.locator("strong").first.inner_text()).strip()  # e.g. "Tue 1 Dec, 12:30-13:30"
    assert re.fullmatch(r"\w{3} \d{1,2} \w{3}, \d\d:\d\d-\d\d:\d\d", when), when
    await row.get_by_role("button", name="Book", exact=True).click()
    intake = await chat.card_saying(1, "Book this clinic", when, BASILDON, "What would you like help with?")
    await expect(intake).not_to_contain_text("Book a QI clinic")
    await expect(intake.get_by_role("combobox", name="Which of your projects, if any?")).to_have_value(
        "Not about a registered project"
    )
    await expect(intake.get_by_role("button", name="Back")).to_be_visible()
    await chat.shot("intake", intake)
    # Confirming without saying what help is wanted is stopped in the card (a required choice).
    confirm = intake.get_by_role("button", name="Confirm booking")
    await confirm.click()
    await expect(intake).to_contain_text(re.compile(r"Please .*help with"))
    await expect(intake).not_to_contain_text("Booked")
    await chat.shot("intake-required", intake)
    await intake.get_by_role("radio", name="Measurement and data").check()
    await intake.get_by_role("textbox", name=re.compile("Your question")).fill(QUESTION)
    await chat.shot("intake-filled", intake)
    await confirm.click()

    # The confirmation replaces the intake card.
    booked = await chat.card_saying(
        1, "Booked. See you there!", "Your QI clinic", when, BASILDON, "Measurement and data", QUESTION
    )
    add_to_calendar = booked.get_by_role("link", name="Add to calendar")
    await expect(add_to_calendar).to_be_visible()
    await expect(booked.get_by_role("button", name="Cancel booking")).to_be_visible()
    await expect(booked.get_by_role("button", name="My bookings")).to_be_visible()
    await chat.shot("booked", booked)

    # "Add to calendar" opens the bot's signed .ics link in a new window: catch that request, then fetch it.
    async with page.context.expect_event("request", lambda r: "/calendar/" in r.url) as opened:
        await add_to_calendar.click()
    calendar_url = (await opened.value).url
    await expect(add_to_calendar).to_have_attribute("title", calendar_url)  # the playground shows it on hover
    assert calendar_url.startswith(f"{playground.bot_url}/calendar/"), calendar_url
    ics = await page.request.get(calendar_url)
    assert ics.status == 200, ics.status
    assert ics.headers["content-type"].startswith("text/calendar"), ics.headers
    body = await ics.text()
    (ARTIFACTS / "clinics-booking.ics").write_text(body)
    assert "BEGIN:VCALENDAR" in body and "BEGIN:VEVENT" in body, body
    assert "QI clinic with Amira Shah" in body, body

    # `my bookings` lists it; cancelling replaces the card with the outcome and the (now empty) list.
    await chat.say("my bookings")
    mine = await chat.card_saying(2, "My clinic bookings", when, BASILDON, "Booked")
    await chat.shot("my-bookings", mine)
    await _session_row(mine, "Cancel").filter(has_text=when).get_by_role("button", name="Cancel").click()
    # Cancel asks first; the question replaces the list card.
    question = await chat.card_saying(2, "Cancel your place", "Yes, cancel", "Keep it")
    await chat.shot("cancel-question", question)
    await question.get_by_role("button", name="Yes, cancel").click()
    cancelled = await chat.card_saying(
        2, f"Cancelled: {when} at {BASILDON}.", "My clinic bookings", "You have no upcoming clinic bookings."
    )
    await chat.shot("cancelled", cancelled)

    # The confirmation card above still offers "Cancel booking": pressing it now is harmless.
    await booked.get_by_role("button", name="Cancel booking").click()
    stale = await chat.card_saying(
        1,
        f"That booking was already cancelled ({when} at {BASILDON}).",
        "You have no upcoming clinic bookings.",
        total=3,
    )
    await chat.shot("stale-cancel", stale)

    # The calendar link of a cancelled booking no longer works.
    gone = await page.request.get(calendar_url)
    assert gone.status == 410, gone.status
