"""Transcripts of the event flows: sign up, the register, QR check-in, an abstract from a project, and the vote;
forged cards for someone else's registration or the faculty's register change nothing."""

from datetime import date, timedelta

import pytest

from core.events.attendance import CHECKIN_TOKEN
from core.events.model import Mark, RegistrationStatus
from core.kernel.model import Role
from dialogs.events import register as register_dialog
from tests.dialogs.harness import ROUTER, Chat, FakeLinks, card_inputs, card_text, only_card
from tests.events.data import a_project, add_event, celebration, event_state
from tests.fakes import FakeUnitOfWork


async def onboarded(content, n, uow, *, experience="none", site="basildon"):
    chat = Chat(content, n=n, uow=uow)
    await chat.press("onboarding.save", site=site, staff_group="ahp", experience=experience)
    return chat


@pytest.fixture
async def chat(content):
    return await onboarded(content, 1, FakeUnitOfWork())


def next_to(card: dict, input_id: str) -> str | None:
    body = card["body"]
    index = next(i for i, element in enumerate(body) if element.get("id") == input_id)
    after = body[index + 1] if index + 1 < len(body) else {}
    return after.get("text") if after.get("weight") == "Bolder" else None


def test_events_is_the_capabilitys_menu_button():
    first = next(c for c in ROUTER.commands if c.feature == "events")
    assert first.name == "events"


async def test_sign_up_for_a_course_with_its_questions_and_calendar_files(chat):
    starts = chat.clock.now().replace(hour=9, minute=30) + timedelta(days=14)
    event_id = await add_event(chat.uow, starts_at=starts, dates=2, capacity=2)
    listing = only_card(await chat.say("courses"))
    text = card_text(listing)
    assert "Courses and events" in text and "QSIR Fundamentals" in text and "2 places left" in text
    assert "December 2026" in text and "2 dates from Wed 9 Dec 2026, 09:30-16:30" in text
    form = (await chat.press_button(listing, "Register")).card
    assert "My manager has agreed that I can attend every date" in card_text(form)
    before = event_state(chat.uow)
    refused = await chat.press_button(form, "Register", dietary="Vegetarian")
    assert refused.commit is False and event_state(chat.uow) == before
    assert "Please tick this to register" in next_to(refused.card, "manager_agreement")
    assert card_inputs(refused.card)["dietary"] == "Vegetarian"  # what was typed is kept
    done = (await chat.press_button(refused.card, "Register", manager_agreement="true")).card
    text = card_text(done)
    assert "You have a place. See you there!" in text and "Vegetarian" in text
    calendars = [
        a for a in done["body"] if a.get("type") == "Container" for a in a["items"] if a.get("type") == "ActionSet"
    ]
    urls = [action["url"] for block in calendars for action in block["actions"]]
    assert len(urls) == 2 and all(url.endswith(".ics") for url in urls)
    assert (await chat.uow.events.get_event(event_id)).seats_taken == 1
    mine = only_card(await chat.say("my events"))
    assert "QSIR Fundamentals" in card_text(mine) and "Booked" in card_text(mine)
    cancelled = await chat.press_button(mine, "Cancel")
    assert "Cancelled: QSIR Fundamentals" in card_text(cancelled.card)
    assert (await chat.uow.events.get_event(event_id)).seats_taken == 0


async def test_a_full_course_offers_the_waitlist_and_an_ineligible_one_says_why(content, chat):
    starts = chat.clock.now() + timedelta(days=14)
    await add_event(chat.uow, starts_at=starts, capacity=1)
    await add_event(
        chat.uow, starts_at=starts + timedelta(days=1), template="practitioner", title="QSIR Practitioner", dates=5
    )
    other = await onboarded(content, 2, chat.uow)
    listing = only_card(await other.say("events"))
    await other.press_button((await other.press_button(listing, "Register")).card, "Register", manager_agreement="true")
    listing = only_card(await chat.say("events"))
    text = card_text(listing)
    assert "Full: join the waitlist" in text and "Needs QSIR Fundamentals first." in text
    form = (await chat.press_button(listing, "Join waitlist")).card
    done = await chat.press_button(form, "Join waitlist", manager_agreement="true")
    assert "You are on the waitlist, number 1." in card_text(done.card)


async def test_a_forged_card_for_someone_elses_registration_changes_nothing(content, chat):
    event_id = await add_event(chat.uow, starts_at=chat.clock.now() + timedelta(days=14))
    listing = only_card(await chat.say("events"))
    await chat.press_button((await chat.press_button(listing, "Register")).card, "Register", manager_agreement="true")
    [registration] = await chat.uow.events.event_registrations(event_id)
    intruder = await onboarded(content, 2, chat.uow)
    before = event_state(chat.uow)
    response = await intruder.press("events.cancel", registration_id=registration.id)
    assert "not yours to cancel" in card_text(response.card) and response.commit is False
    response = await intruder.press("events.registration", registration_id=registration.id)
    assert "no longer available" in card_text(response.card)
    assert event_state(chat.uow) == before


async def test_the_facilitator_marks_the_register_and_completion_sends_the_certificate(content, chat):
    starts = chat.clock.now() - timedelta(hours=1)
    event_id = await add_event(chat.uow, starts_at=starts, closes_at=starts - timedelta(days=1))
    user = await chat.user()
    registration = await chat.uow.events.add_registration(
        event_id=event_id, user_id=user.id, status=RegistrationStatus.CONFIRMED, answers={}, now=starts
    )
    faculty = await onboarded(content, 3, chat.uow, experience="qsir_associate")
    await faculty.grant(Role.FACILITATOR)
    before = event_state(chat.uow)
    forged = await chat.press(
        register_dialog.save.verb, event_id=event_id, date_id=1, **{f"att_{registration.id}": "attended"}
    )
    assert "only for a QI facilitator" in card_text(forged.card) and event_state(chat.uow) == before
    manage = only_card(await faculty.say("manage events"))
    assert "QSIR Fundamentals" in card_text(manage) and "1 of 3 booked · 0 waiting" in card_text(manage)
    sheet = (await faculty.press_button(manage, "Register")).card
    assert "User 1" in card_text(sheet) and "Show check-in code" in card_text(sheet)
    saved = await faculty.press_button(sheet, "Save register", **{f"att_{registration.id}": Mark.ATTENDED.value})
    assert "Register saved: 1 attended." in card_text(saved.card)
    certificates = [r for r in chat.uow.db.outbox.values() if "Certificate" in card_text(r["message"].card)]
    assert len(certificates) == 1 and certificates[0]["user_id"] == user.id
    assert (await chat.uow.users.get(user.id)).experience == "qsir_fundamentals"


async def test_checking_in_by_the_code_in_the_message(content, chat):
    starts = chat.clock.now() + timedelta(minutes=30)
    event_id = await add_event(chat.uow, starts_at=starts, closes_at=starts - timedelta(hours=2))
    user = await chat.user()
    await chat.uow.events.add_registration(
        event_id=event_id, user_id=user.id, status=RegistrationStatus.CONFIRMED, answers={}, now=starts
    )
    event = await chat.uow.events.get_event(event_id)
    token = FakeLinks().token(
        CHECKIN_TOKEN, {"d": event.dates[0].id, "v": event_id}, expires_at=starts + timedelta(hours=1)
    )
    checked = only_card(await chat.say(f"checkin {token}"))
    assert "Checked in: QSIR Fundamentals (one day). Welcome!" in card_text(checked)
    again = only_card(await chat.say(f"checkin {token}"))
    assert "already checked in" in card_text(again)
    bad = only_card(await chat.say("checkin events.checkin:d1:v1:x1"))
    assert "not valid or has expired" in card_text(bad)
    typed = await chat.say("check in")
    assert "scan the QR code" in typed.messages[0].text


async def test_an_abstract_pre_filled_from_the_project_is_edited_and_submitted(content, chat):
    user = await chat.user()
    await a_project(chat.uow, user, project_id=7, site="basildon")
    event_id = await celebration(chat.uow)
    projects = only_card(await chat.say("submit abstract"))
    assert "Fewer falls 7" in card_text(projects) and "Not started" in card_text(projects)
    form = (await chat.press_button(projects, "Start from the project")).card
    inputs = card_inputs(form)
    assert inputs["title"] == "Fewer falls 7" and inputs["changes"] == "Two-hourly toilet rounds (adopted)"
    assert inputs["measures"] == "Falls at night (outcome): latest 3 on 16 Nov 2026, 2 points"
    before = event_state(chat.uow)
    too_long = await chat.press_button(form, "Submit", lessons=" ".join(["word"] * 300))
    assert too_long.commit is False and event_state(chat.uow) == before
    assert "please keep it to 300" in next_to(too_long.card, "lessons")
    done = await chat.press_button(form, "Submit", format="presentation", lessons="Test small, on one ward first.")
    assert "Submitted: good luck on the day!" in card_text(done.card)
    [abstract] = await chat.uow.events.event_abstracts(event_id)
    assert abstract.status.value == "submitted" and abstract.lessons == "Test small, on one ward first."
    intruder = await onboarded(content, 2, chat.uow)
    before = event_state(chat.uow)
    forged = await intruder.press("events.submit_abstract", abstract_id=abstract.id, title="Mine", format="poster")
    assert "belongs to another project lead" in card_text(forged.card) and event_state(chat.uow) == before


async def test_the_peoples_choice_vote_on_the_day(content, chat):
    lead = await onboarded(content, 2, chat.uow)
    lead_user = await lead.user()
    for project_id in (7, 8):
        await a_project(chat.uow, lead_user, project_id=project_id, site="basildon")
    event_id = await celebration(chat.uow)
    for project_id in (7, 8):
        form = (await lead.press("events.open_abstract", event_id=event_id, project_id=project_id)).card
        await lead.press_button(form, "Submit")
    user = await chat.user()
    await chat.uow.events.add_registration(
        event_id=event_id, user_id=user.id, status=RegistrationStatus.CONFIRMED, answers={}, now=chat.clock.now()
    )
    closed = only_card(await chat.say("vote"))
    assert "Voting is open on the celebration day" in card_text(closed)
    event = await chat.uow.events.get_event(event_id)
    chat.clock.set(event.starts_at + timedelta(hours=1))
    ballot = only_card(await chat.say("vote"))
    assert "Fewer falls 7" in card_text(ballot) and "Fewer falls 8" in card_text(ballot)
    voted = await chat.press_button(ballot, "Vote for this")
    assert "Your vote: Fewer falls 7." in card_text(voted.card)
    changed = await chat.press_button(voted.card, "Vote for this")
    assert "Your vote: Fewer falls 8." in card_text(changed.card)
    assert await chat.uow.events.vote_counts(event_id) == {(await chat.uow.events.event_abstracts(event_id))[1].id: 1}
    assert date(2027, 6, 17) == event.starts_at.date()


async def test_the_faculty_create_and_edit_an_event_and_admins_judge_and_report(content):
    uow = FakeUnitOfWork()
    admin = Chat(content, n=1, uow=uow, admins=frozenset({"aad-1"}))
    await admin.press("onboarding.save", site="community", staff_group="admin_clerical", experience="qsir_associate")
    manage = only_card(await admin.say("manage events"))
    form = (await admin.press_button(manage, "New QSIR Practitioner")).card
    assert [i["id"] for i in form["body"] if i.get("type") == "Input.Date"][:5] == [f"date_{n}" for n in range(1, 6)]
    dates = {f"date_{n}": (date(2027, 2, 2) + timedelta(weeks=n - 1)).isoformat() for n in range(1, 6)}
    before = event_state(uow)
    refused = await admin.press_button(form, "Create event", venue="Library", **{**dates, "date_3": ""})
    assert refused.commit is False and next_to(refused.card, "date_3") == "Please give date 3."
    assert card_inputs(refused.card)["venue"] == "Library" and event_state(uow) == before
    created = await admin.press_button(form, "Create event", venue="Library", site="broomfield", **dates)
    assert "Created: QSIR Practitioner, 5 dates from Tue 2 Feb 2027" in card_text(created.card)
    edit = (await admin.press_button(created.card, "Edit")).card
    saved = await admin.press_button(edit, "Save", capacity="12", title="QSIR Practitioner, spring cohort")
    assert "Saved: QSIR Practitioner, spring cohort." in card_text(saved.card)
    assert "0 of 12 booked" in card_text(saved.card) and [b for b in ("Day 1", "Day 5") if b in card_text(saved.card)]
    new_day = (await admin.press_button(saved.card, "New Improvement celebration day")).card
    day = await admin.press_button(
        new_day, "Create event", venue="Saxon Hall", date_1="2027-06-17", abstracts_close_on="2027-06-01"
    )
    judges_card = (await admin.press_button(day.card, "Judges")).card
    assert "Judges" in card_text(judges_card)
    report = only_card(await admin.say("events report"))
    assert "Places taken and waitlists" in card_text(report) and "QSIR Practitioner, spring cohort" in card_text(report)
    results = (await admin.press_button(day.card, "Results")).card
    assert "Results show once every judge has scored" in card_text(results)
    staff = await onboarded(content, 2, uow)
    refused = await staff.say("manage events")
    assert "only for a QI facilitator" in card_text(refused.messages[0].card)


async def test_every_event_message_is_a_valid_card_with_registered_buttons(content):
    from core.events.model import Results
    from core.kernel.model import OutboundMessage
    from dialogs.events import EventCards, checkin
    from tests.dialogs.harness import check_card

    uow = FakeUnitOfWork()
    chat = await onboarded(content, 1, uow)
    user = await chat.user()
    event_id = await add_event(
        uow, starts_at=chat.clock.now() + timedelta(days=3), online_url="https://teams.example/j"
    )
    event = await uow.events.get_event(event_id)
    registration = await uow.events.add_registration(
        event_id=event_id, user_id=user.id, status=RegistrationStatus.CONFIRMED, answers={}, now=chat.clock.now()
    )
    cards_ = EventCards(content)
    messages = [cards_.reminder(event, event.dates[0], registration, which) for which in ("week", "day", "online")]
    messages += [
        cards_.promoted(event, registration),
        cards_.certificate(event, user, date(2026, 12, 1)),
        OutboundMessage(card=checkin.feedback_card(content, event, registration)),
        cards_.judge_invite(event),
        cards_.results(event, Results(event, True, 0, {"poster": [], "presentation": []}, [], True)),
    ]
    for message in messages:
        check_card(message.card, "event message")
    assert "Join online" in card_text(messages[2].card) and "Join online" not in card_text(messages[1].card)
