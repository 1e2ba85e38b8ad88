"""Clinic tables: sessions, their coaches, bookings (with the waitlist) and feedback."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from storage.tables import UTC_DT, Id, metadata

clinic_sessions = Table(
    "clinic_sessions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("series_key", String(60), nullable=True),
    Column("site", String(50), nullable=False),
    Column("starts_at", UTC_DT, nullable=False),
    Column("ends_at", UTC_DT, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("seats_taken", Integer, nullable=False, server_default="0"),
    Column("venue", String(200), nullable=True),
    Column("online_url", String(500), nullable=True),
    Column("focus", String(120), nullable=True),
    Column("status", String(12), nullable=False),
    Column("cancel_reason", String(300), nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint("capacity > 0", name="capacity_positive"),
    # The last line of defence for "capacity is never exceeded": seats are taken with a conditional UPDATE.
    CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"),
    CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    CheckConstraint("status IN ('scheduled', 'cancelled')", name="known_status"),
    UniqueConstraint("series_key", "starts_at", name="uq_clinic_sessions_series_start"),
    Index("ix_clinic_sessions_site_start", "site", "starts_at"),
)


clinic_session_coaches = Table(
    "clinic_session_coaches",
    metadata,
    Column("session_id", Id, ForeignKey("clinic_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


clinic_bookings = Table(
    "clinic_bookings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("session_id", Id, ForeignKey("clinic_sessions.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(12), nullable=False),
    Column("help_with", String(40), nullable=False),
    Column("project_id", Id, nullable=True),
    Column("question", Text, nullable=True),
    Column("attendance", String(10), nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name="known_status"),
    CheckConstraint("attendance IS NULL OR attendance IN ('attended', 'no_show')", name="known_attendance"),
    # One active booking (or waitlist place) per person per session.
    Index(
        "uq_clinic_bookings_one_active",
        "session_id",
        "user_id",
        unique=True,
        sqlite_where=text("status IN ('confirmed', 'waitlisted')"),
        postgresql_where=text("status IN ('confirmed', 'waitlisted')"),
    ),
    Index("ix_clinic_bookings_user_status", "user_id", "status"),
)


clinic_feedback = Table(
    "clinic_feedback",
    metadata,
    Column("booking_id", Id, ForeignKey("clinic_bookings.id", ondelete="CASCADE"), primary_key=True),
    Column("usefulness", Integer, nullable=False),
    Column("improvement", Text, nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness_1_to_5"),
)
