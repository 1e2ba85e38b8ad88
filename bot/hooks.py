"""Wiring between capabilities, done here in the composition root so that no capability imports another: the
events' hooks ("registered", "attended first date", "completed") fire the surveys' triggers.

- a confirmed place on a course -> "course_registered": the self-efficacy "before" survey;
- a course date attended (its first) -> "course_date_attended": the course feedback survey, when the course is
  over, for completers and for those who came but did not complete (one campaign per course);
- a course completed (every date attended) -> "course_attended": the "after" survey and its follow-up 3 months
  later;
- attending the celebration day -> "celebration_day", a webinar -> "webinar_attended": the feedback survey.

What comes after an event opens when the event is over. Each trigger invites a person at most once (the surveys'
unique constraints), so a double tap, a waitlist promotion after a cancellation, or a register mark corrected back
and forth asks once.
"""

from __future__ import annotations

from typing import Any

from core.events import hooks as event_hooks
from core.events.hooks import HOOKS, Happened
from core.events.model import EventKind
from core.kernel.content import Content
from core.surveys.campaigns import survey_trigger

_wired: list[tuple[str, Any]] = []  # what wire() subscribed, so wiring again (a new app in tests) replaces it


def _trigger(kind: EventKind, hook: str) -> str | None:
    if kind == EventKind.COURSE:
        return {
            event_hooks.REGISTERED: "course_registered",
            event_hooks.ATTENDED_FIRST_DATE: "course_date_attended",
            event_hooks.COMPLETED: "course_attended",
        }.get(hook)
    if hook == event_hooks.ATTENDED_FIRST_DATE:
        return {EventKind.CELEBRATION: "celebration_day", EventKind.WEBINAR: "webinar_attended"}.get(kind)
    return None


def surveys_on_events(content: Content):
    """The hook that turns what happened on an event into a survey trigger, in the same unit of work."""

    async def on_event(uow: Any, happened: Happened) -> None:
        event = await uow.events.get_event(happened.event_id)
        trigger = _trigger(event.kind, happened.name) if event is not None else None
        if trigger is None:
            return
        # What comes after an event opens when it is over, not at the check-in that completed it.
        occurred_at = happened.at if trigger == "course_registered" else max(happened.at, event.ends_at)
        await survey_trigger(
            uow,
            user_id=happened.user_id,
            trigger=trigger,
            content=content,
            now=happened.at,
            occurred_at=occurred_at,
            occasion=f"event:{event.id}",
        )

    return on_event


def wire(content: Content) -> None:
    """Subscribe the cross-capability hooks for this content (idempotent: a second call replaces the first)."""
    unwire()
    for name in event_hooks.NAMES:
        hook = surveys_on_events(content)
        HOOKS.subscribe(name, hook)
        _wired.append((name, hook))


def unwire() -> None:
    while _wired:
        name, hook = _wired.pop()
        HOOKS.unsubscribe(name, hook)
