"""Transcripts of the forum: ask (with the duplicate check), answer, close, promote; linking a channel and
answering from the thread card (channel turns); forged cards change nothing."""

from dataclasses import replace

import pytest

from core.forum import faq
from core.forum.services import adopt_threads, thread_key
from core.kernel.model import Role
from dialogs.forum import ask, channels, coaching, mine
from dialogs.forum import faq as faq_dialog
from dialogs.kit.types import Inbound
from tests.dialogs.harness import Chat, card_text, find_action, only_card
from tests.forum.data import CHANNEL, GROUP, TEAM, channel_address, queued, queued_to, thread_sent

QUESTION = "How many data points do I need for a run chart on my ward?"


def next_to(card: dict, input_id: str) -> str | None:
    body = card["body"]
    index = next(i for i, element in enumerate(body) if element.get("id") == input_id)
    after = body[index + 1] if index + 1 < len(body) else {}
    return after.get("text") if after.get("weight") == "Bolder" else None


async def onboarded(content, n, uow=None, *, role=None, name=None):
    chat = Chat(content, n=n, uow=uow)
    if name:
        chat.address = replace(chat.address, user_name=name)
    await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    if role:
        await chat.grant(role)
    return chat


async def in_channel(chat: Chat, *, conversation_id: str, text: str = "", verb: str | None = None, **data):
    """A turn from a team channel (a new post, or the thread `conversation_id`), as bot.activity maps one."""
    personal = chat.address
    chat.address = channel_address(int(personal.user_teams_id.split("-")[-1]), conversation_id)
    chat.address = replace(chat.address, user_name=personal.user_name)
    try:
        return await chat._turn(
            Inbound(
                kind="action" if verb else "message",
                conversation_id=conversation_id,
                conversation_type="channel",
                text=text,
                verb=verb,
                data=data,
                team_id=TEAM,
                team_group_id=GROUP,
                channel_id=CHANNEL,
                thread_root=conversation_id.split("=")[-1],
                mentions_bot=verb is None,
            )
        )
    finally:
        chat.address = personal


@pytest.fixture
async def people(content):
    asker = await onboarded(content, 1, name="Sam Patel")
    coach = await onboarded(content, 2, asker.uow, role=Role.COACH, name="Amira Shah")
    admin = await onboarded(content, 3, asker.uow, role=Role.ADMIN)
    linked = await in_channel(admin, conversation_id=f"{CHANNEL};messageid=1700000000001", text="forum channels")
    card = only_card(linked)
    assert "Link this channel" in card_text(card)
    done = await in_channel(
        admin,
        conversation_id=f"{CHANNEL};messageid=1700000000001",
        **{**find_action(card, "Link this channel")["data"], "kind": "coaches", "scope": "all"},
        verb=channels.link.verb,
    )
    assert "Linked: **Coaches' channel** for all sites (this channel)." in card_text(done.card)
    return asker, coach, admin


async def test_ask_with_no_similar_answer_posts_a_thread_card(people):
    asker, *_ = people
    card = only_card(await asker.say("ask a coach"))
    assert "Ask a QI coach" in card_text(card)
    refused = await asker.press_button(card, "Check and post", question="", topic="measurement")
    assert refused.commit is False and next_to(refused.card, "question") == "Please add your question."
    posted = await asker.press_button(card, "Check and post", question=QUESTION, topic="measurement")
    assert "Posted. The QI coaches will answer in Teams" in card_text(posted.card)
    [row] = queued(asker.uow, "forum:post:")
    assert row["message"].new_thread
    thread_card = card_text(row["message"].card)
    assert QUESTION in thread_card and "a colleague at Basildon University Hospital" in thread_card
    assert "Send answer" in thread_card


async def test_ask_shows_similar_answers_and_this_answers_it_records_it(people, content):
    asker, *_ = people
    await faq.import_faq(
        asker.uow,
        entries=[faq.FaqImport("points", "measurement", "Run chart: how many data points?", "At least 10.")],
        content=content,
        now=asker.clock.now(),
    )
    card = only_card(await asker.say("ask"))
    shown = await asker.press_button(card, "Check and post", question=QUESTION, topic="measurement")
    text = card_text(shown.card)
    assert "These may answer it already" in text and "At least 10." in text and "From the FAQ" in text
    assert not queued(asker.uow, "forum:post:")
    helped = await asker.press_button(shown.card, "This answers it")
    assert "Glad that helped" in card_text(helped.card)
    late = await asker.press_button(shown.card, "Post my question")
    assert "posted already" in card_text(late.card) and not queued(asker.uow, "forum:post:")


async def test_answer_relay_reply_close(people, content):
    asker, coach, _ = people
    card = only_card(await asker.say("ask"))
    await asker.press_button(card, "Check and post", question=QUESTION, topic="measurement")
    [post] = await asker.uow.forum.user_posts((await asker.user()).id, kind="question")
    queue = only_card(await coach.say("open questions"))
    assert "Sam Patel" in card_text(queue) and "Waiting" in card_text(queue)  # coaches see who asked
    opened = await coach.press_button(queue, "Open")
    assert "A question from Sam Patel" in card_text(opened.card)
    answered = await coach.press_button(opened.card, "Send answer", answer="Ten points, then apply the rules.")
    assert "Sent to the asker and to the thread." in card_text(answered.card)
    [relayed] = queued_to(asker.uow, (await asker.user()).id)
    relay = relayed["message"].card
    assert "Amira Shah" in card_text(relay) and "Ten points, then apply the rules." in card_text(relay)
    helped = await asker.press_button(relay, "This helped")
    assert "Thanks: marked helpful." in card_text(helped.card)
    asked = await asker.press_button(relay, "Close question")
    assert "Did this answer your question?" in card_text(asked.card)
    closed = await asker.press_button(asked.card, "Yes")
    assert "Closed. Thank you for telling us." in card_text(closed.card) and "Closed (answered)" in card_text(
        closed.card
    )
    again = await asker.press_button(asked.card, "No")
    assert "already closed" in card_text(again.card)
    assert (await asker.uow.forum.get_post(post.id)).outcome == "yes"


async def test_a_coach_promotes_an_answer_and_faq_finds_it(people):
    asker, coach, _ = people
    card = only_card(await asker.say("ask"))
    await asker.press_button(card, "Check and post", question=QUESTION, topic="measurement")
    [post] = await asker.uow.forum.user_posts((await asker.user()).id, kind="question")
    opened = await coach.press(mine.view.verb, post_id=post.id)
    await coach.press_button(opened.card, "Send answer", answer="Ten points.")
    opened = await coach.press(mine.view.verb, post_id=post.id)
    form = await coach.press_button(opened.card, "Add to the FAQ")
    assert "Add to the FAQ" in card_text(form.card)
    refused = await coach.press_button(form.card, "Add to the FAQ", answer="")
    assert refused.commit is False and next_to(refused.card, "answer") == "Please add the answer."
    added = await coach.press_button(form.card, "Add to the FAQ", keywords="baseline median")
    assert "Added to the FAQ" in card_text(added.card)
    searched = await asker.press(faq_dialog.search.verb, q="baseline")
    assert QUESTION in card_text(searched.card)


async def test_a_forged_card_for_someone_elses_question_changes_nothing(people, content):
    asker, coach, _ = people
    card = only_card(await asker.say("ask"))
    await asker.press_button(card, "Check and post", question=QUESTION, topic="measurement")
    [post] = await asker.uow.forum.user_posts((await asker.user()).id, kind="question")
    intruder = await onboarded(content, 5, asker.uow)
    before = intruder.snapshot()
    for verb, data in (
        (mine.view.verb, {"post_id": post.id}),
        (mine.closed.verb, {"post_id": post.id, "outcome": "yes"}),
        (mine.withdrawn.verb, {"post_id": post.id}),
        (mine.reply.verb, {"post_id": post.id, "reply": "hijack"}),
        (ask.post.verb, {"draft_id": post.id}),
        (coaching.answer.verb, {"post_id": post.id, "answer": "not a coach"}),
    ):
        response = await intruder.press(verb, **data)
        assert response.commit is False, verb
        assert intruder.snapshot() == before, verb


async def test_a_coach_answers_from_the_card_in_the_thread(people, content):
    asker, coach, _ = people
    card = only_card(await asker.say("ask"))
    await asker.press_button(card, "Check and post", question=QUESTION, topic="measurement")
    [post] = await asker.uow.forum.user_posts((await asker.user()).id, kind="question")
    thread = await thread_sent(asker.uow, post)
    await adopt_threads(asker.uow, now=asker.clock.now())
    [row] = [r for r in asker.uow.db.outbox.values() if r["dedupe_key"] == thread_key(post)]
    thread_card = row["message"].card
    pressed = await in_channel(
        coach, conversation_id=thread, verb=coaching.answer.verb, post_id=post.id, answer="Twenty is better."
    )
    assert "Answered by Amira Shah: sent to the asker." in card_text(pressed.card)
    assert "Send answer" in card_text(pressed.card) and find_action(thread_card, "Send answer")
    [relayed] = queued_to(asker.uow, (await asker.user()).id)
    assert "Twenty is better." in card_text(relayed["message"].card)


async def test_a_reply_typed_in_the_thread_is_relayed_and_the_bot_stays_quiet(people):
    asker, coach, _ = people
    card = only_card(await asker.say("ask"))
    await asker.press_button(card, "Check and post", question=QUESTION, topic="measurement")
    [post] = await asker.uow.forum.user_posts((await asker.user()).id, kind="question")
    thread = await thread_sent(asker.uow, post)
    said = await in_channel(coach, conversation_id=thread, text="Have a look at the run chart rules.")
    assert said.messages == [] and said.card is None
    [relayed] = queued_to(asker.uow, (await asker.user()).id)
    assert "Have a look at the run chart rules." in card_text(relayed["message"].card)


async def test_channel_talk_outside_a_thread_gets_no_reply_unless_the_bot_is_mentioned(people):
    _, coach, _ = people
    before = coach.snapshot()
    response = await coach._turn(
        Inbound(
            kind="message",
            conversation_id=f"{CHANNEL};messageid=1700000009999",
            conversation_type="channel",
            text="lunch at one?",
            channel_id=CHANNEL,
            thread_root="1700000009999",
            mentions_bot=False,
        )
    )
    assert response.messages == [] and response.card is None
    assert coach.snapshot() == before


async def test_only_an_admin_links_a_channel(content, people):
    _, coach, _ = people
    response = await in_channel(coach, conversation_id=f"{CHANNEL};messageid=17000000123", text="forum channels")
    assert "only for a QI admin" in card_text(only_card(response))


async def test_the_menu_offers_ask_to_everyone_and_the_queue_to_coaches(people):
    asker, coach, _ = people
    staff_menu = card_text(only_card(await asker.say("help")))
    assert "Ask a coach" in staff_menu and "Open questions" not in staff_menu
    assert "Open questions" in card_text(only_card(await coach.say("help")))


def test_every_forum_message_is_a_valid_card_with_registered_buttons(content):
    from datetime import UTC, datetime

    from core.forum.model import Outcome, Post, PostKind, PostStatus, Reply
    from dialogs.forum import ForumCards
    from tests.dialogs.harness import check_card

    now = datetime(2026, 11, 25, 10, tzinfo=UTC)
    post = Post(
        id=7,
        kind=PostKind.QUESTION,
        user_id=1,
        text=QUESTION,
        topic="measurement",
        site="basildon",
        project_id=None,
        show_name=False,
        status=PostStatus.CLOSED,
        created_at=now,
        outcome=Outcome.PARTLY,
        posted_at=now,
    )
    story = replace(post, kind=PostKind.STORY, text="Fewer falls on Ward 5", topic=None)
    reply = Reply(3, 7, 2, "Amira Shah", False, "Ten points.", "thread", False, now)
    cards = ForumCards(content)
    built = [
        cards.thread_card(post, asker="a colleague", project="Falls"),
        cards.withdrawn_card(post),
        cards.relayed_reply(post, reply, thread_link="https://teams.microsoft.com/l/message/x/1"),
        cards.relayed_reply(story, reply, thread_link=None),
        cards.reply_in_thread(post, reply, author="Amira Shah"),
        cards.closed_in_thread(post),
        cards.escalation(post, asker="Sam Patel", level=1),
        cards.escalation(post, asker="Sam Patel", level=2),
        cards.still_open(post),
        cards.story_offer(4, "Fewer falls"),
        cards.story_card(story, lead="Sam Patel", summary=[("Aim", "Halve falls")]),
    ]
    for message in built:
        if message.card is not None:
            check_card(message.card, "forum message")
    assert "partly answered" in built[5].text
