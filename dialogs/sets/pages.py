"""The `.ics` for a set meeting (RFC 5545, built with icalendar), behind a link that expires when the meeting
ends. It holds the time, the place and the join link, never the presenter's issue (a calendar file travels)."""

from __future__ import annotations

from core.kernel.content import Content
from core.kernel.pages import Page, PageError, PageRequest, PageResult
from core.sets.membership import calendar_meeting
from core.sets.model import ActionSet, Meeting
from dialogs.kit.calendar import calendar_file
from dialogs.sets.wording import site, where


def meeting_calendar(set_: ActionSet, meeting: Meeting, content: Content, *, stamp) -> bytes:
    lines = [
        f"Action learning set {set_.name} ({site(set_, content)}), "
        f"facilitated by {set_.facilitator_name or 'your facilitator'}."
    ]
    if set_.pattern.online_url:
        lines.append(f"Join online: {set_.pattern.online_url}")
    lines.append("What is said in the set stays in the set. Type 'my sets' to QI Companion in Teams.")
    return calendar_file(
        product="Action learning set",
        uid=f"set-meeting-{meeting.id}",
        stamp=stamp,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=f"Action learning set: {set_.name} (meeting {meeting.number})",
        location=where(set_) if set_.pattern.venue else (set_.pattern.online_url or "Online"),
        description=lines,
        url=set_.pattern.online_url,
    )


async def _calendar(request: PageRequest) -> PageResult:
    found = await calendar_meeting(request.uow, meeting_id=request.claims["m"])
    if found is None:
        raise PageError(404, "This meeting no longer exists.")
    set_, meeting = found
    if not set_.active:
        raise PageError(410, "This set is not running.")
    body = meeting_calendar(set_, meeting, request.content, stamp=request.now)
    day = meeting.starts_at.astimezone(request.content.organisation.timezone)
    return PageResult(body, "text/calendar; charset=utf-8", filename=f"action-learning-set-{day:%Y-%m-%d}.ics")


CALENDAR = Page("sets.calendar", "/sets/calendar/{token}.ics", _calendar, claims=("m",))
PAGES = (CALENDAR,)
