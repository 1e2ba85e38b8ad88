"""End to end in the Microsoft 365 Agents Playground: the before and after self-efficacy survey, as a person would.

On the demo data, with the playground user as an admin: onboard at Broomfield and sign up for its QSIR
Fundamentals date (`events`): the events' "registered" hook makes the self-efficacy "before" invitation (the
scheduler is off in these tests, so the person opens it from `my surveys`). Answer part 1, part of part 2, Finish
later, come back through `my surveys` where it stopped, submit. The course is weeks away, so
`qibot surveys trigger user-id-0 course_attended` stands in for completing it (the call the completion hook
makes); the "after" survey completes the pair, which the database and `survey report` show. Screenshots go
to test-artifacts/e2e/surveys-NN-step.png."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from playwright.async_api import Locator, expect

from tests.e2e.conftest import PLAYGROUND_USER_AAD_ID, ROOT, Chat, Playground, open_chat, running_playground

pytestmark = pytest.mark.e2e

SITE = "Broomfield Hospital (Chelmsford)"
TITLE = "Your confidence with QI"
PRIVACY = "stored under a code made from your account, not your name"


@pytest.fixture
def surveys_playground(tmp_path) -> Iterator[Playground]:
    admins = {"QIBOT_ADMINS": PLAYGROUND_USER_AAD_ID}
    with running_playground(tmp_path, demo=True, log_prefix="surveys-", env=admins) as playground:
        yield playground


def qibot(database: Path, *args: str) -> str:
    """The operator's command line against the test bot's database (as running_playground's own set-up does)."""
    env = {
        **os.environ,
        "MicrosoftAppId": "",
        "QIBOT_HOST": "127.0.0.1",
        "QIBOT_PUBLIC_URL": "",
        "QIBOT_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }
    done = subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def responses(database: Path) -> list[tuple[str, str, str]]:
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return db.execute("SELECT pseudonym, wave, status FROM survey_responses ORDER BY id").fetchall()


async def answer_items(card: Locator, first: int, count: int, label: str) -> None:
    """Choose `label` (e.g. "3 Quite confident") for `count` items from the `first` on the card."""
    options = card.get_by_role("radio", name=label, exact=True)
    for index in range(first, first + count):
        await options.nth(index).check()


async def test_before_and_after_survey_with_finish_later_in_the_playground(
    surveys_playground: Playground, tmp_path: Path
) -> None:
    database = tmp_path / "e2e.db"
    async with open_chat("surveys-") as chat:
        await _before_and_after(chat, surveys_playground, database)


async def _before_and_after(chat: Chat, playground: Playground, database: Path) -> None:
    page = chat.page
    await page.goto(playground.url)
    welcome = await chat.card_saying(0, "Welcome to QI Companion", "Your site")
    await chat.choose(welcome, "Your site", SITE)
    await chat.choose(welcome, "Your staff group", "Allied health professionals")
    await chat.choose(welcome, "Your QI experience", "None yet")
    await welcome.get_by_role("button", name="Save and start").click()
    await chat.card_saying(0, "Thanks, you are all set.", SITE)

    # Sign up for a QSIR course: a confirmed place brings the "before" survey.
    await chat.say("events")
    listing = await chat.card_saying(1, "Courses and events", "QSIR Fundamentals", SITE)
    row = (
        listing.locator(".ac-container")
        .filter(has_text="QSIR Fundamentals")
        .filter(has=page.get_by_role("button", name="Register", exact=True))
    )
    await row.last.get_by_role("button", name="Register", exact=True).click()
    form = await chat.card_saying(1, "Register: QSIR Fundamentals", "My manager has agreed")
    await form.get_by_role("checkbox", name=re.compile("My manager has agreed")).check()
    await form.get_by_role("button", name="Register", exact=True).click()
    await chat.card_saying(1, "You have a place. See you there!")

    # The before survey: `my surveys` lists it; Start opens part 1 with the privacy sentence.
    await chat.say("my surveys")
    mine = await chat.card_saying(2, "My surveys", TITLE, "Not started")
    await chat.shot("my-surveys", mine)
    await mine.get_by_role("button", name="Start").click()
    part1 = await chat.card_saying(2, TITLE, "Part 1 of 2: Planning and measuring", PRIVACY)
    await chat.shot("part-1-top", part1, align="start")
    await answer_items(part1, 0, 5, "2 A little confident")
    await chat.shot("part-1-answered", part1, align="end")
    await part1.get_by_role("button", name="Next").click()
    part2 = await chat.card_saying(2, "Part 2 of 2: Testing, people and change")
    await answer_items(part2, 0, 2, "2 A little confident")
    await part2.get_by_role("button", name="Finish later").click()
    saved = await chat.card_saying(2, "Saved.", "Part 2 of 2")
    await chat.shot("finish-later", saved, align="start")

    # Back later: `my surveys` says it was started and Continue opens part 2 with the two answers kept.
    await chat.say("my surveys")
    mine = await chat.card_saying(3, "My surveys", "Started: it opens where you stopped")
    await mine.get_by_role("button", name="Continue").click()
    resumed = await chat.card_saying(3, "Part 2 of 2")
    await expect(resumed.get_by_role("radio", name="2 A little confident", exact=True).nth(0)).to_be_checked()
    await expect(resumed.get_by_role("radio", name="2 A little confident", exact=True).nth(1)).to_be_checked()
    await chat.shot("resumed", resumed, align="start")
    # Submitting with an answer missing is refused by the server, with the message by the question.
    await resumed.get_by_role("button", name="Submit").click()
    await expect(resumed).to_contain_text("Please answer this question.")
    await chat.shot("missing-answer", resumed)
    await answer_items(resumed, 2, 3, "2 A little confident")
    await resumed.get_by_role("button", name="Submit").click()
    thanks = await chat.card_saying(3, "Thank you: your answers are in.", "Change my answers")
    await chat.shot("before-done", thanks)

    # Completing the course (stood in for by the trigger its completion fires): the after survey.
    assert "course_after" in qibot(database, "surveys", "trigger", "user-id-0", "course_attended")
    await chat.say("my surveys")
    mine = await chat.card_saying(4, "My surveys", "Not started", "Answered")
    await mine.get_by_role("button", name="Start").click()
    after1 = await chat.card_saying(4, "Part 1 of 2")
    await answer_items(after1, 0, 5, "3 Quite confident")
    await after1.get_by_role("button", name="Next").click()
    after2 = await chat.card_saying(4, "Part 2 of 2")
    await answer_items(after2, 0, 5, "4 Very confident")
    await after2.get_by_role("button", name="Submit").click()
    await chat.card_saying(4, "Thank you: your answers are in.")

    # The pair: one pseudonym, before and after, submitted; no user id in the table.
    rows = responses(database)
    assert [(wave, status) for _, wave, status in rows] == [("before", "submitted"), ("after", "submitted")], rows
    assert len({pseudonym for pseudonym, _, _ in rows}) == 1 and len(rows[0][0]) == 64

    # The admin's report: one pair, so its counts say "[c]" and no statistics are shown.
    await chat.say("survey report")
    report = await chat.card_saying(5, "Surveys", "Matched pairs", "[c]", "Figures are shown from 5 matched pairs.")
    await chat.shot("report", report, align="start")
