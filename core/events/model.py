"""Events: an event (a course, webinar or the celebration day) with one or more dates, registrations with the
waitlist, attendance per date, training attended, and the celebration day's abstracts, scores and votes."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


class EventKind(enum.StrEnum):
    COURSE = "course"
    WEBINAR = "webinar"
    CELEBRATION = "celebration"


class EventStatus(enum.StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Mark(enum.StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class AbstractStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Format(enum.StrEnum):
    POSTER = "poster"
    PRESENTATION = "presentation"


@dataclass(frozen=True)
class EventDate:
    id: int
    event_id: int
    position: int  # 1, 2, ... in time order
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Event:
    id: int
    template: str  # a template id in content/events.yaml
    kind: EventKind
    title: str
    site: str | None  # None: trust-wide or online only
    venue: str | None
    online_url: str | None
    capacity: int
    seats_taken: int
    registration_closes_at: datetime
    status: EventStatus
    dates: tuple[EventDate, ...]
    created_by: int | None = None
    abstracts_close_at: datetime | None = None  # the celebration day: abstracts are submitted until then
    voting_closes_at: datetime | None = None  # the celebration day: the people's choice vote closes then
    results_announced_at: datetime | None = None

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)

    @property
    def starts_at(self) -> datetime:
        return self.dates[0].starts_at

    @property
    def ends_at(self) -> datetime:
        return self.dates[-1].ends_at

    @property
    def cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    def date(self, date_id: int) -> EventDate | None:
        return next((d for d in self.dates if d.id == date_id), None)


@dataclass(frozen=True)
class Registration:
    id: int
    event_id: int
    user_id: int
    status: RegistrationStatus
    answers: dict[str, str]  # question id -> answer ("yes" for a ticked confirm)
    created_at: datetime
    user_name: str | None = None
    user_site: str | None = None
    user_staff_group: str | None = None

    @property
    def active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


@dataclass(frozen=True)
class AttendanceMark:
    registration_id: int
    date_id: int
    mark: Mark
    method: str  # register (the facilitator's card) | qr (checked in at the venue)


@dataclass(frozen=True)
class TrainingRecord:
    """A course completed (every date attended): the programme's "staff attending training", dated."""

    user_id: int
    event_id: int
    course: str  # the template id, e.g. fundamentals
    completed_on: date


@dataclass(frozen=True)
class Abstract:
    id: int
    event_id: int
    project_id: int
    lead_id: int
    site: str | None
    division: str | None
    title: str
    aim: str | None
    measures: str | None
    changes: str | None
    results: str | None
    lessons: str | None
    format: Format
    status: AbstractStatus
    submitted_at: datetime | None = None
    lead_name: str | None = None


@dataclass(frozen=True)
class Score:
    abstract_id: int
    judge_id: int
    scores: dict[str, int]  # rubric criterion id -> 1..4
    comment: str | None = None

    @property
    def total(self) -> int:
        return sum(self.scores.values())


@dataclass(frozen=True)
class Person:
    """Someone an admin may pick as a judge."""

    id: int
    name: str
    site: str | None


# --- what the services return: the data a card shows, with what the person may do decided once ----------------


@dataclass(frozen=True)
class EventOption:
    """An event on the list. `registration`: the person's own active place, if any."""

    event: Event
    full: bool
    registration: Registration | None
    eligible: bool
    why_not: str | None  # why the person cannot register (closed, not eligible), shown instead of the button

    @property
    def can_register(self) -> bool:
        return self.registration is None and self.why_not is None


@dataclass(frozen=True)
class Listing:
    site: str | None  # None: every site
    options: list[EventOption]


@dataclass(frozen=True)
class RegistrationForm:
    event: Event
    waitlist: bool
    questions: tuple  # core.events.content.Question


@dataclass(frozen=True)
class RegistrationView:
    registration: Registration
    event: Event
    waitlist_position: int | None
    can_cancel: bool

    @property
    def confirmed(self) -> bool:
        return self.registration.status == RegistrationStatus.CONFIRMED and not self.event.cancelled


@dataclass(frozen=True)
class Cancellation:
    registration: Registration
    event: Event
    already: bool = False
    promoted: Registration | None = None


@dataclass(frozen=True)
class RegisterRow:
    registration: Registration
    mark: AttendanceMark | None


@dataclass(frozen=True)
class RegisterSheet:
    """One date's register as the facilitator sees it."""

    event: Event
    date: EventDate
    rows: list[RegisterRow]
    can_mark: bool  # the date has started
    checkin_open: bool  # QR check-in is open now

    @property
    def attended(self) -> int:
        return sum(1 for r in self.rows if r.mark and r.mark.mark == Mark.ATTENDED)


@dataclass(frozen=True)
class CheckIn:
    event: Event
    date: EventDate
    already: bool
    completed: bool  # this check-in completed the course


@dataclass(frozen=True)
class ManagedEvent:
    """An event on the faculty's list, with what this person may do to it."""

    event: Event
    confirmed: int
    waiting: int
    can_edit: bool
    can_judge_admin: bool  # assign judges, see results, announce (admins, celebration days)
    can_export: bool


@dataclass(frozen=True)
class AbstractSource:
    """A project the lead may write an abstract from, and the abstract already started for it."""

    project_id: int
    title: str
    abstract: Abstract | None


@dataclass(frozen=True)
class AbstractDraftView:
    event: Event
    abstract: Abstract
    can_edit: bool  # before the deadline, by its lead
    words: int
    word_limit: int
    poster: Poster | None = None  # the poster file sent for it (without its bytes)
    poster_max_bytes: int = 0


@dataclass(frozen=True)
class JudgeItem:
    abstract: Abstract
    mine: Score | None  # the judge's own score; nobody else's is shown
    poster: Poster | None = None  # the poster file, for the score card (without its bytes)


@dataclass(frozen=True)
class AbstractResult:
    abstract: Abstract
    judges: int  # how many judges scored it
    mean_total: float | None
    means: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Results:
    event: Event
    complete: bool  # every judge has scored every abstract they may score
    missing: int  # scores still to come
    by_format: dict[str, list[AbstractResult]]  # poster / presentation, best first
    peoples_choice: list[Abstract]  # the most-voted poster(s); ties share it
    voting_closed: bool


@dataclass(frozen=True)
class Poster:
    """The poster file of an abstract (PDF or PNG); `data` is loaded only when the file itself is served."""

    abstract_id: int
    filename: str
    content_type: str  # application/pdf | image/png, from the file's own bytes
    size: int
    sha256: str
    uploaded_by: int
    uploaded_at: datetime
    data: bytes | None = None
