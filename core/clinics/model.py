"""QI clinics: sessions with coaches, bookings and the waitlist."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class BookingStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class Attendance(enum.StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"


@dataclass(frozen=True)
class Coach:
    user_id: int
    name: str


@dataclass(frozen=True)
class ClinicSession:
    id: int
    site: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    seats_taken: int
    venue: str | None
    online_url: str | None
    focus: str | None
    status: SessionStatus
    coaches: tuple[Coach, ...] = ()
    series_key: str | None = None

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)

    @property
    def cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


@dataclass(frozen=True)
class Booking:
    id: int
    session_id: int
    user_id: int
    status: BookingStatus
    help_with: str
    project_id: int | None
    question: str | None
    created_at: datetime
    attendance: Attendance | None = None
    user_name: str | None = None


# --- what the services return: the data a card shows, with what the person may do decided once ----------------


@dataclass(frozen=True)
class SessionOption:
    """A session on the booking list. `full`: booking it means joining the waitlist. `mine`: the place the person
    already holds on it (booked or waiting), so the list says so instead of offering it again."""

    session: ClinicSession
    full: bool
    can_cancel_session: bool  # an admin may cancel the whole session
    mine: BookingView | None = None

    @property
    def can_book(self) -> bool:
        return self.mine is None


@dataclass(frozen=True)
class Browse:
    site: str  # the site shown: the one asked for, else the person's own, else the first
    sessions: list[SessionOption]
    at_limit: bool = False  # the person holds the most upcoming bookings allowed: booking another is refused
    max_bookings: int = 3  # content/clinics.yaml booking.max_future_bookings


@dataclass(frozen=True)
class Intake:
    """The booking form for one session: whether it books a seat or a waitlist place, and the person's
    registered projects the booking may be about."""

    session: ClinicSession
    waitlist: bool
    projects: list[tuple[int, str]]  # (project id, title)


@dataclass(frozen=True)
class BookingView:
    """One booking as its owner sees it."""

    booking: Booking
    session: ClinicSession
    waitlist_position: int | None  # 1: the next freed seat is theirs; None unless waitlisted
    can_cancel: bool

    @property
    def cancelled(self) -> bool:
        return self.booking.status == BookingStatus.CANCELLED or self.session.cancelled

    @property
    def confirmed(self) -> bool:
        return self.booking.status == BookingStatus.CONFIRMED and not self.session.cancelled


@dataclass(frozen=True)
class Cancellation:
    booking: Booking
    session: ClinicSession
    already: bool = False  # it was cancelled before: nothing changed
    promoted: Booking | None = None  # who got the freed seat


@dataclass(frozen=True)
class SessionToCancel:
    session: ClinicSession
    people: int  # booked or waiting: each is told


@dataclass(frozen=True)
class SessionCancelled:
    session: ClinicSession
    told: int


@dataclass(frozen=True)
class CoachSession:
    session: ClinicSession
    confirmed: list[Booking]
    waiting: int


@dataclass(frozen=True)
class AttendanceRecord:
    session: ClinicSession
    bookings: list[Booking]  # the confirmed bookings, as now marked
    attended: int
    missed: int
