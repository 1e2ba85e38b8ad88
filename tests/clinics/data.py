"""Clinic sessions for tests: straight into the fake database, for service tests and transcripts alike."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from core.clinics.model import Booking, BookingStatus, ClinicSession, Coach, SessionStatus


def add_session_to(
    uow,
    *,
    starts_at: datetime,
    capacity: int = 2,
    coach_id: int | None = None,
    coach_name: str = "Coach",
    site: str = "basildon",
    minutes: int = 60,
    venue: str = "QI hub",
    online: str | None = None,
    focus: str | None = None,
) -> ClinicSession:
    """A scheduled session in a fake unit of work's database, with one coach if `coach_id` is given."""
    return uow.clinics.add(
        ClinicSession(
            id=next(uow.db.ids),
            site=site,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            capacity=capacity,
            seats_taken=0,
            venue=venue,
            online_url=online,
            focus=focus,
            status=SessionStatus.SCHEDULED,
            coaches=(Coach(coach_id, coach_name),) if coach_id else (),
        )
    )


def add_session(chat, *, capacity=3, days=2, site="basildon", coach_id=None, online=None) -> ClinicSession:
    """For transcripts: a 12:30 session `days` after the chat's clock, coached by Amira Shah."""
    starts = chat.clock.now().replace(hour=12, minute=30) + timedelta(days=days)
    return add_session_to(
        chat.uow,
        starts_at=starts,
        capacity=capacity,
        coach_id=coach_id or 999,
        coach_name="Amira Shah",
        site=site,
        venue="QI hub, Education Centre",
        online=online,
        focus="Measurement",
    )


async def add_booking(
    uow,
    *,
    session_id: int,
    user_id: int,
    now: datetime,
    status: BookingStatus = BookingStatus.CONFIRMED,
    help_with: str = "other",
    question: str | None = None,
) -> Booking:
    """A booking straight through the repository (fake or SQL), without the booking rules."""
    return await uow.clinics.add_booking(
        session_id=session_id,
        user_id=user_id,
        status=status,
        help_with=help_with,
        project_id=None,
        question=question,
        now=now,
    )


def clinic_state(uow) -> dict:
    """What a clinic action can change in the fake database (sessions, bookings, feedback, the outbox), to compare
    before and after a refused action."""
    return copy.deepcopy({key: uow.db.__dict__.get(key, {}) for key in ("sessions", "bookings", "feedback", "outbox")})
