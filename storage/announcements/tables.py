"""Announcement tables: the announcement (draft to done) and one row per person in its audience, whose copy is an
outbox row (`outbox_key`, the outbox's dedupe key) once queued."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text

from storage.tables import UTC_DT, Id, metadata

STATUSES = "('draft', 'scheduled', 'sending', 'paused', 'cancelled', 'done')"
STATES = "('waiting', 'queued', 'not_installed', 'opted_out')"
INSTALLS = "('installed', 'refused', 'error')"

announcements = Table(
    "announcements",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("author_id", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("form_token", String(64), nullable=False, unique=True),  # one draft per compose card
    Column("title", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("image_url", String(500), nullable=True),
    Column("buttons", JSON, nullable=False),
    Column("audience", JSON, nullable=False),
    Column("send_at", UTC_DT, nullable=True),
    Column("spread", Boolean, nullable=False),
    Column("urgent", Boolean, nullable=False),
    Column("status", String(12), nullable=False),
    Column("recipients", Integer, nullable=False, server_default="0"),
    Column("author_address_id", Id, ForeignKey("conversation_addresses.id", ondelete="SET NULL"), nullable=True),
    Column("author_card", String(256), nullable=True),
    Column("progress_seen", String(300), nullable=True),
    Column("progress_updates", Integer, nullable=False, server_default="0"),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    Column("started_at", UTC_DT, nullable=True),
    Column("finished_at", UTC_DT, nullable=True),
    CheckConstraint(f"status IN {STATUSES}", name="known_status"),
    CheckConstraint("length(title) > 0 AND length(text) > 0", name="has_words"),
    CheckConstraint("image_url IS NULL OR image_url LIKE 'https://%'", name="image_is_https"),
    Index("ix_announcements_status", "status"),
)

announcement_recipients = Table(
    "announcement_recipients",
    metadata,
    Column("announcement_id", Id, ForeignKey("announcements.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("round", Integer, nullable=False, server_default="1"),
    Column("state", String(16), nullable=False),
    Column("outbox_key", String(120), nullable=True),
    Column("install_status", String(12), nullable=True),
    Column("install_attempts", Integer, nullable=False, server_default="0"),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint(f"state IN {STATES}", name="known_state"),
    CheckConstraint(f"install_status IS NULL OR install_status IN {INSTALLS}", name="known_install"),
    CheckConstraint("round > 0", name="round_positive"),
    CheckConstraint("(state = 'queued') = (outbox_key IS NOT NULL)", name="queued_has_key"),
    Index("ix_announcement_recipients_state", "announcement_id", "state"),
)
