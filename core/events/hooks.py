"""Hooks for what happens to a person on an event: "registered" (a place is confirmed, also when it comes from
the waitlist), "attended first date" (their attendance on the event's first date is recorded) and "completed"
(every date of a course attended: training recorded).

The surveys capability (a course's pre and post surveys) will subscribe here; nothing does yet. A hook is an
`async def hook(uow, happened)` run inside the same unit of work as the change, so whatever it queues (an outbox
row, a survey invitation) is committed or rolled back with it. "registered" fires when a place is confirmed,
"attended first date" when that date's mark becomes attended, "completed" when the course's training record is
made; a correction (a mark changed back and forth) can fire one again, so subscribers queue with dedupe keys.

Wiring, in the composition root (bot/registry.py or app start-up), for example:

    from core.events.hooks import HOOKS
    HOOKS.subscribe("completed", surveys.invite_post_course)

Hooks must not raise for ordinary reasons; an exception rolls the person's action back with it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

REGISTERED = "registered"
ATTENDED_FIRST_DATE = "attended first date"
COMPLETED = "completed"
NAMES = (REGISTERED, ATTENDED_FIRST_DATE, COMPLETED)


@dataclass(frozen=True)
class Happened:
    name: str  # one of NAMES
    event_id: int
    template: str  # e.g. "fundamentals", so a subscriber can pick its courses
    user_id: int
    registration_id: int
    at: datetime


Hook = Callable[[Any, Happened], Awaitable[None]]


@dataclass
class Hooks:
    subscribers: dict[str, list[Hook]] = field(default_factory=lambda: {name: [] for name in NAMES})

    def subscribe(self, name: str, hook: Hook) -> None:
        if name not in self.subscribers:
            raise ValueError(f"unknown event hook {name!r}: one of {', '.join(NAMES)}")
        self.subscribers[name].append(hook)

    def unsubscribe(self, name: str, hook: Hook) -> None:
        self.subscribers[name].remove(hook)

    async def fire(self, uow: Any, happened: Happened) -> None:
        for hook in list(self.subscribers[happened.name]):
            await hook(uow, happened)


HOOKS = Hooks()  # the one list the services fire; filled by the composition root
