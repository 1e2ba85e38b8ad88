"""Action learning set tables: sets, members, meetings, attendance, actions and presenter swaps."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    text,
)

from storage.tables import UTC_DT, Id, metadata

action_sets = Table(
    "action_sets",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(80), nullable=False),
    Column("site", String(50), nullable=True),  # NULL: cross-site
    Column("cohort", String(80), nullable=True),
    Column("facilitator_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(10), nullable=False),
    Column("every_weeks", Integer, nullable=False),
    Column("first_date", Date, nullable=False),
    Column("local_time", Time, nullable=False),
    Column("meetings_planned", Integer, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("venue", String(200), nullable=True),
    Column("online_url", String(500), nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint("status IN ('draft', 'active')", name="known_status"),
    CheckConstraint("every_weeks BETWEEN 1 AND 12", name="every_weeks_range"),
    CheckConstraint("meetings_planned BETWEEN 1 AND 24", name="meetings_range"),
    CheckConstraint("minutes > 0", name="minutes_positive"),
    CheckConstraint("venue IS NOT NULL OR online_url IS NOT NULL", name="has_a_place"),
    Index("ix_action_sets_facilitator_status", "facilitator_id", "status"),
)


action_set_members = Table(
    "action_set_members",
    metadata,
    Column("set_id", Id, ForeignKey("action_sets.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("joined_at", UTC_DT, nullable=False),
    Column("left_at", UTC_DT, nullable=True),
    Index("ix_action_set_members_user", "user_id"),
)


action_set_meetings = Table(
    "action_set_meetings",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("set_id", Id, ForeignKey("action_sets.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("starts_at", UTC_DT, nullable=False),
    Column("ends_at", UTC_DT, nullable=False),
    Column("presenter_id", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("issue", Text, nullable=True),  # confidential to the set: never selected by a report
    Column("attendance_at", UTC_DT, nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    CheckConstraint("number > 0", name="number_positive"),
    UniqueConstraint("set_id", "number", name="uq_action_set_meetings_set_number"),
    Index("ix_action_set_meetings_starts", "starts_at"),
)


action_set_attendance = Table(
    "action_set_attendance",
    metadata,
    Column("meeting_id", Id, ForeignKey("action_set_meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("mark", String(10), nullable=False),
    Column("recorded_at", UTC_DT, nullable=False),
    CheckConstraint("mark IN ('present', 'apologies', 'absent')", name="known_mark"),
)


action_set_actions = Table(
    "action_set_actions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("set_id", Id, ForeignKey("action_sets.id", ondelete="CASCADE"), nullable=False),
    Column("meeting_id", Id, ForeignKey("action_set_meetings.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("slot", Integer, nullable=False),
    Column("text", Text, nullable=False),  # confidential to the set: never selected by a report
    Column("done_at", UTC_DT, nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    CheckConstraint("slot BETWEEN 1 AND 5", name="slot_range"),
    # At most one action per slot: a member's up-to-three actions for a meeting cannot grow past the slots.
    UniqueConstraint("meeting_id", "user_id", "slot", name="uq_action_set_actions_meeting_user_slot"),
    Index("ix_action_set_actions_set_user", "set_id", "user_id"),
)


action_set_swaps = Table(
    "action_set_swaps",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("meeting_id", Id, ForeignKey("action_set_meetings.id", ondelete="CASCADE"), nullable=False),
    Column("presenter_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("volunteer_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    Column("status", String(12), nullable=False),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint("status IN ('open', 'volunteered', 'confirmed', 'withdrawn')", name="known_status"),
    CheckConstraint("status = 'open' OR volunteer_id IS NOT NULL OR status = 'withdrawn'", name="has_volunteer"),
    # One swap in progress per meeting.
    Index(
        "uq_action_set_swaps_one_open",
        "meeting_id",
        unique=True,
        sqlite_where=text("status IN ('open', 'volunteered')"),
        postgresql_where=text("status IN ('open', 'volunteered')"),
    ),
)
