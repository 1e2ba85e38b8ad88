"""Set rules on fakes: creating a set, members, leaving, reminders, the rota through the services, attendance,
actions, the presenter's issue and swaps."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.kernel.errors import InvalidInput, NotAllowed
from core.kernel.model import Preferences, Role, WorkingHours
from core.sets import creation, meetings, membership, reminders
from core.sets.commands import AttendanceMarks, InvalidAnswer, MyActions
from core.sets.model import Mark, SwapStatus
from tests.fakes import FakeUnitOfWork
from tests.sets.data import FIRST, MESSAGES, NOW, details, make_set, outbox, person, set_state

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def uow():
    return FakeUnitOfWork()


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def meetings_of(uow, set_id):
    return await uow.sets.meetings(set_id)


async def attend(uow, content, facilitator, meeting, people, *, away=(), apologies=()):
    marks = {
        p.id: Mark.ABSENT if p.id in away else Mark.APOLOGIES if p.id in apologies else Mark.PRESENT for p in people
    }
    return await meetings.record_attendance(
        uow,
        user=facilitator,
        command=AttendanceMarks(meeting.id, marks),
        content=content,
        messages=MESSAGES,
        now=meeting.ends_at,
    )


# --- creating a set ------------------------------------------------------------------------------------------------


async def test_creating_a_set_makes_its_meetings_picks_a_presenter_and_tells_every_member(uow, content):
    created, facilitator, people = await make_set(uow, content)
    assert created.active and created.facilitator_id == facilitator.id
    rows = await meetings_of(uow, created.id)
    assert [m.number for m in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0].starts_at == utc(2027, 1, 14, 14) and rows[0].ends_at == utc(2027, 1, 14, 16)
    assert rows[3].starts_at == utc(2027, 4, 8, 13)  # 14:00 BST
    assert rows[0].presenter_id == people[0].id  # the first to join presents first
    assert all(m.presenter_id is None for m in rows[1:])  # the rest are chosen as the set goes
    told = outbox(uow, "added")
    assert sorted(r["user_id"] for r in told) == sorted(p.id for p in people)
    assert {r["category"] for r in told} == {"set_updates"}
    assert told[0]["message"].text == f"added {created.id} [1, 2, 3, 4, 5, 6]"


async def test_creating_twice_changes_nothing_the_second_time(uow, content):
    created, facilitator, _ = await make_set(uow, content)
    before = set_state(uow)
    again, fresh = await creation.create_set(
        uow, user=facilitator, set_id=created.id, content=content, messages=MESSAGES, now=NOW
    )
    assert not fresh and again.id == created.id and set_state(uow) == before


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (dict(every_weeks=3), "every_weeks", "every 4 to 6 weeks"),
        (dict(every_weeks=7), "every_weeks", "every 4 to 6 weeks"),
        (dict(meetings=3), "meetings", "4 to 12 meetings"),
        (dict(first_date=date(2027, 1, 4)), "first_date", "must be in the future"),
        (dict(first_date=date(2027, 1, 5), local_time=time(9, 30)), "first_date", "must be in the future"),
        (dict(first_date=None), "first_date", "date of the first meeting"),
        (dict(venue=None, online_url=None), "venue", "where the set meets"),
        (dict(online_url="teams link"), "online_url", "starting https://"),
        (dict(site="mars"), "site", "choose a site"),
        (dict(name="  "), "name", "add the set's name"),
        (dict(name="x" * 81), "name", "80 characters"),
    ],
)
async def test_bad_details_are_refused_with_the_field_and_change_nothing(uow, content, changes, field, message):
    facilitator = await person(uow, 1, role=Role.FACILITATOR)
    before = set_state(uow)
    with pytest.raises(InvalidAnswer, match=message) as refused:
        await creation.save_details(
            uow, user=facilitator, set_id=None, details=details(**changes), content=content, now=NOW
        )
    assert refused.value.field == field
    assert set_state(uow) == before


async def test_a_second_new_set_resumes_the_draft(uow, content):
    facilitator = await person(uow, 1, role=Role.FACILITATOR)
    first = await creation.save_details(uow, user=facilitator, set_id=None, details=details(), content=content, now=NOW)
    second = await creation.save_details(
        uow, user=facilitator, set_id=None, details=details(name="Renamed"), content=content, now=NOW
    )
    assert second.set.id == first.set.id and second.set.name == "Renamed"
    assert (await creation.current_draft(uow, user=facilitator, content=content)).set.name == "Renamed"


async def test_members_five_to_eight_no_one_twice_and_not_the_facilitator(uow, content):
    facilitator = await person(uow, 1, role=Role.FACILITATOR)
    people = [await person(uow, n) for n in range(2, 11)]
    draft = await creation.save_details(uow, user=facilitator, set_id=None, details=details(), content=content, now=NOW)

    async def add(who):
        return await creation.add_member(
            uow, user=facilitator, set_id=draft.set.id, member_id=who.id, content=content, messages=MESSAGES, now=NOW
        )

    for who in people[:4]:
        await add(who)
    with pytest.raises(InvalidInput, match="5 to 8 members; this one has 4"):
        await creation.create_set(
            uow, user=facilitator, set_id=draft.set.id, content=content, messages=MESSAGES, now=NOW
        )
    for who in people[4:8]:
        view = await add(who)
    assert len(view.members) == 8 and not view.can_add and view.can_create
    before = set_state(uow)
    with pytest.raises(InvalidInput, match="at most 8 members"):
        await add(people[8])  # a ninth
    with pytest.raises(InvalidInput, match="User 2 is already in this set"):
        await add(people[0])
    with pytest.raises(InvalidInput, match="you are already part of it"):
        await add(facilitator)
    assert set_state(uow) == before


async def test_nobody_but_the_sets_facilitator_can_touch_it_whatever_the_card_says(uow, content):
    facilitator = await person(uow, 1, role=Role.FACILITATOR)
    other_facilitator = await person(uow, 2, role=Role.FACILITATOR)
    staff = await person(uow, 3)
    draft = await creation.save_details(uow, user=facilitator, set_id=None, details=details(), content=content, now=NOW)
    before = set_state(uow)
    for who in (other_facilitator, staff):
        with pytest.raises(NotAllowed):
            await creation.save_details(uow, user=who, set_id=draft.set.id, details=details(), content=content, now=NOW)
        with pytest.raises(NotAllowed):
            await creation.add_member(
                uow, user=who, set_id=draft.set.id, member_id=staff.id, content=content, messages=MESSAGES, now=NOW
            )
        with pytest.raises(NotAllowed):
            await creation.create_set(uow, user=who, set_id=draft.set.id, content=content, messages=MESSAGES, now=NOW)
    with pytest.raises(NotAllowed, match="facilitator"):
        await creation.save_details(uow, user=staff, set_id=None, details=details(), content=content, now=NOW)
    assert set_state(uow) == before


async def test_search_finds_people_by_name_with_only_name_and_site(uow, content):
    created, facilitator, people = await make_set(uow, content, members=5)
    await person(uow, 40)
    _, found = await creation.search_people(uow, user=facilitator, set_id=created.id, text="user 4", content=content)
    assert [(p.name, type(p).__name__) for p in found] == [("User 4", "PersonMatch"), ("User 40", "PersonMatch")]
    assert set(vars(found[0])) == {"id", "name", "site"}
    _, none = await creation.search_people(uow, user=facilitator, set_id=created.id, text="user 1", content=content)
    assert "User 1" not in [p.name for p in none]  # the facilitator themselves is left out
    with pytest.raises(InvalidInput, match="at least 2 letters"):
        await creation.search_people(uow, user=facilitator, set_id=created.id, text=" x ", content=content)


async def test_adding_to_a_running_set_tells_the_new_member_the_dates_left(uow, content):
    created, facilitator, _ = await make_set(uow, content, members=5)
    newcomer = await person(uow, 20)
    later = utc(2027, 2, 20, 10)  # after meetings 1 and 2
    await creation.add_member(
        uow, user=facilitator, set_id=created.id, member_id=newcomer.id, content=content, messages=MESSAGES, now=later
    )
    [told] = [r for r in outbox(uow, "added") if r["user_id"] == newcomer.id]
    assert told["message"].text == f"added {created.id} [3, 4, 5, 6]"


# --- my sets and leaving --------------------------------------------------------------------------------------------


async def test_my_sets_shows_next_meeting_presenter_and_open_actions_to_members_only(uow, content):
    created, facilitator, people = await make_set(uow, content)
    first = (await meetings_of(uow, created.id))[0]
    await meetings.write_issue(uow, user=people[0], meeting_id=first.id, issue="Handover keeps slipping.", now=NOW)
    [view] = await membership.my_sets(uow, user=people[1], content=content, now=NOW)
    assert view.next_meeting.meeting.id == first.id and view.next_meeting.meeting.presenter_id == people[0].id
    assert view.next_meeting.issue == "Handover keeps slipping." and view.is_member and not view.can_manage
    [mine] = await membership.my_sets(uow, user=facilitator, content=content, now=NOW)
    assert mine.is_facilitator and mine.can_manage and not mine.can_leave
    outsider = await person(uow, 30)
    assert await membership.my_sets(uow, user=outsider, content=content, now=NOW) == []
    with pytest.raises(NotAllowed):
        await membership.set_view(uow, user=outsider, set_id=created.id, content=content, now=NOW)


async def test_leaving_tells_the_facilitator_and_flags_a_set_below_five(uow, content):
    created, facilitator, people = await make_set(uow, content, members=5)
    assert await membership.leave_set(
        uow, user=people[0], set_id=created.id, content=content, messages=MESSAGES, now=NOW
    )
    [told] = outbox(uow, "left")
    assert told["user_id"] == facilitator.id and told["message"].text == f"left {created.id} User 2 4"
    first = (await meetings_of(uow, created.id))[0]
    assert first.presenter_id == people[1].id  # the one who left was presenting: the rota picked the next
    view = await membership.set_view(uow, user=facilitator, set_id=created.id, content=content, now=NOW)
    assert view.below_minimum and len(view.members) == 4
    before = set_state(uow)
    assert not await membership.leave_set(
        uow, user=people[0], set_id=created.id, content=content, messages=MESSAGES, now=NOW
    )
    assert set_state(uow) == before
    with pytest.raises(NotAllowed):
        await membership.leave_set(
            uow, user=facilitator, set_id=created.id, content=content, messages=MESSAGES, now=NOW
        )


# --- reminders ------------------------------------------------------------------------------------------------------


async def run_ticks(uow, content, start: datetime, end: datetime, step=timedelta(minutes=10)):
    now = start
    while now <= end:
        await reminders.queue_reminders(uow, content=content, messages=MESSAGES, now=now)
        await reminders.check_attendance(uow, content=content, messages=MESSAGES, now=now)
        now += step


@pytest.mark.parametrize(
    "first, week, day, prompt",
    [
        # Thu 1 April 2027 14:00 BST: the week-before reminder is on the GMT side of 28 March.
        (date(2027, 4, 1), utc(2027, 3, 25, 9), utc(2027, 3, 31, 8), utc(2027, 3, 29, 8)),
        # Thu 4 November 2027 14:00 GMT: the week-before reminder is on the BST side of 31 October.
        (date(2027, 11, 4), utc(2027, 10, 28, 8), utc(2027, 11, 3, 9), utc(2027, 11, 1, 9)),
    ],
)
async def test_reminders_land_at_nine_local_across_both_clock_changes(uow, content, first, week, day, prompt):
    now = datetime.combine(first - timedelta(days=10), time(10), tzinfo=UTC)
    created, facilitator, people = await make_set(uow, content, members=5, first_date=first, now=now)
    meeting = (await meetings_of(uow, created.id))[0]
    await run_ticks(uow, content, now, meeting.starts_at, step=timedelta(hours=1))
    due = {}
    for row in outbox(uow, "reminder"):
        which, _, user_id = row["message"].text.split()[1:4]
        due.setdefault(which, set()).add(row["due_at"])
        assert row["category"] == "action_learning"
    assert due == {"week": {week}, "day": {day}}
    assert len(outbox(uow, "reminder")) == 2 * 6  # five members and the facilitator, once each
    [prompted] = outbox(uow, "prompt")
    assert prompted["user_id"] == people[0].id and prompted["due_at"] == prompt
    assert {r["due_at"].astimezone(LONDON).time() for r in outbox(uow, "reminder")} == {time(9)}


async def test_a_reminder_keeps_the_persons_own_start_of_work(uow, content):
    created, _, people = await make_set(uow, content, members=5)
    await uow.preferences.save(
        Preferences(people[0].id, hours=WorkingHours(frozenset({2}), time(7, 30), time(19, 30))), now=NOW
    )
    meeting = (await meetings_of(uow, created.id))[0]  # Thu 14 January
    await run_ticks(uow, content, NOW, meeting.starts_at, step=timedelta(hours=1))
    mine = {r["message"].text.split()[1]: r["due_at"] for r in outbox(uow, "reminder") if r["user_id"] == people[0].id}
    assert mine == {"week": utc(2027, 1, 7, 9), "day": utc(2027, 1, 13, 7, 30)}  # the 7th is a Thursday: 09:00


async def test_reminders_are_not_sent_to_someone_who_turned_them_off(uow, content):
    created, _, people = await make_set(uow, content, members=5)
    await uow.preferences.save(Preferences(people[0].id, opted_out=frozenset({"action_learning"})), now=NOW)
    meeting = (await meetings_of(uow, created.id))[0]
    await run_ticks(uow, content, NOW, meeting.starts_at, step=timedelta(hours=1))
    assert people[0].id not in {r["user_id"] for r in outbox(uow, "reminder")}


async def test_the_next_reminder_shows_the_members_open_actions(uow, content):
    created, facilitator, people = await make_set(uow, content, members=5)
    first, second = (await meetings_of(uow, created.id))[:2]
    await attend(uow, content, facilitator, first, people)
    await meetings.save_actions(
        uow,
        user=people[1],
        command=MyActions(first.id, ("ask the ward manager", "", "read the audit")),
        content=content,
        now=first.ends_at,
    )
    await run_ticks(uow, content, second.starts_at - timedelta(days=8), second.starts_at, step=timedelta(hours=1))
    texts = [r["message"].text for r in outbox(uow, "reminder") if r["user_id"] == people[1].id]
    assert texts == [
        f"reminder week {second.id} {people[1].id} ['ask the ward manager', 'read the audit']",
        f"reminder day {second.id} {people[1].id} ['ask the ward manager', 'read the audit']",
    ]


async def test_did_it_happen_goes_two_days_after_a_meeting_without_attendance(uow, content):
    created, facilitator, people = await make_set(uow, content, members=5)
    first, second = (await meetings_of(uow, created.id))[:2]
    await run_ticks(uow, content, first.ends_at, first.ends_at + timedelta(days=3), step=timedelta(hours=1))
    [check] = outbox(uow, "check")
    assert check["user_id"] == facilitator.id and check["due_at"] == first.ends_at + timedelta(days=2)
    await attend(uow, content, facilitator, second, people)
    await run_ticks(uow, content, second.ends_at, second.ends_at + timedelta(days=3), step=timedelta(hours=1))
    assert len(outbox(uow, "check")) == 1  # recorded in time: no question


# --- attendance, the rota and actions ---------------------------------------------------------------------------


async def test_attendance_is_for_the_facilitator_after_the_start_with_every_member_marked(uow, content):
    created, facilitator, people = await make_set(uow, content, members=5)
    first = (await meetings_of(uow, created.id))[0]
    marks = {p.id: Mark.PRESENT for p in people}
    before = set_state(uow)
    with pytest.raises(InvalidInput, match="once the meeting has started"):
        await meetings.record_attendance(
            uow, user=facilitator, command=AttendanceMarks(first.id, marks), content=content, messages=MESSAGES, now=NOW
        )
    with pytest.raises(NotAllowed):
        await meetings.record_attendance(
            uow,
            user=people[0],
            command=AttendanceMarks(first.id, marks),
            content=content,
            messages=MESSAGES,
            now=first.ends_at,
        )
    with pytest.raises(InvalidAnswer, match="mark every member"):
        await meetings.record_attendance(
            uow,
            user=facilitator,
            command=AttendanceMarks(first.id, dict(list(marks.items())[:4])),
            content=content,
            messages=MESSAGES,
            now=first.ends_at,
        )
    stranger = await person(uow, 50)
    before = set_state(uow)
    with pytest.raises(InvalidInput, match="no longer in this set"):
        await meetings.record_attendance(
            uow,
            user=facilitator,
            command=AttendanceMarks(first.id, {**marks, stranger.id: Mark.PRESENT}),
            content=content,
            messages=MESSAGES,
            now=first.ends_at,
        )
    assert set_state(uow) == before


async def test_saving_attendance_picks_the_next_presenter_and_asks_those_who_came_for_actions(uow, content):
    created, facilitator, people = await make_set(uow, content, members=5)
    first = (await meetings_of(uow, created.id))[0]
    saved = await attend(uow, content, facilitator, first, people, away={people[0].id}, apologies={people[4].id})
    assert saved.missed_turn and saved.next_meeting.presenter_id == people[1].id  # the one who missed is passed over
    assert sorted(r["user_id"] for r in outbox(uow, "actions")) == sorted(p.id for p in people[1:4])
    again = await attend(uow, content, facilitator, first, people)  # corrected: everyone was there
    assert not again.missed_turn and len(outbox(uow, "actions")) == 5  # the two newly present, once each


async def test_the_rota_over_twelve_meetings_with_absences_and_swaps_through_the_services(uow, content):
    created, facilitator, people = await make_set(uow, content, members=6, meetings=12)
    a, b, c, d, e, f = people
    absent = {2: {b.id}, 8: {a.id}}
    presenters = []
    for number in range(1, 13):
        meeting = (await meetings_of(uow, created.id))[number - 1]
        meeting = await membership.set_view(
            uow, user=facilitator, set_id=created.id, content=content, now=meeting.starts_at - timedelta(days=1)
        )
        meeting = meeting.next_meeting.meeting
        if number == 4:  # D passes to B; the facilitator confirms
            before = meeting.starts_at - timedelta(days=2)
            swap = (
                await meetings.pass_turn(
                    uow, user=d, meeting_id=meeting.id, content=content, messages=MESSAGES, now=before
                )
            ).swap
            await meetings.volunteer(uow, user=b, swap_id=swap.id, content=content, messages=MESSAGES, now=before)
            await meetings.decide_swap(
                uow, user=facilitator, swap_id=swap.id, accept=True, content=content, messages=MESSAGES, now=before
            )
            meeting = await uow.sets.get_meeting(meeting.id)
        presenters.append(meeting.presenter_id)
        await attend(uow, content, facilitator, meeting, people, away=absent.get(number, set()))
    assert presenters == [p.id for p in (a, b, c, b, d, e, f, a, c, d, e, f)]
    assert (await membership.my_sets(uow, user=a, content=content, now=utc(2028, 1, 1)))[0].next_meeting is None


async def test_up_to_three_actions_each_kept_private_and_marked_done(uow, content):
    created, facilitator, people = await make_set(uow, content, members=5)
    first = (await meetings_of(uow, created.id))[0]
    after = first.ends_at
    form = await meetings.save_actions(
        uow,
        user=people[0],
        command=MyActions(first.id, ("call pharmacy", "draft a driver diagram", None)),
        content=content,
        now=after,
    )
    assert [(a.slot, a.text) for a in form.actions] == [(1, "call pharmacy"), (2, "draft a driver diagram")]
    before = set_state(uow)
    with pytest.raises(InvalidInput, match="at most 3 actions"):
        await meetings.save_actions(
            uow, user=people[0], command=MyActions(first.id, ("a", "b", "c", "d")), content=content, now=after
        )
    with pytest.raises(InvalidAnswer, match="200 characters") as long:
        await meetings.save_actions(
            uow, user=people[0], command=MyActions(first.id, ("x" * 201,)), content=content, now=after
        )
    assert long.value.field == "action_1"
    with pytest.raises(InvalidInput, match="after the meeting"):
        await meetings.save_actions(uow, user=people[0], command=MyActions(first.id, ("a",)), content=content, now=NOW)
    with pytest.raises(NotAllowed):
        await meetings.save_actions(
            uow, user=facilitator, command=MyActions(first.id, ("a",)), content=content, now=after
        )
    action = form.actions[0]
    with pytest.raises(NotAllowed):
        await meetings.mark_action_done(uow, user=people[1], action_id=action.id, now=after)
    assert set_state(uow) == before
    done, changed, left = await meetings.mark_action_done(uow, user=people[0], action_id=action.id, now=after)
    assert done.done and changed and [a.text for a in left] == ["draft a driver diagram"]
    _, again, _ = await meetings.mark_action_done(uow, user=people[0], action_id=action.id, now=after)
    assert not again
    form = await meetings.save_actions(
        uow, user=people[0], command=MyActions(first.id, ("changed", None, "new")), content=content, now=after
    )
    assert [(a.slot, a.text, a.done) for a in form.actions] == [(1, "call pharmacy", True), (3, "new", False)]


async def test_only_the_presenter_writes_the_issue_before_the_meeting(uow, content):
    created, facilitator, people = await make_set(uow, content, members=5)
    first = (await meetings_of(uow, created.id))[0]
    before = set_state(uow)
    with pytest.raises(NotAllowed):
        await meetings.write_issue(uow, user=people[1], meeting_id=first.id, issue="not mine", now=NOW)
    with pytest.raises(InvalidAnswer, match="200 characters"):
        await meetings.write_issue(uow, user=people[0], meeting_id=first.id, issue="x" * 201, now=NOW)
    with pytest.raises(InvalidInput, match="has started"):
        await meetings.write_issue(uow, user=people[0], meeting_id=first.id, issue="late", now=first.starts_at)
    assert set_state(uow) == before
    view = await meetings.write_issue(uow, user=people[0], meeting_id=first.id, issue=" Rotas clash. ", now=NOW)
    assert view.issue == "Rotas clash." and view.can_write_issue


async def test_a_swap_needs_a_volunteer_and_the_facilitator(uow, content):
    created, facilitator, people = await make_set(uow, content, members=5)
    first = (await meetings_of(uow, created.id))[0]
    presenter, volunteer, late = people[0], people[1], people[2]
    with pytest.raises(NotAllowed):
        await meetings.pass_turn(uow, user=volunteer, meeting_id=first.id, content=content, messages=MESSAGES, now=NOW)
    outcome = await meetings.pass_turn(
        uow, user=presenter, meeting_id=first.id, content=content, messages=MESSAGES, now=NOW
    )
    assert outcome.changed and sorted(r["user_id"] for r in outbox(uow, "swap wanted")) == [p.id for p in people[1:]]
    repeat = await meetings.pass_turn(
        uow, user=presenter, meeting_id=first.id, content=content, messages=MESSAGES, now=NOW
    )
    assert not repeat.changed and len(outbox(uow, "swap wanted")) == 4
    swap = outcome.swap
    with pytest.raises(NotAllowed):
        await meetings.volunteer(uow, user=presenter, swap_id=swap.id, content=content, messages=MESSAGES, now=NOW)
    await meetings.volunteer(uow, user=volunteer, swap_id=swap.id, content=content, messages=MESSAGES, now=NOW)
    [ask] = outbox(uow, "swap confirm")
    assert ask["user_id"] == facilitator.id
    before = set_state(uow)
    with pytest.raises(InvalidInput, match="someone else has already offered"):
        await meetings.volunteer(uow, user=late, swap_id=swap.id, content=content, messages=MESSAGES, now=NOW)
    with pytest.raises(NotAllowed):
        await meetings.decide_swap(
            uow, user=presenter, swap_id=swap.id, accept=True, content=content, messages=MESSAGES, now=NOW
        )
    assert set_state(uow) == before
    done = await meetings.decide_swap(
        uow, user=facilitator, swap_id=swap.id, accept=True, content=content, messages=MESSAGES, now=NOW
    )
    assert done.changed and done.swap.status == SwapStatus.CONFIRMED and done.meeting.presenter_id == volunteer.id
    assert sorted(r["message"].text.split()[-1] for r in outbox(uow, "swap confirmed")) == ["False", "True"]
    twice = await meetings.decide_swap(
        uow, user=facilitator, swap_id=swap.id, accept=False, content=content, messages=MESSAGES, now=NOW
    )
    assert not twice.changed and (await uow.sets.get_meeting(first.id)).presenter_id == volunteer.id


async def test_the_facilitator_may_keep_the_rota(uow, content):
    created, facilitator, people = await make_set(uow, content, members=5)
    first = (await meetings_of(uow, created.id))[0]
    swap = (
        await meetings.pass_turn(uow, user=people[0], meeting_id=first.id, content=content, messages=MESSAGES, now=NOW)
    ).swap
    await meetings.volunteer(uow, user=people[1], swap_id=swap.id, content=content, messages=MESSAGES, now=NOW)
    kept = await meetings.decide_swap(
        uow, user=facilitator, swap_id=swap.id, accept=False, content=content, messages=MESSAGES, now=NOW
    )
    assert kept.changed and kept.swap.status == SwapStatus.WITHDRAWN
    assert (await uow.sets.get_meeting(first.id)).presenter_id == people[0].id and not outbox(uow, "swap confirmed")
    assert (
        await meetings.pass_turn(uow, user=people[0], meeting_id=first.id, content=content, messages=MESSAGES, now=NOW)
    ).changed  # they may ask again


def test_unused_helpers_stay_unused():
    assert replace is not None and FIRST.weekday() == 3
