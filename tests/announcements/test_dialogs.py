"""Transcripts of compose, preview and send: the exact card previewed, the audience count, the author's progress
card and its buttons; refused input and forged or repeated cards change nothing."""

import copy

from bot import registry
from core.announcements.delivery import deliver_announcements
from dialogs.kit.types import Inbound
from tests.announcements.data import fields, staff
from tests.dialogs.harness import Chat, FakeLinks, card_text, find_action, only_card
from tests.fakes import FakeUnitOfWork


def state(chat) -> dict:
    return copy.deepcopy({k: v for k, v in chat.uow.db.__dict__.items() if k != "ids" and v != {}})


async def admin_chat(content, uow=None):
    chat = Chat(content, n=1, uow=uow or FakeUnitOfWork(), admins=frozenset({"aad-1"}))
    await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    return chat


async def press_on_card(chat, card, button, card_id="activity-7", **inputs):
    """As Teams does: the button's data, the card's inputs, and the id of the message the card is in."""
    from tests.dialogs.harness import card_inputs

    action = find_action(card, button)
    data = {**action.get("data", {}), **card_inputs(card), **inputs}
    inbound = Inbound(
        kind="action",
        verb=action["verb"],
        data=data,
        conversation_id=chat.address.conversation_id,
        card_activity_id=card_id,
    )
    return await chat._turn(inbound)


async def compose(chat):
    return only_card(await chat.say("announce"))


async def test_compose_preview_and_send_reach_everyone_with_the_app(content):
    chat = await admin_chat(content)
    for n in range(2, 9):
        await staff(chat.uow, n)
    for n in range(9, 15):
        await staff(chat.uow, n, installed=False)
    card = await compose(chat)
    assert "New announcement" in card_text(card)
    review = await press_on_card(chat, card, "Preview", **fields())
    assert review.commit
    text = card_text(review.card)
    assert "14 people; 6 have not installed the app and will not receive it" in text
    [preview] = [m.card for m in review.messages]
    assert "QI clinics: a new series at Broomfield" in card_text(preview)
    assert find_action(preview, "Book a clinic")["data"]["command"] == "book clinic"
    assert chat.uow.db.outbox == {}  # a preview sends nothing to anyone else

    sent = await press_on_card(chat, review.card, "Send")
    assert sent.commit and "Scheduled" in card_text(sent.card)
    messages = registry.messages(content, FakeLinks())["announcements"]
    await deliver_announcements(chat.uow, content=content, messages=messages, now=chat.clock.now())
    copies = [r for r in chat.uow.db.outbox.values() if ":to:" in r["dedupe_key"]]
    assert len(copies) == 8 and len({r["user_id"] for r in copies}) == 8
    assert copies[0]["message"].card == {**preview}  # exactly the card the author previewed
    [update] = [r for r in chat.uow.db.outbox.values() if ":card:" in r["dedupe_key"]]
    assert update["message"].replaces == "activity-7"
    progress = card_text(update["message"].card)
    assert "Sending" in progress and "Queued" in progress and "Not installed" in progress

    again = await press_on_card(chat, review.card, "Send")
    assert not again.commit and "already been sent" in card_text(again.card)
    await deliver_announcements(chat.uow, content=content, messages=messages, now=chat.clock.now())
    assert len([r for r in chat.uow.db.outbox.values() if ":to:" in r["dedupe_key"]]) == 8


async def test_bad_input_comes_back_by_its_field_and_changes_nothing(content):
    chat = await admin_chat(content)
    await staff(chat.uow, 2)
    card = await compose(chat)
    cases = [
        (dict(title=""), "Please give the announcement a title."),
        (dict(text="   "), "Please write the text"),
        (dict(text="x" * 2001), "at most 2,000"),
        (dict(image_url="http://example.org/a.png"), "must be a web address starting with https://"),
        (dict(button1_target="make tea"), "neither an https:// link nor a command"),
        (dict(button1_target="http://example.org"), "https://"),
        (dict(when="later", date="2026-11-24", time="09:00"), "already passed"),
        (dict(when="later", date="2026-03-29", time="01:30"), "does not exist"),
        (dict(sites="nowhere"), "from the list"),
        (dict(staff_groups="students"), "Nobody is in that audience"),
    ]
    for typed, message in cases:
        before = state(chat)
        response = await press_on_card(chat, card, "Preview", **fields(**typed))
        assert not response.commit, typed
        assert message in card_text(response.card), (typed, card_text(response.card))
        assert state(chat) == before


async def test_staff_cannot_announce_nor_forge_the_cards(content):
    chat = await admin_chat(content)
    await staff(chat.uow, 2)
    review = await press_on_card(chat, await compose(chat), "Preview", **fields())
    draft_id = find_action(review.card, "Send")["data"]["a"]
    someone = Chat(content, n=2, uow=chat.uow)
    refused = await someone.say("announce")
    assert "only for a QI lead" in card_text(only_card(refused))
    before = state(chat)
    for verb, data in (
        ("announcements.preview", {"form": "abcdefgh12345678", **fields()}),
        ("announcements.send", {"a": draft_id}),
        ("announcements.pause", {"a": draft_id}),
        ("announcements.export", {"a": draft_id}),
    ):
        response = await someone.press(verb, **data)
        assert not response.commit and "only for a QI lead" in card_text(response.card)
    assert state(chat) == before


async def test_a_lead_may_announce_but_not_urgently_and_not_manage_anothers(content):
    chat = await admin_chat(content)
    lead = Chat(content, n=2, uow=chat.uow)
    await lead.press("onboarding.save", site="southend", staff_group="ahp", experience="none")
    await lead.grant(__import__("core.kernel.model", fromlist=["Role"]).Role.LEAD)
    card = only_card(await lead.say("announce"))
    assert "Urgent" not in card_text(card)
    forged = await press_on_card(lead, card, "Preview", **fields(urgent="true"))
    assert not forged.commit and "Only a QI admin can mark an announcement urgent" in card_text(forged.card)
    mine = await press_on_card(chat, await compose(chat), "Preview", **fields())
    theirs = await press_on_card(lead, mine.card, "Send")
    assert not theirs.commit and "Only its author or a QI admin" in card_text(theirs.card)
