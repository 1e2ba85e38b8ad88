"""Add to calendar: an RFC 5545 file through an unguessable, expiring signed link."""

from datetime import timedelta

import pytest
from icalendar import Calendar

from bot import keys
from core.clinics.model import BookingStatus
from core.kernel.contacts import record_contact
from dialogs.clinics.pages import CALENDAR
from tests.clinics.data import add_booking
from tests.fakes import teams_address


@pytest.fixture
async def booking(uows, clock):
    async with uows() as uow:
        user = (await record_contact(uow, address=teams_address(1), now=clock.now())).user
        start = clock.now() + timedelta(days=2)
        session_id = await uow.clinics.add_session(
            site="broomfield",
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            capacity=3,
            coach_ids=[user.id],
            venue="Library seminar room",
            online_url="https://teams.microsoft.com/l/x",
            focus="Run charts",
            now=clock.now(),
        )
        await uow.clinics.take_seat(session_id)
        booking = await add_booking(
            uow,
            session_id=session_id,
            user_id=user.id,
            help_with="measurement",
            question="Is my median right?",
            now=clock.now(),
        )
        await uow.commit()
        return booking, await uow.clinics.get_session(session_id)


def link(client, booking, session):
    url = client.app[keys.LINKS].url(CALENDAR, {"b": booking.id}, expires_at=session.ends_at)
    return url.split("127.0.0.1:3978", 1)[1]


async def test_calendar_file_parses_back_with_the_booking(client, booking):
    booking, session = booking
    response = await client.get(link(client, booking, session))
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(await response.read())
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == session.starts_at
    assert event.decoded("dtend") == session.ends_at
    assert str(event["uid"]) == f"clinic-booking-{booking.id}@qi-companion"
    assert str(event["summary"]) == "QI clinic with User 1: Run charts"
    assert "Library seminar room" in str(event["location"])
    assert "Is my median right?" in str(event["description"])


async def test_a_forged_or_altered_link_is_refused(client, booking):
    booking, session = booking
    path = link(client, booking, session)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (await client.get(f"/calendar/{tampered}.ics")).status == 404
    assert (await client.get("/calendar/1.ics")).status == 404


async def test_the_link_expires_when_the_session_is_over(client, booking, clock):
    booking, session = booking
    path = link(client, booking, session)
    clock.set(session.ends_at + timedelta(minutes=1))
    response = await client.get(path)
    assert response.status == 404 and "expired" in (await response.json())["error"]


async def test_a_cancelled_booking_has_no_calendar_file(client, booking, uows, clock):
    booking, session = booking
    async with uows() as uow:
        await uow.clinics.set_booking_status(booking.id, BookingStatus.CANCELLED, now=clock.now())
        await uow.commit()
    assert (await client.get(link(client, booking, session))).status == 410
