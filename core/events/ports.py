"""What the event services need: their repository and the messages they queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from core.events.model import (
    Abstract,
    AbstractStatus,
    AttendanceMark,
    Event,
    EventDate,
    Format,
    Mark,
    Person,
    Poster,
    Registration,
    RegistrationStatus,
    Score,
    TrainingRecord,
)
from core.kernel.model import OutboundMessage, User


class EventRepository(Protocol):
    # events and their dates
    async def add_event(
        self,
        *,
        template: str,
        kind: str,
        title: str,
        site: str | None,
        venue: str | None,
        online_url: str | None,
        capacity: int,
        registration_closes_at: datetime,
        abstracts_close_at: datetime | None,
        voting_closes_at: datetime | None,
        created_by: int | None,
        dates: Sequence[tuple[datetime, datetime]],
        now: datetime,
    ) -> int: ...
    async def get_event(self, event_id: int, *, lock: bool = False) -> Event | None: ...
    async def list_events(self, *, start: datetime, end: datetime) -> list[Event]:
        """Open events with a date ending in [start, end), soonest first."""
        ...

    async def events_ended(self, *, start: datetime, end: datetime) -> list[Event]:
        """Open events whose last date ended in [start, end]."""
        ...

    async def update_event(
        self,
        event_id: int,
        *,
        title: str,
        venue: str | None,
        online_url: str | None,
        capacity: int,
        registration_closes_at: datetime,
        now: datetime,
    ) -> bool:
        """False when the new capacity is below the places already taken (nothing changes)."""
        ...

    async def get_date(self, date_id: int) -> EventDate | None: ...
    async def take_seat(self, event_id: int) -> bool:
        """Atomically take one place if any is left; False when the event is full."""
        ...

    async def release_seat(self, event_id: int) -> None: ...
    async def set_results_announced(self, event_id: int, *, now: datetime) -> bool: ...

    # registrations
    async def add_registration(
        self, *, event_id: int, user_id: int, status: RegistrationStatus, answers: dict[str, str], now: datetime
    ) -> Registration: ...
    async def get_registration(self, registration_id: int) -> Registration | None: ...
    async def active_registration(self, event_id: int, user_id: int) -> Registration | None: ...
    async def user_registrations(self, user_id: int, *, after: datetime) -> list[tuple[Registration, Event]]: ...
    async def event_registrations(self, event_id: int, *, statuses: Sequence[str] = ...) -> list[Registration]:
        """In their one order: first come, first served (created_at, then id)."""
        ...

    async def set_registration_status(
        self, registration_id: int, status: RegistrationStatus, *, now: datetime
    ) -> None: ...

    # attendance and training
    async def registrations_of(self, event_ids: Sequence[int], *, statuses: Sequence[str] = ...) -> list[Registration]:
        """Many events' registrations in one query, by event, then first come first served."""
        ...

    async def set_mark(self, registration_id: int, date_id: int, mark: Mark, *, method: str, now: datetime) -> None: ...
    async def marks(self, event_id: int) -> list[AttendanceMark]: ...
    async def attended_registrations(self, event_ids: Sequence[int]) -> set[int]:
        """The registrations marked attended on any date of these events."""
        ...

    async def add_training(
        self, *, user_id: int, event_id: int, course: str, completed_on: date, now: datetime
    ) -> bool:
        """True only for the call that recorded it (a course is completed once)."""
        ...

    async def remove_training(self, *, user_id: int, event_id: int) -> bool: ...
    async def training_of(self, user_id: int) -> list[TrainingRecord]: ...
    async def trained_at(self, event_id: int) -> set[int]:
        """The people who completed this event's course (one query for a report, not one per person)."""
        ...

    async def trained_at_events(self, event_ids: Sequence[int]) -> set[tuple[int, int]]:
        """(event, person) for each completion of these events' courses."""
        ...

    async def trained_people(self, *, start: date, end: date) -> int:
        """Distinct people who completed a course in [start, end): the programme's "staff attending training"."""
        ...

    async def training_evidence(
        self, *, courses: Sequence[str] | None = None
    ) -> list[tuple[int, date, str | None, str | None]]:
        """(person, completed on, their site, their staff group) for every course completed (of `courses`, or of
        any course): the programme measures' evidence of training, one query."""
        ...

    async def add_feedback(self, registration_id: int, *, rating: int, comment: str | None, now: datetime) -> bool: ...

    # the celebration day
    async def save_abstract(
        self,
        *,
        event_id: int,
        project_id: int,
        lead_id: int,
        site: str | None,
        division: str | None,
        title: str,
        aim: str | None,
        measures: str | None,
        changes: str | None,
        results: str | None,
        lessons: str | None,
        format: Format,
        now: datetime,
    ) -> Abstract:
        """Create the abstract for (event, project) or return the one that exists (never overwritten here)."""
        ...

    async def update_abstract(
        self,
        abstract_id: int,
        *,
        title: str,
        aim: str | None,
        measures: str | None,
        changes: str | None,
        results: str | None,
        lessons: str | None,
        format: Format,
        status: AbstractStatus,
        now: datetime,
    ) -> None: ...
    async def get_abstract(self, abstract_id: int) -> Abstract | None: ...
    async def save_poster(
        self,
        *,
        abstract_id: int,
        filename: str,
        content_type: str,
        data: bytes,
        sha256: str,
        uploaded_by: int,
        now: datetime,
    ) -> Poster:
        """Store (or replace) the abstract's poster."""
        ...

    async def get_poster(self, abstract_id: int, *, with_data: bool = False) -> Poster | None: ...
    async def event_abstracts(self, event_id: int, *, status: AbstractStatus | None = None) -> list[Abstract]: ...
    async def set_judges(self, event_id: int, user_ids: Sequence[int]) -> None: ...
    async def judges(self, event_id: int) -> list[Person]: ...
    async def judge_candidates(self) -> list[Person]:
        """People with a coach, facilitator or admin role."""
        ...

    async def save_score(
        self, *, abstract_id: int, judge_id: int, scores: dict[str, int], comment: str | None, now: datetime
    ) -> None: ...
    async def event_scores(self, event_id: int) -> list[Score]: ...
    async def cast_vote(self, *, event_id: int, user_id: int, abstract_id: int, now: datetime) -> None:
        """One vote per person per event: a second vote replaces the first (an upsert, safe under concurrency)."""
        ...

    async def vote_of(self, event_id: int, user_id: int) -> int | None: ...
    async def vote_counts(self, event_id: int) -> dict[int, int]: ...

    # admins
    async def log_export(self, *, user_id: int, event_id: int, kind: str, now: datetime) -> None: ...


class EventMessages(Protocol):
    """Renders the event messages the services queue (implemented with cards by dialogs/events/messages.py)."""

    def reminder(self, event: Event, when: EventDate, registration: Registration, which: str) -> OutboundMessage: ...
    def promoted(self, event: Event, registration: Registration) -> OutboundMessage: ...
    def certificate(self, event: Event, user: User, completed_on: date) -> OutboundMessage: ...
    def judge_invite(self, event: Event) -> OutboundMessage: ...
    def results(self, event: Event, results) -> OutboundMessage: ...
