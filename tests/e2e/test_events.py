"""End to end in the Microsoft 365 Agents Playground: sign up for a QSIR course, see its calendar file, mark a
register as faculty, write a celebration day abstract pre-filled from a project, and vote on the day.

The bot's database has the demo data (`qibot demo load`): a Fundamentals date at each site, a Practitioner
cohort, yesterday's Fundamentals at Southend with two people booked, and this year's celebration day with two
abstracts. The playground user is a QI admin (`QIBOT_ADMINS`), so they may keep registers. The test hands them
one demo project (its lead in the database), and moves the celebration day to today before voting, as the day
itself is weeks away. Screenshots of each step go to test-artifacts/e2e/events-NN-step.png."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import (
    ARTIFACTS,
    PLAYGROUND_USER_AAD_ID,
    Chat,
    Playground,
    open_chat,
    running_playground,
)

pytestmark = pytest.mark.e2e

BASILDON = "Basildon University Hospital"
HANDED_OVER = "Reducing night falls in frail elderly patients"  # content/demo.yaml: a demo project, no abstract yet
BOOKED_YESTERDAY = ("Fatima Begum", "Daniel Price")  # content/demo.yaml: yesterday's Fundamentals at Southend
POSTER = "Fewer falls at night on Ward 7"  # a demo abstract (a poster)


@pytest.fixture
def events_playground(tmp_path) -> Iterator[Playground]:
    admins = {"QIBOT_ADMINS": PLAYGROUND_USER_AAD_ID}
    with running_playground(tmp_path, demo=True, log_prefix="events-", env=admins) as playground:
        yield playground


async def test_courses_registers_abstracts_and_the_vote_in_the_playground(
    events_playground: Playground, tmp_path: Path
) -> None:
    async with open_chat("events-") as chat:
        await _events(chat, events_playground, tmp_path / "e2e.db")


def _sql(database: Path, statement: str, *args) -> None:
    with closing(sqlite3.connect(database)) as db:
        db.execute(statement, args)
        db.commit()


def _stamp(at: datetime) -> str:
    """How SQLAlchemy stores a UTC datetime in SQLite (naive, in UTC)."""
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


async def _events(chat: Chat, playground: Playground, database: Path) -> None:
    page = chat.page
    await page.goto(playground.url)
    welcome = await chat.card_saying(0, "Welcome to QI Companion", "Your site")
    await chat.choose(welcome, "Your site", BASILDON)
    await chat.choose(welcome, "Your staff group", "Nursing and midwifery (registered)")
    await chat.choose(welcome, "Your QI experience", "None yet")
    await welcome.get_by_role("button", name="Save and start").click()
    await chat.card_saying(0, "Thanks, you are all set.", BASILDON)

    # `events`: the site comes from the profile; Basildon's Fundamentals date is open.
    await chat.say("events")
    listing = await chat.card_saying(1, "Courses and events", "QSIR Fundamentals", BASILDON)
    await expect(listing.get_by_role("combobox", name="Site")).to_have_value(BASILDON)
    await expect(listing).not_to_contain_text("QSIR Practitioner")  # that cohort is at Broomfield
    await chat.shot("events", listing, align="start")
    row = (
        listing.locator(".ac-container")
        .filter(has_text="QSIR Fundamentals")
        .filter(has=page.get_by_role("button", name="Register", exact=True))
    )
    await row.last.get_by_role("button", name="Register", exact=True).click()
    form = await chat.card_saying(1, "Register: QSIR Fundamentals", "My manager has agreed")
    await chat.shot("register-form", form)
    await form.get_by_role("textbox", name=re.compile("Dietary needs")).fill("Vegetarian")
    await form.get_by_role("button", name="Register", exact=True).click()
    refused = await chat.card_saying(1, "Please tick this to register")
    await chat.shot("register-refused", refused)
    await refused.get_by_role("checkbox", name=re.compile("My manager has agreed")).check()
    await refused.get_by_role("button", name="Register", exact=True).click()
    booked = await chat.card_saying(1, "You have a place. See you there!", "Vegetarian")
    calendar = booked.get_by_role("link", name="Add to calendar")
    await expect(calendar).to_be_visible()
    await chat.shot("booked", booked)
    async with page.context.expect_event("request", lambda r: "/events/calendar/" in r.url) as opened:
        await calendar.click()
    ics = await page.request.get((await opened.value).url)
    assert ics.status == 200 and ics.headers["content-type"].startswith("text/calendar"), ics.status
    body = await ics.text()
    (ARTIFACTS / "events-registration.ics").write_text(body)
    assert "BEGIN:VEVENT" in body and "QSIR Fundamentals" in body, body

    # As faculty (an admin): yesterday's Southend register, marked in one card.
    await chat.say("manage events")
    manage = await chat.card_saying(2, "Manage events", "Southend University Hospital")
    await chat.shot("manage", manage, align="start")
    southend = (
        manage.locator(".ac-container")
        .filter(has_text="Southend University Hospital")
        .filter(has_text="2 of 24 booked")  # yesterday's date; the next Southend date has nobody yet
        .filter(has=page.get_by_role("button", name="Register", exact=True))
    )
    await southend.last.get_by_role("button", name="Register", exact=True).click()
    sheet = await chat.card_saying(2, "Register: QSIR Fundamentals", *BOOKED_YESTERDAY)
    for radio in await sheet.get_by_role("radio", name="Attended").all():
        await radio.check()
    await chat.shot("register-sheet", sheet)
    await sheet.get_by_role("button", name="Save register").click()
    await chat.card_saying(2, "Register saved: 2 attended.")
    await chat.shot("register-saved", sheet)

    # An abstract for the celebration day, pre-filled from a project the playground user now leads.
    _sql(
        database,
        "UPDATE projects SET lead_id = (SELECT id FROM users WHERE teams_user_id = 'user-id-0') WHERE title = ?",
        HANDED_OVER,
    )
    await chat.say("submit abstract")
    projects = await chat.card_saying(3, "Your projects", HANDED_OVER, "Not started")
    await projects.get_by_role("button", name="Start from the project").click()
    abstract = await chat.card_saying(3, "Abstract: Improvement celebration day", "of 300 words")
    await expect(abstract.get_by_role("textbox", name="Title")).to_have_value(HANDED_OVER)
    await expect(abstract.get_by_role("textbox", name="Aim")).to_have_value(re.compile("Reduce falls"))
    await chat.shot("abstract-prefilled", abstract, align="start")
    await abstract.get_by_role("textbox", name="What changed (PDSA cycles)").fill("Hourly rounding on the unit.")
    await abstract.get_by_role("textbox", name="Results").fill("Falls fell from 9 to 5 a month.")
    await abstract.get_by_role("button", name="Submit").click()
    await chat.card_saying(3, "Submitted: good luck on the day!")
    await chat.shot("abstract-submitted", abstract)

    # Register for the celebration day, then (the test) move it to today so the vote is open.
    await chat.say("events")
    listing = await chat.card_saying(4, "Courses and events")
    await chat.choose(listing, "Site", "All sites")
    await listing.get_by_role("button", name="Show events").click()
    await expect(listing).to_contain_text("Needs QSIR Fundamentals first.")  # the Practitioner cohort, at Broomfield
    await chat.shot("events-all-sites", listing, align="start")
    day = (
        listing.locator(".ac-container")
        .filter(has_text="Improvement celebration day")
        .filter(has=page.get_by_role("button", name="Register", exact=True))
    )
    await day.last.get_by_role("button", name="Register", exact=True).click()
    form = await chat.card_saying(4, "Register: Improvement celebration day")
    await form.get_by_role("button", name="Register", exact=True).click()
    await chat.card_saying(4, "You have a place. See you there!")
    now = datetime.now(UTC)
    _sql(
        database,
        "UPDATE event_dates SET starts_at = ?, ends_at = ? WHERE event_id = "
        "(SELECT id FROM events WHERE kind = 'celebration')",
        _stamp(now - timedelta(hours=1)),
        _stamp(now + timedelta(hours=6)),
    )
    _sql(
        database, "UPDATE events SET voting_closes_at = ? WHERE kind = 'celebration'", _stamp(now + timedelta(hours=6))
    )
    await chat.say("vote")
    ballot = await chat.card_saying(5, "People's choice", POSTER)
    await chat.shot("ballot", ballot)
    poster = (
        ballot.locator(".ac-container")
        .filter(has_text=POSTER)
        .filter(has=page.get_by_role("button", name="Vote for this"))
    )
    await poster.last.get_by_role("button", name="Vote for this").click()
    voted = await chat.card_saying(5, f"Your vote: {POSTER}.")
    await chat.shot("voted", voted)
