"""End to end in the Microsoft 365 Agents Playground: a facilitator sets up an action learning set, sees its
calendar link, records attendance; as a member of the demo set they record an action.

The bot's database has the demo data (`qibot demo load`: demo staff to choose as members, and Tom Okafor's demo
set). The playground user is a QI admin (so also a facilitator). Time cannot pass in the playground, so after the
set is created the test moves its first meeting (and the demo set's) an hour into the past in the bot's database,
as the clock would. Screenshots of each step go to test-artifacts/e2e/sets-NN-step.png.

NOT RUN when written (the e2e ports were in use by others): run it with `pytest tests/e2e/test_sets.py -m e2e`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect
from sqlalchemy import update

from bot import registry
from storage.db import create_engine
from storage.sets.tables import action_set_meetings
from tests.e2e.conftest import ARTIFACTS, PLAYGROUND_USER_AAD_ID, Chat, Playground, open_chat, running_playground

pytestmark = pytest.mark.e2e

BASILDON = "Basildon University Hospital"
SET_NAME = "Night shift leads set"
MEMBERS = ("Grace Adeyemi", "Liam Walsh", "Mei Chen", "Oliver Hughes", "Fatima Begum")
DEMO_SET = "Ward leaders action learning set"  # content/demo.yaml


@pytest.fixture
def sets_playground(tmp_path) -> Iterator[tuple[Playground, str]]:
    """The demo data, the playground user a QI admin; and the bot's database URL, to let time pass."""
    admins = {"QIBOT_ADMINS": PLAYGROUND_USER_AAD_ID}
    with running_playground(tmp_path, demo=True, log_prefix="sets-", env=admins) as playground:
        yield playground, f"sqlite+aiosqlite:///{tmp_path}/e2e.db"


async def _time_passes(database_url: str, *, join_demo_set: bool) -> None:
    """Move the first meeting of the playground user's sets an hour into the past (and, if asked, make them a
    member of the demo set first)."""
    engine = create_engine(database_url)
    now = datetime.now(UTC)
    try:
        async with registry.uow_factory(engine)() as uow:
            me = await uow.users.find(PLAYGROUND_USER_AAD_ID)
            if join_demo_set:
                tom = await uow.users.by_teams_id("demo-coach-broomfield")
                demo = next(s for s in await uow.sets.sets_of(tom.id) if s.name == DEMO_SET)
                await uow.sets.add_member(demo.id, me.id, now=now)
            await uow.commit()
            firsts = [(await uow.sets.meetings(found.id))[0].id for found in await uow.sets.sets_of(me.id)]
        async with engine.begin() as conn:
            await conn.execute(
                update(action_set_meetings)
                .where(action_set_meetings.c.id.in_(firsts))
                .values(starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=1))
            )
    finally:
        await engine.dispose()


async def test_create_a_set_record_attendance_and_an_action(sets_playground) -> None:
    playground, database_url = sets_playground
    async with open_chat("sets-") as chat:
        await _journey(chat, playground, database_url)


async def _journey(chat: Chat, playground: Playground, database_url: str) -> None:
    page = chat.page
    await page.goto(playground.url)
    welcome = await chat.card_saying(0, "Welcome to QI Companion", "Your site")
    await chat.choose(welcome, "Your site", BASILDON)
    await chat.choose(welcome, "Your staff group", "Nursing and midwifery (registered)")
    await chat.choose(welcome, "Your QI experience", "QSIR Practitioner")
    await welcome.get_by_role("button", name="Save and start").click()
    await chat.card_saying(0, "Thanks, you are all set.")

    # `new set`: the set and its meeting pattern.
    await chat.say("new set")
    details = await chat.card_saying(1, "Set up an action learning set", "Step 1 of 2")
    await details.get_by_role("textbox", name="Name of the set").fill(SET_NAME)
    await chat.choose(details, "Site", "Cross-site")
    first = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
    await details.get_by_label(re.compile("^Date of the first meeting")).fill(first)
    await details.get_by_role("textbox", name=re.compile("Place")).fill("Education Centre, room 2")
    await chat.shot("details", details)
    await details.get_by_role("button", name="Next: choose members").click()

    # Members, found by name: five of the demo staff.
    members = await chat.card_saying(1, "Step 2 of 2", "0 chosen")
    for name in MEMBERS:
        await members.get_by_role("textbox", name="Find someone by name").fill(name)
        await members.get_by_role("button", name="Search").click()
        row = (
            members.locator(".ac-container")
            .filter(has_text=name)
            .filter(has=page.get_by_role("button", name="Add", exact=True))
        )
        await row.last.get_by_role("button", name="Add", exact=True).click()
        await expect(members).to_contain_text(f"Added {name}.")
    await expect(members).to_contain_text("5 chosen")
    await chat.shot("members", members)
    await members.get_by_role("button", name="Create the set").click()
    created = await chat.card_saying(1, "Set created", SET_NAME, "Presenter: Grace Adeyemi")
    await chat.shot("created", created, align="start")

    # Its calendar link: an .ics with the meeting, and never an issue.
    calendar = created.get_by_role("link", name="Add to calendar")
    async with page.context.expect_event("request", lambda r: "/sets/calendar/" in r.url) as opened:
        await calendar.click()
    url = (await opened.value).url
    ics = await page.request.get(url)
    assert ics.status == 200 and ics.headers["content-type"].startswith("text/calendar"), ics.status
    body = await ics.text()
    (ARTIFACTS / "sets-meeting.ics").write_text(body)
    assert "BEGIN:VEVENT" in body and f"Action learning set: {SET_NAME}" in body, body

    # The first meeting takes place (time passes), then attendance in one card.
    await _time_passes(database_url, join_demo_set=True)
    await chat.say("my sets")
    mine = await chat.card_saying(2, "My action learning sets", SET_NAME, DEMO_SET)
    await chat.shot("my-sets", mine)
    own = mine.locator(".ac-container").filter(has_text=SET_NAME).filter(has=page.get_by_role("button", name="Open"))
    await own.last.get_by_role("button", name="Open").click()
    opened_set = await chat.card_saying(2, SET_NAME, "Record attendance")
    await opened_set.get_by_role("button", name="Record attendance").click()
    sheet = await chat.card_saying(2, f"Attendance: {SET_NAME}", *MEMBERS)
    await sheet.get_by_role("radio", name="Apologies").first.check()
    await chat.shot("attendance", sheet)
    await sheet.get_by_role("button", name="Save attendance").click()
    saved = await chat.card_saying(2, "Attendance saved: 4 present, 1 apologies, 0 absent.")
    await chat.shot("attendance-saved", saved)

    # As a member of the demo set: "By next time I will...".
    await chat.say("my sets")
    again = await chat.card_saying(3, "My action learning sets", DEMO_SET)
    demo = again.locator(".ac-container").filter(has_text=DEMO_SET).filter(has=page.get_by_role("button", name="Open"))
    await demo.last.get_by_role("button", name="Open").click()
    demo_card = await chat.card_saying(3, DEMO_SET, "My actions")
    await demo_card.get_by_role("button", name="My actions").click()
    form = await chat.card_saying(3, "By next time I will...")
    await form.get_by_role("textbox", name="Action 1").fill("ask matron about the handover audit")
    await chat.shot("actions", form)
    await form.get_by_role("button", name="Save my actions").click()
    done = await chat.card_saying(3, "Saved: 1 open actions for next time.", "ask matron about the handover audit")
    await chat.shot("actions-saved", done)
