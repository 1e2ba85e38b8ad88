"""Transcripts of the clinic flows: book, waitlist, my bookings, cancel, coach view, attendance, feedback."""

import re
from datetime import date, timedelta

import pytest

from core.clinics.booking import book_session
from core.clinics.commands import BookingRequest
from core.kernel.model import Role
from core.projects.model import Project, ProjectStatus
from dialogs.clinics import ClinicCards
from dialogs.clinics.browse import choose
from dialogs.kit import cards
from dialogs.kit.forms import field_error
from tests.clinics.data import add_session, clinic_state
from tests.dialogs.harness import ROUTER, Chat, buttons, card_inputs, card_text, find_action, only_card
from tests.fakes import FakeUnitOfWork


def choose_buttons(card: dict) -> list[dict]:
    return [button for button in buttons(card) if button["verb"] == choose.verb]


def next_to(card: dict, input_id: str) -> str | None:
    """The text right after the input `input_id` on the card (where a refused answer's message goes)."""
    body = card["body"]
    index = next(i for i, element in enumerate(body) if element.get("id") == input_id)
    after = body[index + 1] if index + 1 < len(body) else {}
    return after["text"] if after.get("type") == "TextBlock" and after == field_error(after["text"]) else None


@pytest.fixture
async def chat(content):
    chat = Chat(content)
    await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="none")
    return chat


async def test_book_a_clinic_end_to_end(chat):
    session = add_session(chat)
    add_session(chat, site="southend", days=3)
    browse = only_card(await chat.say("book clinc"))  # typo tolerated
    text = card_text(browse)
    assert "Book a QI clinic" in text and "Wed 27 Nov, 12:30-13:30" not in text
    assert "Fri 27 Nov" in text and "3 of 3 seats left" in text and "with Amira Shah" in text
    assert len(choose_buttons(browse)) == 1  # only the Basildon session: the profile's site is preselected
    intake = await chat.press_button(browse, "Book")
    assert "What would you like help with?" in card_text(intake.card)
    confirmed = await chat.press_button(
        intake.card, "Confirm booking", help_with="measurement", question="Is my run chart right?", project="none"
    )
    text = card_text(confirmed.card)
    assert "Booked. See you there!" in text and "Measurement and data" in text and "Is my run chart right?" in text
    calendar = next(a for a in confirmed.card["actions"] if a["title"] == "Add to calendar")
    assert calendar["type"] == "Action.OpenUrl" and calendar["url"].endswith(".ics")
    assert (await chat.uow.clinics.get_session(session.id)).seats_taken == 1


async def test_site_switch_shows_that_sites_sessions(chat):
    session = add_session(chat, site="southend")
    response = await chat.press("clinics.browse", site="southend", page=0)
    assert [b["data"]["session_id"] for b in choose_buttons(response.card)] == [session.id]
    assert "3 of 3 seats left" in card_text(response.card)
    empty = await chat.press("clinics.browse", site="broomfield")
    assert "No sessions left to book at Broomfield" in card_text(empty.card)


async def test_missing_intake_answer_asks_again_and_books_nothing(chat):
    session = add_session(chat)
    before = clinic_state(chat.uow)
    response = await chat.press("clinics.book", session_id=session.id, help_with="", question="hi")
    assert "Please choose what you would like help with." in card_text(response.card)
    assert response.commit is False and clinic_state(chat.uow) == before
    assert (await chat.uow.clinics.get_session(session.id)).seats_taken == 0
    assert card_inputs(response.card)["question"] == "hi"  # what was typed is kept
    assert next_to(response.card, "help_with") == "Please choose what you would like help with."


async def test_full_session_offers_the_waitlist_in_place(content, chat):
    session = add_session(chat, capacity=1)
    other = Chat(content, n=2, uow=chat.uow)
    await other.press("clinics.book", session_id=session.id, help_with="other")
    before = clinic_state(chat.uow)
    response = await chat.press("clinics.book", session_id=session.id, help_with="new_idea", question="Q")
    text = card_text(response.card)
    assert "Sorry, that session has just filled up. You can join the waitlist instead." in text
    assert response.commit is False and clinic_state(chat.uow) == before
    assert card_inputs(response.card) | {"project": "none"} == {
        "help_with": "new_idea",
        "project": "none",
        "question": "Q",
    }
    waitlisted = await chat.press_button(response.card, "Join waitlist", help_with="new_idea")
    assert "You are on the waitlist, number 1." in card_text(waitlisted.card)
    mine = only_card(await chat.say("my bookings"))
    assert "On the waitlist (number 1)" in card_text(mine)


async def test_stale_card_after_the_session_started_is_explained_and_replaced(chat):
    session = add_session(chat)
    browse = only_card(await chat.say("book clinic"))
    chat.clock.set(session.starts_at - timedelta(minutes=30))
    before = clinic_state(chat.uow)
    response = await chat.press_button(browse, "Book")
    assert "Booking for this session has closed" in card_text(response.card)
    assert response.card is not None and response.commit is False
    assert clinic_state(chat.uow) == before


async def test_my_bookings_and_cancel(chat):
    session = add_session(chat)
    await chat.press("clinics.book", session_id=session.id, help_with="other")
    mine = only_card(await chat.say("my bookings"))
    assert "Booked" in card_text(mine) and "Fri 27 Nov" in card_text(mine)
    ask = await chat.press_button(mine, "Cancel")
    cancelled = await chat.press_button(ask.card, "Yes, cancel")
    text = card_text(cancelled.card)
    assert "Cancelled: Fri 27 Nov, 12:30-13:30 at Basildon University Hospital." in text
    assert "You have no upcoming clinic bookings." in text
    again = await chat.press_button(ask.card, "Yes, cancel")  # the old card pressed again
    assert "already cancelled" in card_text(again.card)
    assert (await chat.uow.clinics.get_session(session.id)).seats_taken == 0


async def test_someone_elses_booking_cannot_be_cancelled_with_a_crafted_card(content, chat):
    """Neither the question nor a forged "Yes, cancel" for another person's booking changes anything."""
    session = add_session(chat)
    await chat.press("clinics.book", session_id=session.id, help_with="other")
    booking = next(iter(chat.uow.db.bookings.values()))
    intruder = Chat(content, n=2, uow=chat.uow)
    await intruder.say("hi")
    before = clinic_state(chat.uow)
    for verb in ("clinics.cancel", "clinics.cancel_confirm"):
        response = await intruder.press(verb, booking_id=booking.id, back="mine")
        assert "not yours to cancel" in card_text(response.card) and response.commit is False
        assert "Fri 27 Nov" not in card_text(response.card)  # nothing about the booking is shown
        assert clinic_state(chat.uow) == before
    assert chat.uow.db.bookings[booking.id].status == "confirmed"


async def test_coach_view_shows_who_is_coming_and_why(content, chat):
    coach = Chat(content, n=3, uow=chat.uow)
    await coach.grant(Role.COACH)
    coach_user = await coach.user()
    session = add_session(chat, coach_id=coach_user.id)
    await chat.press("clinics.book", session_id=session.id, help_with="live_project", question="Spread to ward 2?")
    text = card_text(only_card(await coach.say("coach")))
    assert "Your upcoming clinics" in text and "1 of 3 booked" in text
    assert "User 1**: A live project. _Spread to ward 2?_" in text
    refused = only_card(await chat.say("coach"))
    assert "only for a QI coach" in card_text(refused)


async def test_admin_cancels_a_session_from_the_list(content, chat):
    admin = Chat(content, n=4, uow=chat.uow, admins=frozenset({"aad-4"}))
    session = add_session(chat)
    await chat.press("clinics.book", session_id=session.id, help_with="other")
    browse = only_card(await admin.say("book clinic"))
    ask = await admin.press_button(browse, "Cancel session")
    assert "1 people are booked or waiting" in card_text(ask.card)
    done = await admin.press_button(ask.card, "Cancel the session", reason="Coach unwell.")
    assert "cancelled; 1 people told" in card_text(done.card)
    told = [r["message"] for r in chat.uow.db.outbox.values() if r["category"] == "clinic_updates"]
    assert any("has been cancelled: Coach unwell." in card_text(m.card) for m in told)
    staff_browse = only_card(await chat.say("book clinic"))
    with pytest.raises(AssertionError):
        find_action(staff_browse, "Cancel session")
    before = clinic_state(chat.uow)
    crafted = await chat.press("clinics.cancel_session_confirm", session_id=session.id)
    assert "only for a QI admin" in card_text(crafted.card) and clinic_state(chat.uow) == before


async def test_attendance_and_feedback_cards_round_trip(content, chat):
    coach = Chat(content, n=3, uow=chat.uow)
    await coach.grant(Role.COACH)
    session = add_session(chat, coach_id=(await coach.user()).id)
    await chat.press("clinics.book", session_id=session.id, help_with="other")
    booking = next(iter(chat.uow.db.bookings.values()))
    attendance = ClinicCards(content).attendance_request(session, [booking]).card
    coach.clock.set(session.ends_at)
    before = clinic_state(chat.uow)
    maybe = await coach.press_button(attendance, "Save attendance", **{f"att_{booking.id}": "maybe"})
    assert "Please choose attended or did not attend for each person." in card_text(maybe.card)
    assert maybe.commit is False and clinic_state(chat.uow) == before
    saved = await coach.press_button(attendance, "Save attendance", **{f"att_{booking.id}": "attended"})
    assert "Attendance saved: 1 attended, 0 did not." in card_text(saved.card)
    feedback = ClinicCards(content).feedback_request(session, booking).card
    before = clinic_state(chat.uow)
    bad = await chat.press_button(feedback, "Send feedback", usefulness="", improvement="Longer slots")
    assert "from 1 to 5" in card_text(bad.card)
    assert bad.commit is False and clinic_state(chat.uow) == before
    assert next_to(bad.card, "usefulness") == "Please rate how useful the session was from 1 to 5."
    assert card_inputs(bad.card)["improvement"] == "Longer slots"  # what was typed is kept
    ok = await chat.press_button(feedback, "Send feedback", usefulness="5", improvement="Longer slots")
    assert "Thank you" in card_text(ok.card)
    again = await chat.press_button(feedback, "Send feedback", usefulness="1")
    assert "already recorded" in card_text(again.card)
    assert chat.uow.db.feedback[booking.id] == (5, "Longer slots")


async def test_proactive_clinic_cards_read_well(content):
    uow = FakeUnitOfWork()
    chat = Chat(content, uow=uow)
    session = add_session(chat, online="https://teams.microsoft.com/l/meetup-join/x")
    await chat.say("hi")
    user = await chat.user()
    booking = await book_session(
        uow,
        user=user,
        request=BookingRequest(session.id, help_with="new_idea"),
        content=content,
        messages=ClinicCards(content),
        now=chat.clock.now(),
    )
    cards_sent = {r["dedupe_key"].split(":")[-1]: r["message"].card for r in uow.db.outbox.values()}
    assert "Reminder: your QI clinic is tomorrow, Fri 27 Nov, 12:30-13:30" in card_text(cards_sent["day"])
    assert "Join online" in card_text(cards_sent["hour"])
    assert booking.id


async def test_the_confirmation_card_refreshes_to_the_bookings_current_state(chat, content):
    session = add_session(chat)
    confirmed = await chat.press("clinics.book", session_id=session.id, help_with="other")
    refresh = confirmed.card["refresh"]
    assert refresh["userIds"] == [chat.address.user_teams_id]
    fresh = await chat.press(refresh["action"]["verb"], **refresh["action"]["data"])
    assert "Booked. See you there!" in card_text(fresh.card)
    booking = next(iter(chat.uow.db.bookings.values()))
    await chat.press("clinics.cancel_confirm", booking_id=booking.id)
    stale = await chat.press(refresh["action"]["verb"], **refresh["action"]["data"])
    assert "Cancelled: Fri 27 Nov" in card_text(stale.card) and "Cancel booking" not in card_text(stale.card)
    stranger = Chat(content, n=2, uow=chat.uow)
    other = await stranger.press(refresh["action"]["verb"], **refresh["action"]["data"])
    assert "no longer available" in card_text(other.card)


async def test_intake_offers_my_projects_and_the_coach_sees_title_and_aim(chat, content):
    me = await chat.user()
    chat.uow.projects.add(
        Project(
            id=501,
            lead_id=me.id,
            status=ProjectStatus.ACTIVE,
            wizard_step=6,
            title="Fewer falls at night",
            aim_what="Reduce falls at night",
            aim_how_much="from 8 to 4 a month",
            aim_by=date(2027, 6, 30),
        )
    )
    chat.uow.projects.add(Project(id=502, lead_id=999, status=ProjectStatus.ACTIVE, wizard_step=6, title="Not mine"))
    coach = Chat(content, n=3, uow=chat.uow)
    await coach.grant(Role.COACH)
    session = add_session(chat, coach_id=(await coach.user()).id)
    intake = await chat.press("clinics.choose", session_id=session.id)
    text = card_text(intake.card)
    assert "Fewer falls at night" in text and "Not mine" not in text
    before = clinic_state(chat.uow)
    crafted = await chat.press("clinics.book", session_id=session.id, help_with="live_project", project="502")
    assert "one of your own projects" in card_text(crafted.card) and crafted.commit is False
    assert clinic_state(chat.uow) == before
    assert next_to(crafted.card, "project") == "Please choose one of your own projects, or none."
    booked = await chat.press_button(intake.card, "Confirm booking", help_with="live_project", project="501")
    assert "Booked. See you there!" in card_text(booked.card)
    notice = next(r["message"].card for r in chat.uow.db.outbox.values() if r["category"] == "clinic_updates")
    assert "Fewer falls at night" in card_text(notice)
    assert "Reduce falls at night from 8 to 4 a month by 30 June 2027" in card_text(notice)


async def test_clinic_commands_are_in_the_menu_in_their_order():
    clinic = [c.name for c in ROUTER.commands if c.handler.__module__.startswith("dialogs.clinics")]
    assert clinic == ["book clinic", "my bookings", "coach"]


async def test_a_long_question_is_refused_next_to_it_with_every_answer_kept(chat):
    session = add_session(chat)
    intake = await chat.press("clinics.choose", session_id=session.id)
    before = clinic_state(chat.uow)
    long = "Why? " * 101
    refused = await chat.press_button(intake.card, "Confirm booking", help_with="measurement", question=long)
    assert refused.commit is False and clinic_state(chat.uow) == before
    assert next_to(refused.card, "question") == "Please keep your question to 500 characters (it is 504)."
    kept = card_inputs(refused.card)
    assert (kept["help_with"], kept["project"], kept["question"]) == ("measurement", "none", long)
    booked = await chat.press_button(refused.card, "Confirm booking", question="Why?")
    assert "Booked. See you there!" in card_text(booked.card) and "Measurement and data" in card_text(booked.card)


async def test_a_too_long_reason_is_refused_next_to_it_and_nobody_is_told(content, chat):
    admin = Chat(content, n=4, uow=chat.uow, admins=frozenset({"aad-4"}))
    session = add_session(chat)
    await chat.press("clinics.book", session_id=session.id, help_with="other")
    ask = await admin.press("clinics.cancel_session", session_id=session.id)
    before = clinic_state(chat.uow)
    refused = await admin.press_button(ask.card, "Cancel the session", reason="x" * 301)
    assert refused.commit is False and clinic_state(chat.uow) == before
    assert next_to(refused.card, "reason") == "Please keep the reason to 300 characters (it is 301)."
    assert card_inputs(refused.card)["reason"] == "x" * 301
    assert "1 people are booked or waiting" in card_text(refused.card)


async def test_the_refreshed_card_shows_the_waitlist_place_and_no_cancel_once_started(content, chat):
    session = add_session(chat, capacity=1)
    booked, ahead = Chat(content, n=2, uow=chat.uow), Chat(content, n=3, uow=chat.uow)
    await booked.press("clinics.book", session_id=session.id, help_with="other")
    before_me = await ahead.press("clinics.book", session_id=session.id, help_with="other", waitlist=True)
    waiting = await chat.press("clinics.book", session_id=session.id, help_with="other", waitlist=True)
    assert "You are on the waitlist, number 2." in card_text(waiting.card)
    refresh = waiting.card["refresh"]["action"]
    ask = await ahead.press_button(before_me.card, "Leave waitlist")
    await ahead.press_button(ask.card, "Yes, leave")
    now_first = await chat.press(refresh["verb"], **refresh["data"])
    assert "You are on the waitlist, number 1." in card_text(now_first.card)
    assert find_action(now_first.card, "Leave waitlist")
    chat.clock.set(session.starts_at + timedelta(minutes=1))
    started = await chat.press(refresh["verb"], **refresh["data"])
    assert "Leave waitlist" not in card_text(started.card) and "Cancel booking" not in card_text(started.card)


async def test_my_bookings_leaves_the_confirmation_card_and_book_a_clinic_replaces_the_list(chat):
    session = add_session(chat)
    confirmed = await chat.press("clinics.book", session_id=session.id, help_with="other")
    opened = await chat.press_button(confirmed.card, "My bookings")
    assert opened.card == confirmed.card  # the confirmation card stays as it was
    mine = only_card(opened)  # and my bookings comes as a new message
    assert "My clinic bookings" in card_text(mine)
    browse = await chat.press_button(mine, "Book a clinic")
    assert browse.card is not None and "Book a QI clinic" in card_text(browse.card)
    assert card_inputs(browse.card)["site"] == "basildon"  # the person's own site


# --- booking says what is true before asking anything (issue 10) ---------------------------------------------------


def session_row(card: dict, when: str) -> dict:
    """The list row (a Container) of the session starting `when`, e.g. "Fri 27 Nov"."""
    rows = [
        element
        for element in card["body"]
        if element.get("type") == "Container" and when in card_text({"body": element["items"][:1]})
    ]
    assert len(rows) == 1, f"{len(rows)} rows for {when!r}:\n{card_text(card)}"
    return rows[0]


def elements(node) -> list[dict]:
    """Every element (object) of a card, depth first: body, columns, action sets, actions."""
    if isinstance(node, list):
        return [found for item in node for found in elements(item)]
    if not isinstance(node, dict):
        return []
    return [node, *(found for value in node.values() for found in elements(value))]


def links(card: dict) -> dict[str, str]:
    return {e["title"]: e["url"] for e in elements(card) if e.get("type") == "Action.OpenUrl"}


ESCAPES = ("Back", "Cancel", "Cancel booking", "Leave waitlist", "Cancel session", "Keep it", "No", "Stop")


def assert_escapes_send_no_inputs(cards_seen: list[dict]) -> int:
    """Every Back/Cancel/Keep it/... button on these cards sends none of the card's inputs, so an empty required
    field never blocks it. Returns how many were checked."""
    checked = 0
    for card in cards_seen:
        for button in buttons(card):
            title = button.get("title", "")  # the refresh action has none
            if title in ESCAPES or title.startswith("Yes,"):
                assert button.get("associatedInputs") == "none", f"{button['title']!r} sends the card's inputs"
                checked += 1
    return checked


async def test_a_session_i_hold_a_place_on_says_so_instead_of_offering_it_again(content, chat):
    booked = add_session(chat, days=2)
    full = add_session(chat, capacity=1, days=3)
    other = Chat(content, n=2, uow=chat.uow)
    await other.press("clinics.book", session_id=full.id, help_with="other")
    await chat.press("clinics.book", session_id=booked.id, help_with="other")
    await chat.press("clinics.book", session_id=full.id, help_with="other", waitlist=True)
    browse = only_card(await chat.say("book clinic"))
    mine = session_row(browse, "Fri 27 Nov")
    text = card_text(mine)
    assert "Booked" in text and "seats left" not in text
    assert [b["title"] for b in buttons(mine)] == ["Cancel"]  # no Book button
    me = await chat.user()
    [place] = [b.id for b in chat.uow.db.bookings.values() if b.session_id == booked.id and b.user_id == me.id]
    assert links(mine)["Add to calendar"].endswith(f"/calendar/b{place}.ics")
    waiting = session_row(browse, "Sat 28 Nov")
    assert "On the waitlist (number 1)" in card_text(waiting)
    assert "Full: join the waitlist" not in card_text(waiting) and "Add to calendar" not in links(waiting)
    assert [b["title"] for b in buttons(waiting)] == ["Leave waitlist"]
    assert not choose_buttons(browse)  # nothing offered twice
    # Someone without a place still sees the session as full, with its waitlist.
    theirs = only_card(await Chat(content, n=3, uow=chat.uow).say("book clinic"))
    assert "Full: join the waitlist" in card_text(session_row(theirs, "Sat 28 Nov"))


async def test_at_the_limit_the_list_says_so_and_book_explains_before_any_question(chat):
    limit = chat.content.clinics.rules.max_future_bookings
    sessions = [add_session(chat, days=2 + day) for day in range(limit + 1)]
    early_form = await chat.press("clinics.choose", session_id=sessions[-1].id)  # opened before the limit
    for session in sessions[:limit]:
        await chat.press("clinics.book", session_id=session.id, help_with="other")
    browse = only_card(await chat.say("book clinic"))
    said = f"You already have {limit} upcoming clinic bookings, the most you can hold at once."
    assert said in card_text(browse)
    assert find_action(browse, "My bookings")["verb"] == "clinics.mine"
    before = clinic_state(chat.uow)
    pressed = await chat.press_button(browse, "Book")
    assert said in card_text(pressed.card) and "What would you like help with?" not in card_text(pressed.card)
    assert not card_inputs(pressed.card) and find_action(pressed.card, "My bookings")
    back = find_action(pressed.card, "Back")
    assert back["associatedInputs"] == "none" and back["data"] == {"site": "basildon"}
    late = await chat.press_button(early_form.card, "Confirm booking", help_with="measurement")
    assert said in card_text(late.card) and late.commit is False
    assert clinic_state(chat.uow) == before


async def test_my_bookings_lists_each_calendar_link_and_the_join_link_of_online_sessions(content, chat):
    online = add_session(chat, days=2, online="https://teams.microsoft.com/l/meetup-join/q")
    in_person = add_session(chat, days=3)
    full = add_session(chat, capacity=1, days=4, online="https://teams.microsoft.com/l/meetup-join/w")
    await Chat(content, n=2, uow=chat.uow).press("clinics.book", session_id=full.id, help_with="other")
    ids = {}
    for session, waitlist in ((online, False), (in_person, False), (full, True)):
        await chat.press("clinics.book", session_id=session.id, help_with="other", waitlist=waitlist)
        ids[session.id] = max(chat.uow.db.bookings)
    mine = only_card(await chat.say("my bookings"))
    first = links(session_row(mine, "Fri 27 Nov"))
    assert first == {
        "Add to calendar": f"https://qibot.example/calendar/b{ids[online.id]}.ics",
        "Join online": "https://teams.microsoft.com/l/meetup-join/q",
    }
    assert links(session_row(mine, "Sat 28 Nov")) == {
        "Add to calendar": f"https://qibot.example/calendar/b{ids[in_person.id]}.ics"
    }
    assert links(session_row(mine, "Sun 29 Nov")) == {}  # a waitlist place: nothing to attend yet


async def test_cancel_asks_first_and_only_yes_cancels(chat):
    session = add_session(chat)
    await chat.press("clinics.book", session_id=session.id, help_with="other")
    before = clinic_state(chat.uow)
    mine = only_card(await chat.say("my bookings"))
    ask = await chat.press_button(mine, "Cancel")
    assert card_text(ask.card).startswith(
        "Cancel your place at Fri 27 Nov, 12:30-13:30 at Basildon University Hospital?"
    )
    assert [b["title"] for b in buttons(ask.card)] == ["Yes, cancel", "Keep it"]
    assert all(b["associatedInputs"] == "none" for b in buttons(ask.card))
    assert clinic_state(chat.uow) == before  # asking changed nothing
    kept = await chat.press_button(ask.card, "Keep it")
    assert "My clinic bookings" in card_text(kept.card) and "Booked" in card_text(kept.card)
    assert clinic_state(chat.uow) == before
    done = await chat.press_button(ask.card, "Yes, cancel")
    assert "Cancelled: Fri 27 Nov" in card_text(done.card)
    assert (await chat.uow.clinics.get_session(session.id)).seats_taken == 0


async def test_keep_it_goes_back_to_where_cancel_was_pressed(chat):
    session = add_session(chat)
    confirmed = await chat.press("clinics.book", session_id=session.id, help_with="other")
    ask = await chat.press_button(confirmed.card, "Cancel booking")
    assert "Cancel your place at" in card_text(ask.card)
    kept = await chat.press_button(ask.card, "Keep it")
    assert "Booked. See you there!" in card_text(kept.card) and find_action(kept.card, "Cancel booking")
    browse = only_card(await chat.say("book clinic"))
    ask = await chat.press_button(browse, "Cancel")
    kept = await chat.press_button(ask.card, "Keep it")
    assert "Book a QI clinic" in card_text(kept.card) and "Booked" in card_text(kept.card)
    done = await chat.press_button(ask.card, "Yes, cancel")  # from the list: back to the list, with the outcome
    assert "Cancelled: Fri 27 Nov" in card_text(done.card) and "Book a QI clinic" in card_text(done.card)
    assert [b["data"]["session_id"] for b in choose_buttons(done.card)] == [session.id]  # bookable again


async def test_every_escape_button_on_the_clinic_cards_sends_no_inputs(content, chat):
    admin = Chat(content, n=4, uow=chat.uow, admins=frozenset({"aad-4"}))
    session = add_session(chat)
    full = add_session(chat, capacity=1, days=3)
    await Chat(content, n=2, uow=chat.uow).press("clinics.book", session_id=full.id, help_with="other")
    intake = await chat.press("clinics.choose", session_id=session.id)
    confirmed = await chat.press_button(intake.card, "Confirm booking", help_with="other")
    await chat.press("clinics.book", session_id=full.id, help_with="other", waitlist=True)
    await chat.press_button(confirmed.card, "Cancel booking")
    mine = only_card(await chat.say("my bookings"))
    await chat.press_button(mine, "Leave waitlist")
    await chat.say("book clinic")
    browse = only_card(await admin.say("book clinic"))
    await admin.press_button(browse, "Cancel session")
    queued = [row["message"].card for row in chat.uow.db.outbox.values() if row["message"].card]
    assert assert_escapes_send_no_inputs(chat.cards + admin.cards + queued) >= 8


async def test_clinic_lists_put_their_buttons_under_the_text(content, chat):
    """At 320 px a column of buttons beside the text breaks words mid-word: no clinic card has buttons inside a
    ColumnSet; each list row is a Container of lines with its buttons under them."""
    admin = Chat(content, n=4, uow=chat.uow, admins=frozenset({"aad-4"}))
    await admin.grant(Role.COACH)
    for days in (2, 3):
        add_session(chat, days=days, coach_id=(await admin.user()).id)
    await chat.press("clinics.book", session_id=next(iter(chat.uow.db.sessions)), help_with="other")
    seen = [only_card(await admin.say("book clinic")), only_card(await chat.say("book clinic"))]
    seen += [only_card(await chat.say("my bookings")), only_card(await admin.say("coach"))]

    for card in seen:
        squeezed = [e for e in elements(card) if e.get("type") == "ColumnSet" and buttons(e)]
        assert not squeezed, card_text(card)
    admin_rows = [e for e in seen[0]["body"] if e.get("type") == "Container"]
    assert len(admin_rows) == 2
    for row in admin_rows:
        assert row["items"][-1]["type"] == "ActionSet"  # the buttons come last, under the lines
        assert [b["title"] for b in row["items"][-1]["actions"]] == ["Book", "Cancel session"]


SENTENCE = re.compile(r"[A-Z*].*[.?!]", re.DOTALL)
LABEL = re.compile(r"^\W*\w+(?: \w+){0,2}:")  # "Question:", "Help with: required", "Error: ..."


def problems_on(card: dict) -> list[str]:
    """What a card says is wrong: every input's errorMessage and the field messages under inputs."""
    found = [e["errorMessage"] for e in elements(card) if isinstance(e.get("errorMessage"), str)]
    return found + [e["text"] for e in elements(card) if e.get("type") == "TextBlock" and e == field_error(e["text"])]


async def test_every_message_about_a_refused_answer_reads_as_a_sentence(content, chat):
    admin = Chat(content, n=4, uow=chat.uow, admins=frozenset({"aad-4"}))
    coach = Chat(content, n=3, uow=chat.uow)
    await coach.grant(Role.COACH)
    session = add_session(chat, coach_id=(await coach.user()).id)
    full = add_session(chat, capacity=1, days=3)
    await Chat(content, n=2, uow=chat.uow).press("clinics.book", session_id=full.id, help_with="other")
    await chat.say("book clinic")
    refused = [
        await chat.press("clinics.book", session_id=session.id, help_with=""),
        await chat.press("clinics.book", session_id=session.id, help_with="other", question="x" * 501),
        await chat.press("clinics.book", session_id=session.id, help_with="other", project="77"),
        await chat.press("clinics.book", session_id=full.id, help_with="other"),
        await admin.press("clinics.cancel_session", session_id=session.id),
        await admin.press("clinics.cancel_session_confirm", session_id=session.id, reason="x" * 301),
    ]
    await chat.press("clinics.book", session_id=session.id, help_with="other")
    booking = max(chat.uow.db.bookings)
    feedback = ClinicCards(content).feedback_request(session, chat.uow.db.bookings[booking]).card
    attendance = ClinicCards(content).attendance_request(session, [chat.uow.db.bookings[booking]]).card
    coach.clock.set(session.ends_at)
    refused += [
        await chat.press_button(feedback, "Send feedback", usefulness=""),
        await coach.press_button(attendance, "Save attendance", **{f"att_{booking}": "maybe"}),
    ]
    messages = [m for r in refused for m in problems_on(r.card)]
    messages += [m for card in chat.cards + [feedback, attendance] for m in problems_on(card)]
    first = [r.card["body"][0] for r in refused]
    messages += [e["text"] for e in first if e == cards.notice(e.get("text", ""), good=False)]  # problem notices
    assert len(set(messages)) >= 8, messages
    for message in set(messages):
        assert SENTENCE.fullmatch(message), f"not a sentence: {message!r}"
        assert not LABEL.match(message), f"a field label, not a sentence: {message!r}"
    assert "Please choose a site." in messages and "Please rate how useful the session was from 1 to 5." in messages
