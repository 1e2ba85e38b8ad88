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
