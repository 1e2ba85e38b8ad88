"""End to end in the Microsoft 365 Agents Playground: a programme announcement composed, previewed and sent to the
demo staff, with the author's card updated in place until it says "Sent".

The playground user is a QI admin (`QIBOT_ADMINS`) and the scheduler is on, so the outbox delivers. The demo
staff have never chatted with the bot, so the review card counts them as not installed; the one person who
receives it is the playground user. The test may run outside working hours (08:00-18:00 on weekdays), so the
user's own hours are set to every day, all day, as a night-shift worker could set them in `settings`.
Screenshots go to test-artifacts/e2e/announcements-NN-step.png; look at them."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import PLAYGROUND_USER_AAD_ID, Playground, open_chat, running_playground

pytestmark = pytest.mark.e2e

TITLE = "New QI clinics at Southend"
TEXT = "From January there is a **weekly** QI clinic at Southend: book a place with *book clinic*."


@pytest.fixture
def announcements_playground(tmp_path) -> Iterator[Playground]:
    admins = {"QIBOT_ADMINS": PLAYGROUND_USER_AAD_ID}
    with running_playground(tmp_path, demo=True, log_prefix="announcements-", env=admins, scheduler=True) as pg:
        yield pg


def _all_day_every_day(database: Path) -> None:
    stamp = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
    with closing(sqlite3.connect(database)) as db:
        db.execute(
            "INSERT OR REPLACE INTO preferences (user_id, work_days, work_start, work_end, updated_at) "
            "SELECT id, '0,1,2,3,4,5,6', '00:00:00.000000', '23:59:00.000000', ? FROM users "
            "WHERE teams_user_id = 'user-id-0'",
            (stamp,),
        )
        db.commit()


async def test_compose_preview_send_and_watch_the_progress_card(announcements_playground, tmp_path) -> None:
    async with open_chat("announcements-") as chat:
        page = chat.page
        await page.goto(announcements_playground.url)
        welcome = await chat.card_saying(0, "Welcome to QI Companion", "Your site")
        await chat.choose(welcome, "Your site", "Southend University Hospital")
        await chat.choose(welcome, "Your staff group", "Nursing and midwifery (registered)")
        await chat.choose(welcome, "Your QI experience", "None yet")
        await welcome.get_by_role("button", name="Save and start").click()
        await chat.card_saying(0, "Thanks, you are all set.")
        _all_day_every_day(tmp_path / "e2e.db")

        await chat.say("announce")
        compose = await chat.card_saying(1, "New announcement", "Preview shows you the exact card")
        await compose.get_by_role("textbox", name="Title").fill(TITLE)
        await compose.get_by_role("textbox", name=re.compile("^Text")).fill(TEXT)
        await chat.shot("compose", compose, align="start")
        await compose.get_by_role("button", name="Preview").click()

        # The compose card becomes the review (with the count: 12 of 13 have no chat, so how many is hidden, as
        # it would give the 1 away), and the preview arrives as the next message.
        review = await chat.card_saying(1, "Preview sent", TITLE, "some have not installed the app", total=3)
        preview = await chat.card_saying(2, TITLE, "weekly")
        await expect(preview).not_to_contain_text("Preview sent")
        await chat.shot("review", review)
        await chat.shot("preview", preview)
        await review.get_by_role("button", name="Send", exact=True).click()
        await expect(review).to_contain_text(re.compile(r"Sending|Sent"))
        await chat.shot("sending", review)

        # The scheduler delivers the one copy; the author's card is updated in place until it says Sent.
        await expect(review).to_contain_text("Sent: 100% done", timeout=120_000)
        await expect(review).to_contain_text(re.compile(r"1 of \d+ people delivered, 0 still to go"))
        await expect(review).to_contain_text("Not installed")  # the demo staff, who never chatted with the bot
        delivered = chat.cards.filter(has_text=TITLE).filter(has_not_text="Preview sent").filter(
            has_not_text="Announcement"
        )
        await expect(delivered).to_have_count(2)  # the preview, and the copy the user received as staff
        await chat.shot("sent", review)
