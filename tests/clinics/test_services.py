"""Clinic rules and the waitlist, on fakes."""

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.clinics import followup, services, sessions
from core.clinics.booking import (
    book_session,
    booking_to_cancel,
    booking_view,
    browse,
    cancel_booking,
    my_bookings,
    reminder_day_before,
    start_booking,
)
from core.clinics.commands import BookingRequest, FeedbackAnswers, InvalidAnswer
from core.clinics.model import Attendance, BookingStatus
from core.kernel.contacts import record_contact
from core.kernel.errors import (
    AlreadyBooked,
    BookingClosed,
    ClinicFull,
    InvalidInput,
    NotAllowed,
    NotFound,
    TooManyBookings,
)
from core.kernel.model import Preferences, Role, WorkingHours
from core.projects.model import Project, ProjectStatus
from tests.clinics.data import add_session_to, clinic_state
from tests.clinics.fakes import RecordingClinicMessages
from tests.fakes import FakeUnitOfWork, teams_address

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)  # Wednesday
MESSAGES = RecordingClinicMessages()


@pytest.fixture
def uow():
    return FakeUnitOfWork()


async def person(uow, n):
    user = (await record_contact(uow, address=teams_address(n), now=NOW)).user
    return user


def add_session(uow, **kwargs):
    return add_session_to(uow, **{"starts_at": NOW + timedelta(days=6)} | kwargs)


async def book(uow, content, user, session, **answers):
    request = BookingRequest(session.id, **({"help_with": "new_idea", "question": "How do I start?"} | answers))
    return await book_session(uow, user=user, request=request, content=content, messages=MESSAGES, now=NOW)


def outbox_texts(uow, status="pending"):
    return sorted(r["message"].text for r in uow.db.outbox.values() if r["status"] == status)


async def test_booking_takes_a_seat_queues_reminders_and_tells_the_coach(uow, content):
    coach, staff = await person(uow, 1), await person(uow, 2)
    session = add_session(uow, coach_id=coach.id)
    booking = await book(uow, content, staff, session)
    assert booking.status == BookingStatus.CONFIRMED
    assert (await uow.clinics.get_session(session.id)).seats_left == 1
    assert outbox_texts(uow) == sorted(
        [f"coach notice {booking.id} User 2", f"reminder day {booking.id}", f"reminder hour {booking.id}"]
    )
    due = {r["message"].text: r["due_at"] for r in uow.db.outbox.values()}
    assert due[f"reminder hour {booking.id}"] == session.starts_at - timedelta(hours=1)
    assert due[f"reminder day {booking.id}"].astimezone(LONDON).time() == time(9)


async def test_full_session_offers_the_waitlist(uow, content):
    session = add_session(uow, capacity=1)
    first, second = await person(uow, 1), await person(uow, 2)
    await book(uow, content, first, session)
    before = clinic_state(uow)
    with pytest.raises(ClinicFull):
        await book(uow, content, second, session)
    assert clinic_state(uow) == before
    waiting = await book(uow, content, second, session, join_waitlist=True)
    assert waiting.status == BookingStatus.WAITLISTED
    assert (await uow.clinics.get_session(session.id)).seats_taken == 1


async def test_one_active_booking_per_person_per_session(uow, content):
    session = add_session(uow, capacity=5)
    user = await person(uow, 1)
    await book(uow, content, user, session)
    before = clinic_state(uow)
    with pytest.raises(AlreadyBooked, match="already have a place"):
        await book(uow, content, user, session)
    with pytest.raises(AlreadyBooked):
        await book(uow, content, user, session, join_waitlist=True)
    assert clinic_state(uow) == before


async def test_at_most_three_future_bookings(uow, content):
    user = await person(uow, 1)
    for day in range(3):
        await book(uow, content, user, add_session(uow, starts_at=NOW + timedelta(days=2 + day)))
    fourth = add_session(uow, starts_at=NOW + timedelta(days=9))
    before = clinic_state(uow)
    with pytest.raises(TooManyBookings, match="3 upcoming"):
        await book(uow, content, user, fourth)
    assert clinic_state(uow) == before


@pytest.mark.parametrize(
    "starts_in, message", [(timedelta(minutes=59), "has closed"), (timedelta(minutes=-5), "has closed")]
)
async def test_booking_closes_an_hour_before(uow, content, starts_in, message):
    session = add_session(uow, starts_at=NOW + starts_in)
    user = await person(uow, 1)
    before = clinic_state(uow)
    with pytest.raises(BookingClosed, match=message):
        await book(uow, content, user, session)
    assert (await uow.clinics.get_session(session.id)).seats_taken == 0
    assert clinic_state(uow) == before


async def test_an_hour_and_a_minute_before_is_still_open(uow, content):
    session = add_session(uow, starts_at=NOW + timedelta(minutes=61))
    booking = await book(uow, content, await person(uow, 1), session)
    assert booking.status == BookingStatus.CONFIRMED
    assert [t for t in outbox_texts(uow) if t.startswith("reminder")] == [f"reminder hour {booking.id}"]


@pytest.mark.parametrize(
    "kwargs, message",
    [(dict(help_with="gossip"), "what you would like help with"), (dict(question="x" * 501), "500 characters")],
)
async def test_bad_intake_answers_are_refused(uow, content, kwargs, message):
    session = add_session(uow)
    user = await person(uow, 1)
    before = clinic_state(uow)
    with pytest.raises(InvalidInput, match=message):
        await book(uow, content, user, session, **kwargs)
    assert (await uow.clinics.get_session(session.id)).seats_taken == 0
    assert clinic_state(uow) == before


async def test_cancelling_promotes_the_first_waiting_and_tells_them(uow, content):
    session = add_session(uow, capacity=1)
    a, b, c = await person(uow, 1), await person(uow, 2), await person(uow, 3)
    booked = await book(uow, content, a, session)
    waiting_b = await book(uow, content, b, session, join_waitlist=True)
    await book(uow, content, c, session, join_waitlist=True)
    result = await cancel_booking(uow, user=a, booking_id=booked.id, content=content, messages=MESSAGES, now=NOW)
    assert result.promoted.id == waiting_b.id and result.promoted.status == BookingStatus.CONFIRMED
    assert (await uow.clinics.get_session(session.id)).seats_taken == 1
    pending = outbox_texts(uow)
    assert f"promoted {waiting_b.id}" in pending and f"reminder day {waiting_b.id}" in pending
    assert f"reminder day {booked.id}" not in pending  # the cancelled booking's reminders are gone
    assert f"reminder day {booked.id}" in outbox_texts(uow, "cancelled")
    mine = await my_bookings(uow, user=c, now=NOW)
    assert mine[0].waitlist_position == 1


async def test_cancelling_without_a_waitlist_frees_the_seat(uow, content):
    session = add_session(uow, capacity=1)
    user = await person(uow, 1)
    booking = await book(uow, content, user, session)
    await cancel_booking(uow, user=user, booking_id=booking.id, content=content, messages=MESSAGES, now=NOW)
    assert (await uow.clinics.get_session(session.id)).seats_taken == 0
    again = await cancel_booking(uow, user=user, booking_id=booking.id, content=content, messages=MESSAGES, now=NOW)
    assert again.already


async def test_nobody_else_can_cancel_my_booking(uow, content):
    session = add_session(uow)
    owner, other = await person(uow, 1), await person(uow, 2)
    booking = await book(uow, content, owner, session)
    before = clinic_state(uow)
    with pytest.raises(NotAllowed):
        await cancel_booking(uow, user=other, booking_id=booking.id, content=content, messages=MESSAGES, now=NOW)
    assert (await uow.clinics.get_booking(booking.id)).status == BookingStatus.CONFIRMED
    assert clinic_state(uow) == before


async def test_admin_cancels_a_session_and_everyone_is_told(uow, content):
    session = add_session(uow, capacity=1)
    a, b, admin = await person(uow, 1), await person(uow, 2), await person(uow, 3)
    await book(uow, content, a, session)
    await book(uow, content, b, session, join_waitlist=True)
    before = clinic_state(uow)
    with pytest.raises(NotAllowed):
        await sessions.cancel_session(
            uow, user=a, session_id=session.id, reason="x", content=content, messages=MESSAGES, now=NOW
        )
    assert clinic_state(uow) == before
    admin = replace(admin, roles=frozenset({Role.STAFF, Role.ADMIN}))
    done = await sessions.cancel_session(
        uow, user=admin, session_id=session.id, reason="Coach unwell.", content=content, messages=MESSAGES, now=NOW
    )
    assert done.told == 2 and done.session.cancelled
    assert outbox_texts(uow).count(f"cancelled {session.id}: Coach unwell.") == 2
    assert not any(t.startswith("reminder") for t in outbox_texts(uow))
    assert await services.bookable_sessions(uow, site="basildon", content=content, now=NOW) == []


@pytest.mark.parametrize(
    "monday", [datetime(2026, 3, 30, 10, tzinfo=LONDON), datetime(2026, 10, 26, 10, tzinfo=LONDON)]
)
def test_day_before_reminder_is_nine_local_across_clock_changes(monday):
    at = reminder_day_before(monday.astimezone(UTC), None, LONDON)
    local = at.astimezone(LONDON)
    assert (local.date(), local.time()) == ((monday - timedelta(days=1)).date(), time(9))
    # 29 March is the first day of BST (09:00 = 08:00 UTC); 25 October the first of GMT (09:00 = 09:00 UTC).
    assert at.hour == (8 if monday.month == 3 else 9)


def test_day_before_reminder_uses_the_persons_first_working_hour():
    early = WorkingHours(days=frozenset({6}), start=time(7), end=time(19))
    monday = datetime(2026, 11, 30, 10, tzinfo=LONDON)
    assert reminder_day_before(monday, early, LONDON).astimezone(LONDON).time() == time(7)
    weekdays_only = WorkingHours(days=frozenset(range(5)), start=time(7), end=time(19))
    assert reminder_day_before(monday, weekdays_only, LONDON).astimezone(LONDON).time() == time(9)


async def test_reminders_can_be_turned_off_in_settings(uow, content):
    user = await person(uow, 1)
    await uow.preferences.save(Preferences(user_id=user.id, opted_out=frozenset({"clinic_reminders"})), now=NOW)
    await book(uow, content, user, add_session(uow))
    assert not any(t.startswith("reminder") for t in outbox_texts(uow))


async def test_attendance_card_once_per_ended_session_and_only_the_coach_records(uow, content):
    coach, a, b = await person(uow, 1), await person(uow, 2), await person(uow, 3)
    session = add_session(uow, coach_id=coach.id, starts_at=NOW + timedelta(hours=2))
    ba = await book(uow, content, a, session)
    bb = await book(uow, content, b, session)
    after = NOW + timedelta(hours=3, minutes=5)
    assert await followup.request_attendance(uow, content=content, messages=MESSAGES, now=after) == 1
    assert await followup.request_attendance(uow, content=content, messages=MESSAGES, now=after) == 0
    before = clinic_state(uow)
    with pytest.raises(NotAllowed):
        await followup.record_attendance(
            uow, user=a, session_id=session.id, marks={ba.id: Attendance.ATTENDED}, now=after
        )
    assert clinic_state(uow) == before
    marked = await followup.record_attendance(
        uow, user=coach, session_id=session.id, marks={ba.id: Attendance.ATTENDED, bb.id: Attendance.NO_SHOW}, now=after
    )
    assert {m.id: m.attendance for m in marked.bookings} == {ba.id: Attendance.ATTENDED, bb.id: Attendance.NO_SHOW}
    assert (marked.attended, marked.missed) == (1, 1)
    assert await uow.clinics.attended_count(start=NOW, end=after) == 1
    # A mark that is not attended / did not attend is refused where the card is read: test_dialogs.py.


async def test_feedback_an_hour_after_for_attendees_only_and_once(uow, content):
    coach, a, b = await person(uow, 1), await person(uow, 2), await person(uow, 3)
    session = add_session(uow, coach_id=coach.id, starts_at=NOW + timedelta(hours=2))
    ba, bb = await book(uow, content, a, session), await book(uow, content, b, session)
    ended = session.ends_at
    await followup.record_attendance(
        uow, user=coach, session_id=session.id, marks={ba.id: Attendance.ATTENDED, bb.id: Attendance.NO_SHOW}, now=ended
    )
    assert (
        await followup.request_feedback(uow, content=content, messages=MESSAGES, now=ended + timedelta(minutes=30)) == 0
    )
    assert await followup.request_feedback(uow, content=content, messages=MESSAGES, now=ended + timedelta(hours=1)) == 1
    assert f"feedback {ba.id}" in outbox_texts(uow)
    before = clinic_state(uow)
    with pytest.raises(InvalidInput, match="1 to 5"):
        await followup.record_feedback(uow, user=a, answers=FeedbackAnswers(ba.id, 9, None), now=ended)
    assert clinic_state(uow) == before
    assert await followup.record_feedback(uow, user=a, answers=FeedbackAnswers(ba.id, 4, "More time"), now=ended)
    assert not await followup.record_feedback(uow, user=a, answers=FeedbackAnswers(ba.id, 1, None), now=ended)
    assert uow.db.feedback[ba.id] == (4, "More time")
    before = clinic_state(uow)
    with pytest.raises(NotAllowed):
        await followup.record_feedback(uow, user=b, answers=FeedbackAnswers(ba.id, 5, None), now=ended)
    with pytest.raises(InvalidInput, match="sessions you attended"):
        await followup.record_feedback(uow, user=b, answers=FeedbackAnswers(bb.id, 5, None), now=ended)
    assert clinic_state(uow) == before


async def test_sync_creates_the_weeks_ahead_once_and_reports_unknown_coaches(uow, content):
    coach = await person(uow, 1)
    series = replace(content.clinics.series[0], coach="aad-1", weeks_ahead=4)
    other = replace(content.clinics.series[1], coach="nobody", key="x")
    report = await sessions.sync_clinics(
        uow, content=content.with_part("clinics", replace(content.clinics, series=(series, other))), now=NOW
    )
    assert report.created == 4 and report.problems and "nobody" in report.problems[0]
    starts = sorted(s.starts_at.astimezone(LONDON) for s in uow.db.sessions.values())
    assert all(s.weekday() == series.weekday and s.time() == series.start for s in starts)
    assert all(s.coaches[0].user_id == coach.id for s in uow.db.sessions.values())
    again = await sessions.sync_clinics(
        uow, content=content.with_part("clinics", replace(content.clinics, series=(series,))), now=NOW
    )
    assert (again.created, again.unchanged) == (0, 4)


def test_series_keep_local_time_across_the_october_change(content):
    series = replace(content.clinics.series[0], weekday=0, start=time(12, 30), weeks_ahead=3)
    starts = sessions.series_starts(series, tz=LONDON, now=datetime(2026, 10, 14, tzinfo=UTC))
    assert [s.astimezone(LONDON).time() for s in starts] == [time(12, 30)] * 3
    assert [s.hour for s in starts] == [11, 12, 12]  # 19 October in BST; 26 October (clocks back) and 2 November in GMT


# --- the waitlist's one order, and what a person may do --------------------------------------------------------


async def test_waitlist_position_is_the_order_the_freed_seats_follow(uow, content):
    session = add_session(uow, capacity=1)
    booked, b, c, d = [await person(uow, n) for n in range(1, 5)]
    first = await book(uow, content, booked, session)
    waiting = [await book(uow, content, who, session, join_waitlist=True) for who in (b, c, d)]
    positions = [
        (await booking_view(uow, user=who, booking_id=w.id, now=NOW)).waitlist_position
        for who, w in zip((b, c, d), waiting, strict=True)
    ]
    assert positions == [1, 2, 3]
    assert (await booking_view(uow, user=booked, booking_id=first.id, now=NOW)).waitlist_position is None
    await cancel_booking(uow, user=c, booking_id=waiting[1].id, content=content, messages=MESSAGES, now=NOW)
    assert [v.waitlist_position for v in await my_bookings(uow, user=d, now=NOW)] == [2]
    result = await cancel_booking(uow, user=booked, booking_id=first.id, content=content, messages=MESSAGES, now=NOW)
    assert result.promoted.id == waiting[0].id  # number 1 got the seat
    assert [v.waitlist_position for v in await my_bookings(uow, user=d, now=NOW)] == [1]


async def test_what_a_person_may_cancel_is_decided_with_the_view(uow, content):
    soon = add_session(uow, starts_at=NOW + timedelta(hours=2))
    later = add_session(uow)
    user, stranger = await person(uow, 1), await person(uow, 2)
    now_booked = await book(uow, content, user, soon)
    await book(uow, content, user, later)
    assert [v.can_cancel for v in await my_bookings(uow, user=user, now=NOW)] == [True, True]
    started = await booking_view(uow, user=user, booking_id=now_booked.id, now=soon.starts_at + timedelta(minutes=5))
    assert started.confirmed and not started.can_cancel
    with pytest.raises(BookingClosed):
        await cancel_booking(
            uow, user=user, booking_id=now_booked.id, content=content, messages=MESSAGES, now=soon.starts_at
        )
    await cancel_booking(uow, user=user, booking_id=now_booked.id, content=content, messages=MESSAGES, now=NOW)
    gone = await booking_view(uow, user=user, booking_id=now_booked.id, now=NOW)
    assert gone.cancelled and not gone.can_cancel
    with pytest.raises(NotFound):
        await booking_view(uow, user=stranger, booking_id=now_booked.id, now=NOW)


async def test_only_admins_are_offered_to_cancel_a_session(uow, content):
    add_session(uow, capacity=1)
    staff, admin = await person(uow, 1), await person(uow, 2)
    admin = replace(admin, roles=frozenset({Role.STAFF, Role.ADMIN}))
    assert [
        o.can_cancel_session
        for o in (await browse(uow, user=staff, site="basildon", content=content, now=NOW)).sessions
    ] == [False]
    listing = await browse(uow, user=admin, site="nowhere", content=content, now=NOW)
    assert listing.site == content.organisation.sites[0].id == "basildon"  # an unknown site: the first
    assert [o.can_cancel_session for o in listing.sessions] == [True]


async def test_the_form_offers_and_accepts_only_the_persons_registered_projects(uow, content):
    user = await person(uow, 1)
    uow.projects.add(Project(id=501, lead_id=user.id, status=ProjectStatus.ACTIVE, wizard_step=6, title="Falls"))
    uow.projects.add(Project(id=502, lead_id=user.id, status=ProjectStatus.DRAFT, wizard_step=2, title="Draft"))
    uow.projects.add(Project(id=503, lead_id=999, status=ProjectStatus.ACTIVE, wizard_step=6, title="Not mine"))
    session = add_session(uow, capacity=1)
    intake = await start_booking(uow, user=user, session_id=session.id, waitlist=False, content=content, now=NOW)
    assert intake.projects == [(501, "Falls")] and not intake.waitlist
    before = clinic_state(uow)
    for other in (502, 503):
        with pytest.raises(InvalidAnswer, match="one of your own projects") as refused:
            await book(uow, content, user, session, project_id=other)
        assert refused.value.field == "project_id"
    assert clinic_state(uow) == before
    booked = await book(uow, content, user, session, project_id=501)
    assert booked.project_id == 501
    other = await person(uow, 2)
    full = await start_booking(uow, user=other, session_id=session.id, waitlist=False, content=content, now=NOW)
    assert full.waitlist  # a full session's form is for its waitlist


@pytest.mark.parametrize(
    "answers, field",
    [
        (dict(help_with=None), "help_with"),
        (dict(question="x" * 501), "question"),
        (dict(question=["a list"]), "question"),
    ],
)
async def test_a_refused_answer_names_its_field_and_changes_nothing(uow, content, answers, field):
    session = add_session(uow)
    user = await person(uow, 1)
    before = clinic_state(uow)
    with pytest.raises(InvalidAnswer) as refused:
        await book(uow, content, user, session, **answers)
    assert refused.value.field == field
    assert clinic_state(uow) == before


async def test_a_session_cancelled_twice_tells_nobody_again_and_a_long_reason_is_refused(uow, content):
    session = add_session(uow)
    user, admin = await person(uow, 1), await person(uow, 2)
    admin = replace(admin, roles=frozenset({Role.STAFF, Role.ADMIN}))
    await book(uow, content, user, session)
    before = clinic_state(uow)
    with pytest.raises(InvalidAnswer, match="300 characters") as refused:
        await sessions.cancel_session(
            uow, user=admin, session_id=session.id, reason="x" * 301, content=content, messages=MESSAGES, now=NOW
        )
    assert refused.value.field == "reason" and clinic_state(uow) == before
    args = dict(user=admin, session_id=session.id, reason=None, content=content, messages=MESSAGES, now=NOW)
    assert (await sessions.cancel_session(uow, **args)).told == 1
    assert outbox_texts(uow) == [f"cancelled {session.id}: The session had to be cancelled."]
    assert (await sessions.cancel_session(uow, **args)).told == 0


async def test_the_list_says_which_sessions_i_hold_a_place_on_and_whether_i_am_at_the_limit(uow, content):
    user, other = await person(uow, 1), await person(uow, 2)
    limit = content.clinics.rules.max_future_bookings
    sessions = [add_session(uow, starts_at=NOW + timedelta(days=2 + day)) for day in range(limit + 1)]
    listing = await browse(uow, user=user, site="basildon", content=content, now=NOW)
    assert not listing.at_limit and all(option.can_book and option.mine is None for option in listing.sessions)
    for session in sessions[:limit]:
        await book(uow, content, user, session)
    await book(uow, content, other, sessions[-1])
    listing = await browse(uow, user=user, site="basildon", content=content, now=NOW)
    assert listing.at_limit and listing.max_bookings == limit
    held = [option.session.id for option in listing.sessions if not option.can_book]
    assert held == [s.id for s in sessions[:limit]]
    assert all(option.mine.confirmed for option in listing.sessions if option.mine)
    assert not (await browse(uow, user=other, site="basildon", content=content, now=NOW)).at_limit


async def test_the_booking_form_is_refused_before_any_question_at_the_limit_or_on_a_place_held(uow, content):
    user = await person(uow, 1)
    limit = content.clinics.rules.max_future_bookings
    sessions = [add_session(uow, starts_at=NOW + timedelta(days=2 + day)) for day in range(limit + 1)]
    for session in sessions[:limit]:
        await book(uow, content, user, session)
    before = clinic_state(uow)
    with pytest.raises(AlreadyBooked, match="already have a place"):
        await start_booking(uow, user=user, session_id=sessions[0].id, waitlist=False, content=content, now=NOW)
    with pytest.raises(TooManyBookings, match=f"{limit} upcoming clinic bookings, the most you can hold"):
        await start_booking(uow, user=user, session_id=sessions[-1].id, waitlist=False, content=content, now=NOW)
    assert clinic_state(uow) == before


async def test_the_cancel_question_is_only_for_the_owner_or_an_admin_and_changes_nothing(uow, content):
    owner, stranger = await person(uow, 1), await person(uow, 2)
    admin = replace(await person(uow, 3), roles=frozenset({Role.STAFF, Role.ADMIN}))
    session = add_session(uow)
    booking = await book(uow, content, owner, session)
    before = clinic_state(uow)
    view = await booking_to_cancel(uow, user=owner, booking_id=booking.id, now=NOW)
    assert view.can_cancel and view.confirmed and clinic_state(uow) == before
    assert (await booking_to_cancel(uow, user=admin, booking_id=booking.id, now=NOW)).can_cancel
    with pytest.raises(NotAllowed, match="not yours"):
        await booking_to_cancel(uow, user=stranger, booking_id=booking.id, now=NOW)
    with pytest.raises(NotFound):
        await booking_to_cancel(uow, user=owner, booking_id=booking.id + 999, now=NOW)
    with pytest.raises(BookingClosed, match="already started"):
        await booking_to_cancel(uow, user=owner, booking_id=booking.id, now=session.starts_at)
    assert clinic_state(uow) == before
