"""Transcripts of compose, preview and send: the exact card previewed, the audience count, the author's progress
card and its buttons; refused input and forged or repeated cards change nothing."""

import copy

from bot import registry
from core.announcements.delivery import deliver_announcements
from dialogs.kit.types import Inbound
from tests.announcements.data import fields, staff
from tests.dialogs.harness import Chat, FakeLinks, card_text, elements, find_action, only_card
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
    assert "only for a QI programme lead" in card_text(only_card(refused))
    before = state(chat)
    for verb, data in (
        ("announcements.preview", {"form": "abcdefgh12345678", **fields()}),
        ("announcements.send", {"a": draft_id}),
        ("announcements.pause", {"a": draft_id}),
        ("announcements.export", {"a": draft_id}),
    ):
        response = await someone.press(verb, **data)
        assert not response.commit and "only for a QI programme lead" in card_text(response.card)
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


async def sent_by_admin(content, **typed):
    chat = await admin_chat(content)
    for n in range(2, 8):
        await staff(chat.uow, n)
    review = await press_on_card(chat, await compose(chat), "Preview", **fields(**typed))
    sent = await press_on_card(chat, review.card, "Schedule" if typed.get("when") == "later" else "Send")
    assert sent.commit, card_text(sent.card)
    return chat, review, sent.card


async def test_the_authors_card_pauses_resumes_and_cancels_and_a_double_tap_changes_nothing(content):
    chat, _, card = await sent_by_admin(content)
    messages = registry.messages(content, FakeLinks())["announcements"]
    await deliver_announcements(chat.uow, content=content, messages=messages, now=chat.clock.now())
    paused = await press_on_card(chat, card, "Pause")
    assert paused.commit and "Paused: 7 copies held back" in card_text(paused.card)
    before = state(chat)
    twice = await press_on_card(chat, card, "Pause")
    assert not twice.commit and "not sending" in card_text(twice.card) and state(chat) == before
    resumed = await press_on_card(chat, paused.card, "Resume")
    assert "Resumed: 7 copies will be sent" in card_text(resumed.card)
    await deliver_announcements(chat.uow, content=content, messages=messages, now=chat.clock.now())
    keys = [r["dedupe_key"] for r in chat.uow.db.outbox.values() if ":to:" in r["dedupe_key"]]
    assert len(keys) == 14 and sum(k.endswith(":2") for k in keys) == 7  # a second round only for the held ones
    cancelled = await press_on_card(chat, resumed.card, "Cancel the send")
    assert "Cancelled: 7 copies will not be sent" in card_text(cancelled.card)
    assert not [b for b in cancelled.card["actions"] if b["title"] in ("Pause", "Resume")]


async def test_admins_get_the_status_links_and_leads_do_not(content):
    chat, _, card = await sent_by_admin(content)
    files = await press_on_card(chat, card, "Status by person")
    [links] = [m.card for m in files.messages]
    urls = [a["url"] for a in links["actions"]]
    assert any(u.endswith(".csv") for u in urls) and any(u.endswith(".xlsx") for u in urls)
    lead = Chat(content, n=3, uow=chat.uow)
    await lead.grant(__import__("core.kernel.model", fromlist=["Role"]).Role.LEAD)
    refused = await press_on_card(lead, card, "Status by person")
    assert not refused.commit and "Only its author or a QI admin" in card_text(refused.card)
    own = await press_on_card(lead, await compose(lead), "Preview", **fields())
    sent = await press_on_card(lead, own.card, "Send")
    assert sent.commit and "Status by person" not in card_text(sent.card)
    forged = await lead.press("announcements.export", a=find_action(own.card, "Send")["data"]["a"])
    assert not forged.commit and "Only a QI admin can download" in card_text(forged.card)


async def test_a_command_button_answers_in_a_new_message_and_keeps_the_announcement(content):
    chat, review, _ = await sent_by_admin(content)
    messages = registry.messages(content, FakeLinks())["announcements"]
    await deliver_announcements(chat.uow, content=content, messages=messages, now=chat.clock.now())
    copy_card = next(r["message"].card for r in chat.uow.db.outbox.values() if r["user_id"] != 1 and r["message"].card)
    recipient = Chat(content, n=2, uow=chat.uow)
    pressed = await press_on_card(recipient, copy_card, "Book a clinic")
    assert pressed.card == copy_card and pressed.messages  # the clinics' answer, as a new message
    outsider = Chat(content, n=40, uow=chat.uow)
    forged = await press_on_card(outsider, copy_card, "Book a clinic")
    assert "QI clinics: a new series" not in card_text(forged.card) + "".join(
        card_text(m.card) for m in forged.messages
    )


async def test_a_scheduled_send_waits_for_its_minute(content):
    chat, review, card = await sent_by_admin(content, when="later", date="2026-11-25", time="14:37")
    assert "Scheduled for Wed 25 Nov 2026, 14:37" in card_text(card)
    messages = registry.messages(content, FakeLinks())["announcements"]
    await deliver_announcements(chat.uow, content=content, messages=messages, now=chat.clock.now())
    assert not [r for r in chat.uow.db.outbox.values() if ":to:" in r["dedupe_key"]]
    chat.clock.advance(hours=4, minutes=37)
    await deliver_announcements(chat.uow, content=content, messages=messages, now=chat.clock.now())
    rows = [r for r in chat.uow.db.outbox.values() if ":to:" in r["dedupe_key"]]
    assert len(rows) == 7 and {r["due_at"] for r in rows} == {chat.clock.now()}


async def test_the_gate_holds_opted_out_people_and_urgent_skips_only_the_budget(content):
    from core.kernel.model import OutboundMessage
    from core.kernel.nudges import notify

    chat = await admin_chat(content)
    quiet = await staff(chat.uow, 2)
    busy = await staff(chat.uow, 3)
    prefs = await chat.uow.preferences.get(quiet.id)
    prefs.opted_out = frozenset({"news"})
    await chat.uow.preferences.save(prefs, now=chat.clock.now())
    for k in range(2):  # the daily budget (2) used up today
        assert await notify(
            chat.uow,
            content,
            user_id=busy.id,
            category="events",
            message=OutboundMessage(text="x"),
            key=f"k{k}",
            now=chat.clock.now(),
        )
    messages = registry.messages(content, FakeLinks())["announcements"]
    for urgent in ("false", "true"):
        review = await press_on_card(chat, await compose(chat), "Preview", **fields(urgent=urgent, title=urgent))
        await press_on_card(chat, review.card, "Send")
    await deliver_announcements(chat.uow, content=content, messages=messages, now=chat.clock.now())
    rows = {r["dedupe_key"]: r for r in chat.uow.db.outbox.values() if ":to:" in r["dedupe_key"]}
    busy_rows = sorted((r for r in rows.values() if r["user_id"] == busy.id), key=lambda r: r["id"])
    normal, urgent_row = busy_rows
    assert normal["due_at"].date() > chat.clock.now().date()  # waits for tomorrow's budget
    assert urgent_row["due_at"] == chat.clock.now() and not urgent_row["counts_to_budget"]
    assert not [r for r in rows.values() if r["user_id"] == quiet.id]
    ids = sorted({int(k.split(":")[1]) for k in rows})  # the normal one first
    progress = await chat.uow.announcements.progress(ids[0])
    assert progress["opted_out"] == 1


async def test_spread_sends_fall_inside_the_rest_of_the_working_day(content):
    chat, _, _ = await sent_by_admin(content, spread="true")
    messages = registry.messages(content, FakeLinks())["announcements"]
    await deliver_announcements(chat.uow, content=content, messages=messages, now=chat.clock.now())
    dues = [r["due_at"] for r in chat.uow.db.outbox.values() if ":to:" in r["dedupe_key"]]
    end = chat.clock.now().replace(hour=18)  # 18:00 in London is 18:00 UTC in November
    assert len(dues) == 7 and all(chat.clock.now() <= d < end for d in dues) and len(set(dues)) > 1


async def test_discard_sends_nothing_and_the_draft_cannot_be_sent_after(content):
    chat = await admin_chat(content)
    await staff(chat.uow, 2)
    review = await press_on_card(chat, await compose(chat), "Preview", **fields())
    gone = await press_on_card(chat, review.card, "Cancel")
    assert "Discarded" in card_text(gone.card)
    late = await press_on_card(chat, review.card, "Send")
    assert not late.commit and "already been sent" in card_text(late.card)
    assert not chat.uow.db.outbox


async def test_edit_brings_the_draft_back_and_a_second_preview_updates_the_same_draft(content):
    chat = await admin_chat(content)
    await staff(chat.uow, 2, site="southend")
    review = await press_on_card(chat, await compose(chat), "Preview", **fields(sites="southend"))
    form = (await press_on_card(chat, review.card, "Edit")).card
    text = card_text(form)
    assert "QI clinics: a new series at Broomfield" in text
    audience = next(e for e in form["body"] if e.get("id") == "audience")
    assert audience["isVisible"] and any(i.get("value") == "southend" for i in audience["items"])
    again = await press_on_card(chat, form, "Preview", **fields(title="Clinics at Southend", sites="southend"))
    assert "Clinics at Southend" in card_text(again.card) and "Fewer than 5 people" in card_text(again.card)
    drafts = chat.uow.db.__dict__["announcements_rows"]
    assert len(drafts) == 1 and next(iter(drafts.values())).title == "Clinics at Southend"


async def test_a_problem_in_a_folded_section_opens_it(content):
    chat = await admin_chat(content)
    response = await press_on_card(chat, await compose(chat), "Preview", **fields(staff_groups="students"))
    audience = next(e for e in response.card["body"] if e.get("id") == "audience")
    assert audience["isVisible"] and "Nobody is in that audience" in card_text({"body": audience["items"]})


def _input(card: dict, input_id: str) -> dict:
    found = [e for e in elements(card) if e.get("id") == input_id and str(e.get("type", "")).startswith("Input.")]
    assert len(found) == 1, input_id
    return found[0]


async def test_each_problem_is_shown_by_its_own_input_and_its_section_opens(content):
    chat = await admin_chat(content)
    card = await compose(chat)
    cases = [
        (dict(when="later", date="2026-11-24", time="09:00"), "time", "schedule", "already passed"),
        (dict(when="later", date="not a date", time="09:00"), "date", "schedule", "choose the date"),
        (dict(when="later", date="2026-12-24", time="half nine"), "time", "schedule", "hours and minutes"),
        (dict(when="later", date="2031-01-01", time="09:00"), "date", "schedule", "days ahead"),
        (dict(button2_target="events"), "button2_label", "buttons", "give button 2 a label"),
        (dict(button1_label="More", button1_target="make tea"), "button1_target", "buttons", "neither"),
        (dict(trusts="Atlantis"), "trusts", "audience", "from the list"),
    ]
    for typed, input_id, section, message in cases:
        response = await press_on_card(chat, card, "Preview", **fields(**typed))
        assert not response.commit, typed
        assert message in _input(response.card, input_id).get("errorMessage", ""), (typed, input_id)
        opened = next(e for e in response.card["body"] if e.get("id") == section)
        assert opened["isVisible"], typed
