"""Coaching tables: each person's level, their evidence, promotions and mentorships."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text, text

from storage.tables import UTC_DT, Id, metadata

coaching_profiles = Table(
    "coaching_profiles",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("level", String(40), nullable=True),
    Column("max_mentees", Integer, nullable=True),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint("max_mentees IS NULL OR max_mentees >= 0", name="max_mentees_not_negative"),
)


coaching_evidence = Table(
    "coaching_evidence",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("level", String(40), nullable=False),
    Column("competency", String(40), nullable=False),
    Column("note", Text, nullable=False),
    Column("link_kind", String(10), nullable=True),
    Column("link_id", Id, nullable=True),
    Column("status", String(12), nullable=False),
    Column("reviewer_id", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("comment", Text, nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("reviewed_at", UTC_DT, nullable=True),
    CheckConstraint("status IN ('submitted', 'signed_off', 'returned')", name="known_status"),
    CheckConstraint("link_kind IS NULL OR link_kind IN ('project', 'clinic', 'set')", name="known_link"),
    CheckConstraint("(link_kind IS NULL) = (link_id IS NULL)", name="link_whole"),
    Index("ix_coaching_evidence_user_level", "user_id", "level"),
    Index("ix_coaching_evidence_status", "status"),
)


coaching_promotions = Table(
    "coaching_promotions",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("level", String(40), primary_key=True),
    Column("status", String(12), nullable=False),
    Column("offered_at", UTC_DT, nullable=False),
    Column("requested_at", UTC_DT, nullable=True),
    Column("confirmed_at", UTC_DT, nullable=True),
    Column("confirmed_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    CheckConstraint("status IN ('offered', 'requested', 'confirmed')", name="known_status"),
)


coaching_mentorships = Table(
    "coaching_mentorships",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("mentee_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("mentor_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("level", String(40), nullable=False),
    Column("status", String(10), nullable=False),
    Column("created_at", UTC_DT, nullable=False),
    Column("accepted_at", UTC_DT, nullable=True),
    Column("ended_at", UTC_DT, nullable=True),
    CheckConstraint("status IN ('proposed', 'active', 'declined', 'ended')", name="known_status"),
    CheckConstraint("mentee_id <> mentor_id", name="not_oneself"),
    # One mentor asked or active per mentee at a time.
    Index(
        "uq_coaching_mentorships_one_open",
        "mentee_id",
        unique=True,
        sqlite_where=text("status IN ('proposed', 'active')"),
        postgresql_where=text("status IN ('proposed', 'active')"),
    ),
    Index("ix_coaching_mentorships_mentor_status", "mentor_id", "status"),
)
