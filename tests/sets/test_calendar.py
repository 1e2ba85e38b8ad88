"""Add to calendar for a set meeting: an RFC 5545 file through an unguessable, expiring signed link, with the time,
place and join link but never the presenter's issue."""

import pytest
from icalendar import Calendar

from bot import keys
from core.sets import meetings
from dialogs.sets.pages import CALENDAR
from tests.sets.data import NOW, make_set


@pytest.fixture
async def meeting(uows, content, clock):
    clock.set(NOW)
    async with uows() as uow:
        created, _, people = await make_set(uow, content, members=5)
        first = (await uow.sets.meetings(created.id))[0]
        await meetings.write_issue(uow, user=people[0], meeting_id=first.id, issue="A private worry.", now=NOW)
        await uow.commit()
    return first


def link(client, meeting):
    url = client.app[keys.LINKS].url(CALENDAR, {"m": meeting.id}, expires_at=meeting.ends_at)
    return url.split("127.0.0.1:3978", 1)[1]


async def test_the_calendar_file_has_the_meeting_and_not_its_issue(client, meeting):
    response = await client.get(link(client, meeting))
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/calendar")
    body = await response.read()
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert event.decoded("dtstart") == meeting.starts_at and event.decoded("dtend") == meeting.ends_at
    assert str(event["uid"]) == f"set-meeting-{meeting.id}@qi-companion"
    assert str(event["summary"]) == "Action learning set: Ward leaders set (meeting 1)"
    assert "Education Centre, room 2" in str(event["location"])
    assert "https://teams.microsoft.com/l/meetup-join/set" in str(event["description"])
    assert b"private worry" not in body


async def test_a_forged_link_is_refused_and_the_link_expires(client, meeting, clock):
    path = link(client, meeting)
    token = path.removeprefix("/sets/calendar/").removesuffix(".ics")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (await client.get(f"/sets/calendar/{tampered}.ics")).status == 404
    clock.set(meeting.ends_at.replace(minute=1))
    assert (await client.get(path)).status == 404
