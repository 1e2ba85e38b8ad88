"""Event tables: events and their dates, registrations (with the waitlist), attendance per date, training
attended, feedback, and the celebration day's abstracts (with their posters), judges, scores and votes; the exports'
access log."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from storage.tables import UTC_DT, Id, metadata

ACTIVE = "status IN ('confirmed', 'waitlisted')"

events = Table(
    "events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("template", String(40), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("title", String(120), nullable=False),
    Column("site", String(50), nullable=True),
    Column("venue", String(200), nullable=True),
    Column("online_url", String(500), nullable=True),
    Column("capacity", Integer, nullable=False),
    Column("seats_taken", Integer, nullable=False, server_default="0"),
    Column("registration_closes_at", UTC_DT, nullable=False),
    Column("abstracts_close_at", UTC_DT, nullable=True),
    Column("voting_closes_at", UTC_DT, nullable=True),
    Column("results_announced_at", UTC_DT, nullable=True),
    Column("status", String(12), nullable=False),
    Column("created_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint("capacity > 0", name="capacity_positive"),
    # The last line of defence for "capacity is never exceeded": places are taken with a conditional UPDATE.
    CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"),
    CheckConstraint("kind IN ('course', 'webinar', 'celebration')", name="known_kind"),
    CheckConstraint("status IN ('open', 'cancelled')", name="known_status"),
)


event_dates = Table(
    "event_dates",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("event_id", Id, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("starts_at", UTC_DT, nullable=False),
    Column("ends_at", UTC_DT, nullable=False),
    CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    UniqueConstraint("event_id", "position", name="uq_event_dates_event_position"),
    Index("ix_event_dates_ends_at", "ends_at"),
)


event_registrations = Table(
    "event_registrations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("event_id", Id, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(12), nullable=False),
    Column("answers", JSON, nullable=False),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name="known_status"),
    # One active registration (or waitlist place) per person per event.
    Index(
        "uq_event_registrations_one_active",
        "event_id",
        "user_id",
        unique=True,
        sqlite_where=text(ACTIVE),
        postgresql_where=text(ACTIVE),
    ),
    Index("ix_event_registrations_user_status", "user_id", "status"),
    Index("ix_event_registrations_event_status", "event_id", "status"),  # an event's confirmed list (issue 16)
)


event_attendance = Table(
    "event_attendance",
    metadata,
    Column("registration_id", Id, ForeignKey("event_registrations.id", ondelete="CASCADE"), primary_key=True),
    Column("date_id", Id, ForeignKey("event_dates.id", ondelete="CASCADE"), primary_key=True),
    Column("mark", String(10), nullable=False),
    Column("method", String(10), nullable=False),
    Column("marked_at", UTC_DT, nullable=False),
    CheckConstraint("mark IN ('attended', 'no_show')", name="known_mark"),
    CheckConstraint("method IN ('register', 'qr')", name="known_method"),
    Index("ix_event_attendance_date", "date_id"),  # an event's marks, through its dates (issue 16)
)


# Training attended, dated: a course whose every date the person attended (the programme's first measure).
event_training = Table(
    "event_training",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", Id, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("course", String(40), nullable=False),
    Column("completed_on", Date, nullable=False),
    Column("created_at", UTC_DT, nullable=False),
    UniqueConstraint("user_id", "event_id", name="uq_event_training_user_event"),
    Index("ix_event_training_completed_on", "completed_on"),
    Index("ix_event_training_event", "event_id"),  # who completed an event's course (issue 16)
)


event_feedback = Table(
    "event_feedback",
    metadata,
    Column("registration_id", Id, ForeignKey("event_registrations.id", ondelete="CASCADE"), primary_key=True),
    Column("rating", Integer, nullable=False),
    Column("comment", Text, nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),
)


event_abstracts = Table(
    "event_abstracts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("event_id", Id, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("project_id", Id, nullable=False),  # the projects capability's project (read through its services)
    Column("lead_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("site", String(50), nullable=True),
    Column("division", String(50), nullable=True),
    Column("title", String(200), nullable=False),
    Column("aim", Text, nullable=True),
    Column("measures", Text, nullable=True),
    Column("changes", Text, nullable=True),
    Column("results", Text, nullable=True),
    Column("lessons", Text, nullable=True),
    Column("format", String(12), nullable=False),
    Column("status", String(12), nullable=False),
    Column("submitted_at", UTC_DT, nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint("format IN ('poster', 'presentation')", name="known_format"),
    CheckConstraint("status IN ('draft', 'submitted')", name="known_status"),
    UniqueConstraint("event_id", "project_id", name="uq_event_abstracts_event_project"),
)


# A poster's bytes live in the database, next to its abstract: they commit or roll back with the turn, are in the
# database's backups, and every instance of the bot serves them (no shared disk). Posters are at most a few MB
# (content/events.yaml) and a celebration day has tens of them.
event_posters = Table(
    "event_posters",
    metadata,
    Column("abstract_id", Id, ForeignKey("event_abstracts.id", ondelete="CASCADE"), primary_key=True),
    Column("filename", String(200), nullable=False),
    Column("content_type", String(40), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("uploaded_by", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("uploaded_at", UTC_DT, nullable=False),
    CheckConstraint("content_type IN ('application/pdf', 'image/png')", name="pdf_or_png"),
    CheckConstraint("size > 0 AND size <= 20971520", name="size_up_to_20_mb"),
)


event_judges = Table(
    "event_judges",
    metadata,
    Column("event_id", Id, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


event_scores = Table(
    "event_scores",
    metadata,
    Column("abstract_id", Id, ForeignKey("event_abstracts.id", ondelete="CASCADE"), primary_key=True),
    Column("judge_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("scores", JSON, nullable=False),
    Column("comment", Text, nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
)


# The people's choice: one vote per person per event (the primary key), changed in place until voting closes.
event_votes = Table(
    "event_votes",
    metadata,
    Column("event_id", Id, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("abstract_id", Id, ForeignKey("event_abstracts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
)


# Who downloaded an event's attendee list (with dietary and access needs), and when: ids only.
event_export_log = Table(
    "event_export_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", Id, ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("at", UTC_DT, nullable=False),
)
