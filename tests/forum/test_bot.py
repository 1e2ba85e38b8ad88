"""The forum through the real app with real Teams channel JSON: an admin links a channel by mentioning the bot in
it; a question asked in personal chat becomes a new thread (create_conversation with channelData.channel.id at
the fake connector); a coach's reply in the thread (no mention, as resource-specific consent delivers it; and
with a mention, which is stripped) reaches the asker's personal chat; channel talk that is not in a question's
thread, and the bot's own messages, are ignored before anyone is recorded."""

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import keys, registry
from bot.app import create_app
from bot.config import Config
from dialogs.forum import ask, channels, mine
from tests.bot import activities as a
from tests.dialogs.harness import card_text
from tests.forum import activities as channel
from tests.forum.activities import CHANNEL

QUESTION = "How many points before a run chart shows a shift?"


@pytest.fixture
async def client(sqlite_engine, content, clock):
    config = Config(scheduler_enabled=False, admins=frozenset({"aad-3"}))
    app = create_app(config, engine=sqlite_engine, content=content, clock=clock)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


@pytest.fixture
def uows(sqlite_engine):
    return registry.uow_factory(sqlite_engine)


async def post(client, activity):
    response = await client.post("/api/messages", json=activity)
    assert response.status in (200, 201), await response.text()
    return response


async def drain(client):
    return await client.app[keys.DISPATCHER].drain()


async def linked_and_asked(client, connector):
    # The admin mentions the bot in a new post in the channel, then links it from the card the bot replies with.
    command = channel.new_post(connector.url, "forum channels", 3)
    await post(client, command)
    [reply] = connector.delivered(command["conversation"]["id"])
    assert "Link this channel" in card_text(reply.card)
    pressed = await post(
        client,
        channel.channel_card_action(
            connector.url,
            channels.link.verb,
            {"kind": "coaches", "scope": "all"},
            3,
            conversation_id=command["conversation"]["id"],
        ),
    )
    assert "Linked" in card_text((await pressed.json())["value"])
    # The asker, in their personal chat.
    await post(client, a.install(connector.url, 1))
    await post(
        client,
        a.card_action(
            connector.url, "onboarding.save", {"site": "basildon", "staff_group": "ahp", "experience": "none"}
        ),
    )
    await post(
        client,
        a.card_action(connector.url, ask.check.verb, {"question": QUESTION, "topic": "measurement", "project": "none"}),
    )
    assert await drain(client) == 1
    [created] = connector.created
    assert created["channelData"] == {"channel": {"id": CHANNEL}} and created["isGroup"] is True
    [thread] = [r for r in connector.delivered() if r.method == "CREATE"]
    assert QUESTION in card_text(thread.card) and "a colleague at Basildon University Hospital" in card_text(
        thread.card
    )
    return thread.conversation_id


async def test_a_reply_in_the_thread_reaches_the_askers_chat(client, connector):
    thread = await linked_and_asked(client, connector)
    assert thread.startswith(f"{CHANNEL};messageid=")
    before = len(connector.received)
    await post(
        client, channel.thread_reply(connector.url, "Wait for ten points, then apply the rules.", 2, thread=thread)
    )
    assert len(connector.received) == before, "the bot says nothing in the channel"
    assert await drain(client) == 1
    [relayed] = connector.delivered("a:1personal1")[-1:]
    text = card_text(relayed.card)
    assert "Sam Patel 2" in text and "Wait for ten points, then apply the rules." in text
    assert f"https://teams.microsoft.com/l/message/{CHANNEL}/" in str(relayed.card)
    # A reply that mentions the bot: the mention is stripped.
    await post(client, channel.thread_reply(connector.url, "Weekly data helps too.", 4, thread=thread, mention=True))
    await drain(client)
    last = card_text(connector.delivered("a:1personal1")[-1].card)
    assert "Weekly data helps too." in last and "QI Companion" not in last.split("replied")[1]


async def test_the_same_reply_delivered_twice_is_relayed_once(client, connector):
    thread = await linked_and_asked(client, connector)
    reply = channel.thread_reply(connector.url, "Try a run chart.", 2, thread=thread)
    await post(client, reply)
    await post(client, reply)
    assert await drain(client) == 1


async def test_the_asker_closes_and_the_thread_is_told(client, connector, uows):
    thread = await linked_and_asked(client, connector)
    await post(client, channel.thread_reply(connector.url, "Use the median.", 2, thread=thread))
    await drain(client)
    async with uows() as uow:
        user = await uow.users.by_teams_id("29:1user1")
        [question] = await uow.forum.user_posts(user.id, kind="question")
    await post(client, a.card_action(connector.url, mine.closed.verb, {"post_id": question.id, "outcome": "yes"}))
    assert await drain(client) == 1
    [note] = [r for r in connector.delivered(thread) if r.method == "POST"]
    assert "closed this question (answered)" in note.text


async def test_channel_talk_outside_a_question_thread_is_ignored_and_nobody_is_recorded(client, connector, uows):
    thread = await linked_and_asked(client, connector)
    before = len(connector.received)
    elsewhere = f"{CHANNEL};messageid=1700000999999"
    await post(client, channel.thread_reply(connector.url, "Lunch at one?", 9, thread=elsewhere))
    await post(client, channel.from_the_bot(channel.thread_reply(connector.url, "An echo", 8, thread=thread)))
    assert len(connector.received) == before and await drain(client) == 0
    async with uows() as uow:
        assert await uow.users.by_teams_id("29:1user9") is None
        assert await uow.users.by_teams_id("29:1user8") is None


async def test_a_mention_in_an_unlinked_channel_gets_the_menu_politely(client, connector):
    command = channel.new_post(connector.url, "hello", 6)
    await post(client, command)
    [reply] = connector.delivered(command["conversation"]["id"])
    assert "What I can do" in card_text(reply.card)


async def test_question_and_reply_text_never_reach_the_logs(client, connector, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    thread = await linked_and_asked(client, connector)
    await post(client, channel.thread_reply(connector.url, "Secret-ish reply about Ward 7", 2, thread=thread))
    await drain(client)
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert caplog.records and QUESTION not in logged and "Ward 7" not in logged
