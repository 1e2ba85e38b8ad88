"""How a set and its meetings read on every card, message and calendar file."""

from __future__ import annotations

from core.kernel.content import Content
from core.sets.model import ActionSet, Meeting, Pattern

STALE = "That card is out of date. Please start again with **my sets**."
CROSS_SITE = "cross"
WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


def when(meeting: Meeting, content: Content) -> str:
    """ "Thu 7 Jan, 14:00-16:00" in local time."""
    tz = content.organisation.timezone
    start, end = meeting.starts_at.astimezone(tz), meeting.ends_at.astimezone(tz)
    return f"{start:%a} {start.day} {start:%b}, {start:%H:%M}-{end:%H:%M}"


def where(set_: ActionSet) -> str:
    pattern = set_.pattern
    if pattern.venue and pattern.online_url:
        return f"{pattern.venue} or online (Teams)"
    return pattern.venue or "online (Teams)"


def site(set_: ActionSet, content: Content) -> str:
    return "Cross-site" if set_.site is None else content.organisation.label("sites", set_.site)


def pattern_text(pattern: Pattern) -> str:
    """ "Every 4 weeks on Thursdays at 14:00, 6 meetings from 7 Jan 2027" """
    day = WEEKDAYS[pattern.first_date.weekday()]
    first = f"{pattern.first_date.day} {pattern.first_date:%b %Y}"
    every = f"Every {pattern.every_weeks} weeks on {day} at {pattern.local_time:%H:%M}"
    return f"{every}, {pattern.meetings} meetings from {first}"


def placeholders(set_: ActionSet, meeting: Meeting | None, content: Content) -> dict[str, str]:
    """The values content/sets.yaml's wording may use: {set}, {when}, {where} ({name} is given by the caller)."""
    return {"set": set_.name, "when": when(meeting, content) if meeting else "", "where": where(set_)}


def say(content: Content, key: str, set_: ActionSet, meeting: Meeting | None = None, **values: str) -> str:
    return content.sets.say(key, **placeholders(set_, meeting, content), **values)


def join_button(set_: ActionSet) -> list[dict]:
    if not set_.pattern.online_url:
        return []
    return [{"type": "Action.OpenUrl", "title": "Join online", "url": set_.pattern.online_url}]
