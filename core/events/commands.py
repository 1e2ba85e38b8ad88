"""What people ask the event services to do, as typed values (card input ids stop at the dialog)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from core.kernel.errors import DomainError, InvalidInput


@dataclass(frozen=True)
class EventDetails:
    """An event as an admin or facilitator creates or edits it. Dates and times are local (Europe/London)."""

    template: str
    title: str | None
    site: str | None  # None: trust-wide / online only
    venue: str | None
    online_url: str | None
    capacity: int | None
    dates: tuple[date | None, ...]  # one per date of the template (a Practitioner cohort: five)
    starts: time | None
    ends: time | None
    closes_on: date | None  # registration closes at the end of this day; None: the content's default
    abstracts_close_on: date | None = None  # the celebration day only


@dataclass(frozen=True)
class EventChanges:
    event_id: int
    title: str | None
    venue: str | None
    online_url: str | None
    capacity: int | None
    closes_on: date | None


@dataclass(frozen=True)
class RegistrationRequest:
    event_id: int
    answers: dict[str, object] = field(default_factory=dict)  # question id -> what the card sent
    join_waitlist: bool = False


@dataclass(frozen=True)
class AbstractText:
    abstract_id: int
    title: str | None
    aim: str | None
    measures: str | None
    changes: str | None
    results: str | None
    lessons: str | None
    format: str | None  # poster | presentation


@dataclass(frozen=True)
class ScoreSheet:
    abstract_id: int
    scores: dict[str, int | None]  # criterion id -> 1..4 (None: not given)
    comment: str | None = None


@dataclass(frozen=True)
class FeedbackAnswers:
    registration_id: int
    rating: int | None  # 1 (poor) to 5 (excellent)
    comment: str | None = None


class InvalidAnswer(InvalidInput):
    """One answer of a form was refused; `field` names the command's field, so the form shows the message there."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class AlreadyRegistered(DomainError):
    pass


class EventFull(DomainError):
    pass


class RegistrationClosed(DomainError):
    pass


class NotEligible(DomainError):
    pass


class Conflicted(DomainError):
    """A judge may not score this abstract (their own site's team or their own project)."""
