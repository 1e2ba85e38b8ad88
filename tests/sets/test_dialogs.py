"""Transcripts of the set flows: creating a set, my sets, attendance, actions, the presenter's issue, a swap,
leaving, the report; refused and forged cards change nothing."""

from datetime import timedelta

import pytest

from core.kernel.model import Role
from dialogs.sets import create, meeting, mine
from tests.dialogs.harness import ROUTER, Chat, buttons, card_inputs, card_text, find_action, only_card
from tests.sets.data import set_state

DETAILS = dict(
    name="Ward leaders set",
    site="basildon",
    cohort="",
    first_date="2026-12-10",
    local_time="14:00",
    every_weeks="4",
    meetings="6",
    venue="QI hub, Education Centre",
    online_url="https://teams.microsoft.com/l/meetup-join/set",
)


def next_to(card: dict, input_id: str) -> str | None:
    body = card["body"]
    index = next(i for i, element in enumerate(body) if element.get("id") == input_id)
    after = body[index + 1] if index + 1 < len(body) else {}
    return after.get("text") if after.get("weight") == "Bolder" else None  # kit.forms.field_error


@pytest.fixture
async def facilitator(content):
    chat = Chat(content)
    await chat.press("onboarding.save", site="basildon", staff_group="ahp", experience="coach")
    await chat.grant(Role.FACILITATOR)
    return chat


async def members(content, facilitator, count=6):
    chats = []
    for n in range(2, 2 + count):
        chat = Chat(content, n=n, uow=facilitator.uow)
        await chat.press("onboarding.save", site="southend", staff_group="nursing_midwifery", experience="none")
        chats.append(chat)
    return chats


async def details_step(facilitator, **changes):
    card = only_card(await facilitator.say("new set"))
    return await facilitator.press_button(card, "Next: choose members", **(DETAILS | changes))


async def add(facilitator, card, name):
    found = await facilitator.press_button(card, "Search", query=name)
    return await facilitator.press_button(found.card, "Add")


async def created_set(content, facilitator, count=6):
    people = await members(content, facilitator, count)
    card = (await details_step(facilitator)).card
    for n in range(2, 2 + count):
        card = (await add(facilitator, card, f"user {n}")).card
    done = await facilitator.press_button(card, "Create the set")
    return done, people


def test_my_sets_comes_before_new_set_in_the_menu():
    names = [c.name for c in ROUTER.commands]
    assert names.index("my sets") < names.index("new set") < names.index("sets report")


async def test_creating_a_set_in_chat(content, facilitator):
    people = await members(content, facilitator)
    details = only_card(await facilitator.say("new set"))
    assert "Set up an action learning set" in card_text(details) and "Step 1 of 2" in card_text(details)
    step2 = await facilitator.press_button(details, "Next: choose members", **DETAILS)
    text = card_text(step2.card)
    assert "Step 2 of 2" in text and "Every 4 weeks on Thursdays at 14:00, 6 meetings from 10 Dec 2026" in text
    assert "0 chosen: a set needs 5 to 8 members." in text
    found = await facilitator.press_button(step2.card, "Search", query="user 3")
    assert "User 3" in card_text(found.card) and "Southend University Hospital" in card_text(found.card)
    assert "Nursing" not in card_text(found.card)  # name and site only
    card = (await facilitator.press_button(found.card, "Add")).card
    assert "Added User 3." in card_text(card) and "1 chosen" in card_text(card)
    for n in (2, 4, 5, 6):
        card = (await add(facilitator, card, f"user {n}")).card
    done = await facilitator.press_button(card, "Create the set")
    text = card_text(done.card)
    assert "Set created: 6 meetings planned, and every member has been told the dates." in text
    assert "Thu 10 Dec, 14:00-16:00" in text and "Presenter: User 3" in text
    calendar = [
        a for a in done.card["body"] if a.get("type") == "ActionSet" and a["actions"][0]["title"] == "Add to calendar"
    ]
    assert calendar and calendar[0]["actions"][0]["url"].endswith(".ics")
    told = [r for r in facilitator.uow.db.outbox.values() if r["category"] == "set_updates"]
    assert len(told) == 5 and all("Ward leaders set" in card_text(r["message"].card) for r in told)
    assert any(a.get("title") == "Add to calendar" for a in told[0]["message"].card["actions"])
    member = only_card(await people[1].say("my sets"))
    text = card_text(member)
    assert "Ward leaders set" in text and "Next: **Thu 10 Dec, 14:00-16:00**" in text and "Presenter: you" in text


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (dict(every_weeks="3"), "every_weeks", "Sets meet every 4 to 6 weeks"),
        (dict(first_date="2026-11-20"), "first_date", "The first meeting must be in the future."),
        (dict(meetings="2"), "meetings", "Please plan 4 to 12 meetings"),
        (dict(venue="", online_url=""), "venue", "Please say where the set meets"),
    ],
)
async def test_bad_details_show_the_message_by_the_field_and_save_nothing(facilitator, changes, field, message):
    before = set_state(facilitator.uow)
    response = await details_step(facilitator, **changes)
    assert response.commit is False and set_state(facilitator.uow) == before
    assert message in next_to(response.card, field)
    assert card_inputs(response.card)["name"] == "Ward leaders set"  # what was typed is kept


async def test_a_ninth_member_or_the_same_person_twice_is_refused(content, facilitator):
    await members(content, facilitator, 9)
    card = (await details_step(facilitator)).card
    for n in range(2, 10):
        card = (await add(facilitator, card, f"user {n}")).card
    assert "8 chosen: the set is full." in card_text(card)
    found = await facilitator.press_button(card, "Search", query="user 10")
    assert not [b for b in buttons(found.card) if b["title"] == "Add"]  # no Add on a full set
    set_id = find_action(card, "Create the set")["data"]["set_id"]
    ninth = await facilitator.uow.users.by_teams_id("29:user-10")
    twice = await facilitator.uow.users.by_teams_id("29:user-2")
    before = set_state(facilitator.uow)
    refused = await facilitator.press(create.add_member.verb, set_id=set_id, user_id=ninth.id)
    assert "at most 8 members" in card_text(refused.card) and refused.commit is False
    again = await facilitator.press(create.add_member.verb, set_id=set_id, user_id=twice.id)
    assert "User 2 is already in this set." in card_text(again.card)
    assert set_state(facilitator.uow) == before


async def test_forged_set_cards_change_nothing(content, facilitator):
    done, people = await created_set(content, facilitator, 5)
    set_id = find_action(done.card, "Add a member")["data"]["set_id"]
    staff = people[0]
    other = Chat(content, n=30, uow=facilitator.uow)
    await other.grant(Role.FACILITATOR)
    before = set_state(facilitator.uow)
    for chat in (staff, other):
        for verb, data in [
            (create.create.verb, {"set_id": set_id}),
            (create.add_member.verb, {"set_id": set_id, "user_id": (await other.user()).id}),
            (create.save_details.verb, {"set_id": set_id, **DETAILS}),
            (create.members.verb, {"set_id": set_id}),
        ]:
            response = await chat.press(verb, **data)
            assert response.commit is False, (chat.address.user_teams_id, verb)
    assert "only for a QI facilitator" in card_text(staff.cards[-1])
    assert "Only the set's facilitator can do that." in card_text(other.cards[-1])
    outsider = await other.press(mine.view_set.verb, set_id=set_id)
    assert "only for its members" in card_text(outsider.card)
    assert set_state(facilitator.uow) == before


async def test_attendance_then_actions_then_the_next_reminder(content, facilitator):
    done, people = await created_set(content, facilitator, 5)
    set_id = find_action(done.card, "Add a member")["data"]["set_id"]
    first = (await facilitator.uow.sets.meetings(set_id))[0]
    for chat in [facilitator, *people]:
        chat.clock.set(first.ends_at + timedelta(minutes=5))
    card = (await facilitator.press(mine.view_set.verb, set_id=set_id)).card
    sheet = await facilitator.press_button(card, "Record attendance")
    assert "Attendance: Ward leaders set" in card_text(sheet.card)
    back = await facilitator.press_button(sheet.card, "Back")  # no dead end: back to the set
    assert card_text(back.card).startswith("Ward leaders set") and find_action(back.card, "Record attendance")
    absent = (await people[0].user()).id
    saved = await facilitator.press_button(sheet.card, "Save attendance", **{f"mark_{absent}": "absent"})
    text = card_text(saved.card)
    assert "Attendance saved: 4 present, 0 apologies, 1 absent." in text
    assert "The presenter was not there, so they will present again soon." in text
    assert "Thu 7 Jan, 14:00-16:00: User 3 presents." in text
    member_id = (await people[1].user()).id
    prompt = next(
        r["message"].card
        for r in facilitator.uow.db.outbox.values()
        if r["dedupe_key"].endswith(f"actions:{member_id}")
    )
    assert "What will you do by next time?" in card_text(prompt)
    saved = await people[1].press_button(prompt, "Save my actions", action_1="talk to matron", action_2="", action_3="")
    assert "Saved: 1 open actions for next time." in card_text(saved.card)
    assert "By next time I will talk to matron" in card_text(saved.card)
    mine_card = only_card(await people[1].say("my sets"))
    assert "Your open actions: 1" in card_text(mine_card)
    done_card = await people[1].press_button(saved.card, "Done")
    assert "Well done: talk to matron" in card_text(done_card.card)
    others = only_card(await people[2].say("my sets"))
    assert "talk to matron" not in card_text(others)  # each member's own


async def test_the_presenter_writes_an_issue_that_only_the_set_sees(content, facilitator):
    done, people = await created_set(content, facilitator, 5)
    presenter = people[0]
    card = only_card(await presenter.say("my sets"))
    opened = await presenter.press_button(card, "Open")
    form = await presenter.press_button(opened.card, "Write my issue")
    too_long = await presenter.press_button(form.card, "Save my issue", issue="x" * 201)
    assert "200 characters" in next_to(too_long.card, "issue") and too_long.commit is False
    saved = await presenter.press_button(form.card, "Save my issue", issue="Night handovers overrun.")
    assert "Saved: your set will see your issue." in card_text(saved.card)
    assert "Issue: Night handovers overrun." in card_text(only_card(await people[3].say("my sets")))
    report = only_card(await facilitator.say("sets report"))
    assert "Night handovers" not in card_text(report) and "Sets running" in card_text(report)


async def test_passing_the_turn_to_a_volunteer(content, facilitator):
    done, people = await created_set(content, facilitator, 5)
    presenter, volunteer = people[0], people[3]
    opened = await presenter.press_button(only_card(await presenter.say("my sets")), "Open")
    passed = await presenter.press_button(opened.card, "Pass to a volunteer")
    assert "the other members have been asked" in card_text(passed.card)
    volunteer_id = (await volunteer.user()).id
    ask = next(
        r["message"].card
        for r in facilitator.uow.db.outbox.values()
        if r["user_id"] == volunteer_id and "swap:" in r["dedupe_key"]
    )
    offered = await volunteer.press_button(ask, "I can present")
    assert "your facilitator will confirm the swap" in card_text(offered.card)
    confirm = next(r["message"].card for r in facilitator.uow.db.outbox.values() if ":confirm:" in r["dedupe_key"])
    confirmed = await facilitator.press_button(confirm, "Confirm the swap")
    assert "Swap confirmed: User 5 presents." in card_text(confirmed.card)
    assert "Presenter: you" in card_text(only_card(await volunteer.say("my sets")))


async def test_leaving_a_set(content, facilitator):
    done, people = await created_set(content, facilitator, 5)
    opened = await people[2].press_button(only_card(await people[2].say("my sets")), "Open")
    ask = await people[2].press_button(opened.card, "Leave this set")
    assert "Leave Ward leaders set?" in card_text(ask.card)
    left = await people[2].press_button(ask.card, "Leave the set")
    assert "You have left the set" in card_text(left.card) and "not in an action learning set" in card_text(left.card)
    told = next(r["message"].card for r in facilitator.uow.db.outbox.values() if ":left:" in r["dedupe_key"])
    assert "User 4 has left" in card_text(told) and "fewer than 5 members" in card_text(told)
    flagged = only_card(await facilitator.say("my sets"))
    assert "Fewer than 5 members: add someone." in card_text(flagged)


async def test_the_report_is_for_facilitators_and_admins(content, facilitator):
    await created_set(content, facilitator, 5)
    staff = Chat(content, n=40, uow=facilitator.uow)
    refused = only_card(await staff.say("sets report"))
    assert "only for a QI facilitator" in card_text(refused)
    admin = Chat(content, n=41, uow=facilitator.uow, admins=frozenset({"aad-41"}))
    text = card_text(only_card(await admin.say("sets report")))
    assert "Sets running" in text and "0 of 0 due so far" in text and "Southend University Hospital" in text
    assert "Members of running sets: 5" in text and "5" in text


def test_the_meeting_module_is_registered():
    assert meeting.attendance_save.verb in ROUTER.actions


async def test_the_reminder_cards_carry_the_calendar_link_the_actions_and_work(content, facilitator):
    """The cards the ticks queue (reminders, the presenter prompt, "did it happen?"), built by the real message
    builder and checked like every other card; a reminder's Done button works."""
    from core.sets import reminders
    from dialogs.sets import SetCards
    from tests.dialogs.harness import FakeLinks, check_card

    done, people = await created_set(content, facilitator, 5)
    set_id = find_action(done.card, "Add a member")["data"]["set_id"]
    first, second = (await facilitator.uow.sets.meetings(set_id))[:2]
    member = people[1]
    for chat in [facilitator, *people]:
        chat.clock.set(first.ends_at + timedelta(minutes=5))
    sheet = await facilitator.press(meeting.attendance.verb, meeting_id=first.id)
    await facilitator.press_button(sheet.card, "Save attendance")
    prompt = next(r["message"].card for r in facilitator.uow.db.outbox.values() if ":actions:" in r["dedupe_key"])
    await member.press(meeting.actions_save.verb, meeting_id=first.id, action_1="book a room")
    messages = SetCards(content, FakeLinks())
    uow, cards_by_key = facilitator.uow, {}
    now = second.starts_at - timedelta(days=8)
    while now < second.starts_at:
        await reminders.queue_reminders(uow, content=content, messages=messages, now=now)
        now += timedelta(hours=6)
    await reminders.check_attendance(uow, content=content, messages=messages, now=second.ends_at + timedelta(days=2))
    for row in uow.db.outbox.values():
        check_card(row["message"].card, row["dedupe_key"])
        cards_by_key[row["dedupe_key"]] = row["message"].card
    member_id = (await member.user()).id
    week = cards_by_key[f"set:meeting:{second.id}:week:{member_id}"]
    text = card_text(week)
    assert "**Ward leaders set** meets in a week" in text and "By next time I will book a room" in text
    assert any(a.get("title") == "Add to calendar" and a["url"].endswith(".ics") for a in week["actions"])
    assert any(a.get("title") == "Join online" for a in week["actions"])
    prompt_card = cards_by_key[f"set:meeting:{second.id}:prompt:{member_id}"]  # User 3 presents next
    assert "You are presenting at **Ward leaders set**" in card_text(prompt_card)
    assert "Presenter\nyou" in text
    assert f"set:meeting:{second.id}:check" in cards_by_key
    marked = await member.press_button(week, "Done")
    assert "Well done: book a room" in card_text(marked.card)
    assert "What will you do by next time?" in card_text(prompt)
