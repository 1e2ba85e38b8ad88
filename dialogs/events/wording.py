"""How an event reads on every card, message and calendar file: when, where, places left, and form input."""

from __future__ import annotations

import re
from datetime import date, time

from core.events.model import Event, EventDate
from core.kernel.content import Content
from dialogs.kit import cards

STALE = "That card is out of date. Please start again with **events**."
TRUST_WIDE = "trust"  # the site choice for an event not at one site
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
CLOCK = re.compile(r"\d{2}:\d{2}")


def when(d: EventDate, content: Content) -> str:
    tz = content.organisation.timezone
    start, end = d.starts_at.astimezone(tz), d.ends_at.astimezone(tz)
    return f"{start:%a} {start.day} {start:%b} {start:%Y}, {start:%H:%M}-{end:%H:%M}"


def event_when(event: Event, content: Content) -> str:
    if len(event.dates) == 1:
        return when(event.dates[0], content)
    return f"{len(event.dates)} dates from {when(event.dates[0], content)}"


def where(event: Event) -> str:
    if event.venue and event.online_url:
        return f"{event.venue} or online (Teams)"
    return event.venue or "online (Teams)"


def site(event: Event, content: Content) -> str:
    return content.organisation.label("sites", event.site) if event.site else "Trust-wide"


def date_label(event: Event, d: EventDate) -> str:
    return f"day {d.position} of {len(event.dates)}" if len(event.dates) > 1 else "one day"


def month_of(event: Event, content: Content) -> str:
    return f"{event.starts_at.astimezone(content.organisation.timezone):%B %Y}"


def places(event: Event) -> tuple[str, str]:
    """The places line and its colour: the default, since Teams' green, amber and red text fail WCAG AA in one of its
    themes (tests/kernel/test_contrast.py); the words carry the meaning."""
    if event.seats_left == 0:
        return "Full: join the waitlist", "Default"
    if event.seats_left <= 3:
        return f"Only {event.seats_left} places left", "Default"
    return f"{event.seats_left} of {event.capacity} places left", "Default"


def placeholders(event: Event, d: EventDate, content: Content) -> dict[str, str]:
    """The values content/events.yaml's message wording may use: {title}, {when}, {where}, {date}."""
    return {"title": event.title, "when": when(d, content), "where": where(event), "date": date_label(event, d)}


def event_facts(event: Event, content: Content) -> cards.Element:
    pairs = [("When", when(d, content)) for d in event.dates]
    if len(pairs) > 1:
        pairs = [(f"Day {d.position}", when(d, content)) for d in event.dates]
    return cards.facts([*pairs, ("Where", where(event)), ("Site", site(event, content))])


def join_button(event: Event) -> list[cards.Element]:
    if not event.online_url:
        return []
    return [{"type": "Action.OpenUrl", "title": "Join online", "url": event.online_url}]


def text(data: dict, key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) else None


def day(data: dict, key: str) -> date | None:
    value = text(data, key)
    if value and DAY.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def clock(data: dict, key: str) -> time | None:
    value = text(data, key)
    if value and CLOCK.fullmatch(value.strip()):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
