"""End to end in the Microsoft 365 Agents Playground: the forum's loop between a personal chat and a team channel.

What it proves:

1. In the Playground's team channel ("My Team" > "Announcements", its default config), the signed-in user (Alex
   Wilber, made a QI admin with QIBOT_ADMINS) mentions the bot with `forum channels` and links the channel from
   the card the bot replies with (real Playground channel activities: conversationType channel, channelData).
2. In the personal chat, Alex asks a question through the `ask` card (nothing similar exists yet, so it posts).
3. The scheduler's dispatcher posts it as a new thread: create_conversation with channelData.channel.id, which the
   Playground answers like Teams ("<channel>;messageid=<id>"), and the thread card shows in the channel view.
4. A coach replies in that thread. The Playground always acts as its one signed-in user and cannot switch users
   (its config file lists mock users, but the UI sends as `currentUser`), and a reply by the asker is not an
   answer, so the coach's reply (Megan Bowen, a user in the Playground's config) is posted to the bot's
   /api/messages directly, as Teams would deliver it with resource-specific consent (no mention), with the
   Playground as its serviceUrl.
5. Back in the personal chat, Alex sees the coach's reply relayed (name, text, "Open the thread"), and closes the
   question ("Did this answer your question?" > Yes).
Screenshots go to test-artifacts/e2e/forum-NN-step.png; look at them.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.async_api import expect

from bot import registry
from core.forum.services import thread_key
from storage.db import create_engine
from tests.e2e.conftest import PLAYGROUND_USER_AAD_ID, Chat, Playground, open_chat, running_playground

pytestmark = pytest.mark.e2e

QUESTION = "How many data points do I need before my run chart shows a real shift?"
ANSWER = "Wait for at least ten points, then apply the shift rule: six in a row on one side of the median."
BOT_NAME = "Test Bot"  # the Playground's default config
BOT_ID = "00000000-0000-0000-0000-00000000000011"
CHANNEL_ID = "channel-announcements-id"
COACH = {"id": "user-id-1", "name": "Megan Bowen", "aadObjectId": "00000000-0000-0000-0000-0000000000021"}
TENANT = "00000000-0000-0000-0000-0000000000001"


@pytest.fixture
def forum_playground(tmp_path) -> Iterator[tuple[Playground, str]]:
    """The Playground and the bot with its scheduler on (the outbox delivers), and the bot's database URL."""
    admins = {"QIBOT_ADMINS": PLAYGROUND_USER_AAD_ID}
    with running_playground(tmp_path, log_prefix="forum-", env=admins, scheduler=True) as playground:
        yield playground, f"sqlite+aiosqlite:///{tmp_path}/e2e.db"


def _coach_replies(playground: Playground, thread: str, text: str) -> None:
    """The coach's reply in the thread, posted to the bot as Teams delivers it (no mention, RSC)."""
    activity = {
        "type": "message",
        "id": "1700000123456",
        "serviceUrl": playground.url.rstrip("/"),
        "channelId": "msteams",
        "from": COACH,
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "conversation": {"id": thread, "conversationType": "channel", "isGroup": True, "tenantId": TENANT},
        "channelData": {"channel": {"id": CHANNEL_ID}, "team": {"id": "team-id"}, "tenant": {"id": TENANT}},
        "text": text,
        "textFormat": "plain",
    }
    request = urllib.request.Request(
        f"{playground.bot_url}/api/messages",
        data=json.dumps(activity).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 201), response.status


async def _open(chat: Chat, name: str) -> None:
    """Switch the Playground's conversation (its left-hand list: the personal chat, the group chat, the team's
    channels)."""
    await chat.page.get_by_text(name, exact=True).first.click()


async def _mention_bot(chat: Chat, text: str) -> None:
    """A new post in the channel (its "Start a new post" box; each thread below has its own reply box)."""
    post = chat.compose.first
    await post.click()
    await post.type("@")
    await chat.page.get_by_role("menuitem", name=re.compile(BOT_NAME)).click()
    await post.type(f" {text}")
    await chat.page.get_by_role("button", name="Post", exact=True).click()


async def test_ask_in_chat_answer_in_the_channel_thread_close_in_chat(forum_playground) -> None:
    playground, database_url = forum_playground
    async with open_chat("forum-") as chat:
        page = chat.page
        await page.goto(playground.url)
        welcome = await chat.card_saying(0, "Welcome to QI Companion")
        await chat.choose(welcome, "Your site", "Basildon University Hospital")
        await chat.choose(welcome, "Your staff group", "Allied health professionals")
        await chat.choose(welcome, "Your QI experience", "None yet")
        await welcome.get_by_role("button", name="Save and start").click()
        await chat.card_saying(0, "Thanks, you are all set.")

        # 1. Link the team channel.
        await _open(chat, "Announcements")
        await _mention_bot(chat, "forum channels")
        link = chat.page.locator(".ac-adaptiveCard").filter(has_text="Link this channel").last
        await expect(link).to_be_visible()
        await chat.shot("channel-link-card", link)
        await link.get_by_role("button", name="Link this channel").click()
        await expect(link).to_contain_text("Linked: Coaches' channel for all sites (this channel).")
        await chat.shot("channel-linked", link)

        # 2. Ask in the personal chat.
        await _open(chat, "Personal Chat")
        await chat.say("ask")
        ask = chat.page.locator(".ac-adaptiveCard").filter(has_text="Ask a QI coach").last
        await ask.get_by_role("textbox", name=re.compile("Your question")).fill(QUESTION)
        await chat.choose(ask, "Topic", "Measurement and charts")
        await chat.shot("ask", ask)
        await ask.get_by_role("button", name="Check and post").click()
        posted = _card(chat, "Posted. The QI coaches will answer in Teams")  # the form is replaced in place
        await expect(posted).to_contain_text(QUESTION)
        await chat.shot("posted", posted)

        # 3. The thread card in the channel (the dispatcher runs every second).
        await _open(chat, "Announcements")
        thread_card = chat.page.locator(".ac-adaptiveCard").filter(has_text=QUESTION).last
        await expect(thread_card).to_contain_text("a colleague at Basildon University Hospital")
        await expect(thread_card.get_by_role("button", name="Send answer")).to_be_visible()
        await chat.shot("thread-card", thread_card)

        # 4. The coach replies in the thread (see the module docstring for why over HTTP).
        thread = await _thread_id(database_url)
        _coach_replies(playground, thread, ANSWER)

        # 5. The asker sees it in their chat and closes the question.
        await _open(chat, "Personal Chat")
        relayed = chat.page.locator(".ac-adaptiveCard").filter(has_text=ANSWER).last
        await expect(relayed).to_contain_text("Megan Bowen")
        await expect(relayed.get_by_role("link", name="Open the thread")).to_be_visible()
        await chat.shot("relayed", relayed)
        await relayed.get_by_role("button", name="Close question").click()
        closing = _card(chat, "Did this answer your question?")
        await expect(closing).to_be_visible()
        await closing.get_by_role("button", name="Yes", exact=True).click()
        closed = _card(chat, "Closed. Thank you for telling us.")
        await expect(closed).to_be_visible()
        await chat.shot("closed", closed)


def _card(chat: Chat, text: str):
    return chat.page.locator(".ac-adaptiveCard").filter(has_text=text).last


async def _thread_id(database_url: str) -> str:
    """The thread the bot started, as the Playground named it ("<channel>;messageid=<id>"): the outbox records
    it when the dispatcher has sent the new-thread message (SQLite in WAL mode reads beside the bot)."""
    engine = create_engine(database_url)
    try:
        for _ in range(60):
            async with registry.uow_factory(engine)() as uow:
                [post] = await uow.forum.unanswered()
                thread = await uow.outbox.started_conversation(thread_key(post))
            if thread:
                assert thread.startswith(f"{CHANNEL_ID};messageid="), thread
                return thread
            await asyncio.sleep(0.5)
    finally:
        await engine.dispose()
    raise AssertionError("the new thread was not sent within 30 s")
