"""One `.ics` file (RFC 5545, built with icalendar) for a booked time: a clinic session, an event date, a set
meeting. Each capability says what goes in it; the file's shape is the same for all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from icalendar import Calendar, Event, vText


def calendar_file(
    *,
    product: str,
    uid: str,
    stamp: datetime,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    location: str,
    description: Sequence[str],
    url: str | None = None,
) -> bytes:
    """A published calendar with one event; `description` is its lines, `url` the online join link if any."""
    calendar = Calendar()
    calendar.add("prodid", f"-//QI Companion//{product}//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{uid}@qi-companion")
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", summary)
    event["location"] = vText(location)
    event.add("description", "\n".join(description))
    if url:
        event.add("url", url)
    calendar.add_component(event)
    return calendar.to_ical()
