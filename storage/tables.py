from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


# Integer primary keys that autoincrement on both SQLite (INTEGER) and PostgreSQL (BIGINT identity).
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator):
    """Always stores and returns timezone-aware UTC datetimes (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        tz = value.tzinfo
        if tz is UTC:  # PostgreSQL's (asyncpg's) are already UTC: as astimezone(UTC) would, return it as it is
            return value
        return value.replace(tzinfo=UTC) if tz is None else value.astimezone(UTC)


UTC_DT = UTCDateTime()
# Teams display names may be 256 characters; ids from the channel are bounded at the HTTP edge to this length.
NAME_LENGTH = 256
ID_LENGTH = 256


users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("teams_user_id", String(ID_LENGTH), nullable=False, unique=True),
    Column("aad_object_id", String(ID_LENGTH), nullable=True, index=True),
    Column("tenant_id", String(ID_LENGTH), nullable=True),
    Column("name", String(NAME_LENGTH), nullable=True),
    Column("site", String(50), nullable=True),
    Column("staff_group", String(50), nullable=True),
    Column("experience", String(50), nullable=True),
    Column("onboarded_at", UTC_DT, nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
)


user_roles = Table(
    "user_roles",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(20), primary_key=True),
    Column("granted_at", UTC_DT, nullable=False),
    CheckConstraint("role IN ('coach', 'facilitator', 'lead', 'admin')", name="known_role"),
)


# Who a person's line manager is, as the person says (profile): sets keep a member and their line manager apart,
# and mentor matching never proposes someone's own line. One manager per person, never themselves.
line_managers = Table(
    "line_managers",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("manager_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("declared_at", UTC_DT, nullable=False),
    CheckConstraint("user_id <> manager_id", name="not_own_manager"),
)


conversation_addresses = Table(
    "conversation_addresses",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("channel_id", String(30), nullable=False),
    Column("service_url", String(500), nullable=False),
    Column("conversation_id", String(500), nullable=False),
    Column("conversation_type", String(20), nullable=False),
    Column("tenant_id", String(ID_LENGTH), nullable=True),
    Column("bot_id", String(ID_LENGTH), nullable=False),
    Column("bot_name", String(NAME_LENGTH), nullable=True),
    Column("user_aad_id", String(ID_LENGTH), nullable=True),
    Column("user_name", String(NAME_LENGTH), nullable=True),
    Column("active", Boolean, nullable=False),
    Column("reachable", Boolean, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    UniqueConstraint("user_id", "conversation_id", name="uq_conversation_addresses_user_conversation"),
)


preferences = Table(
    "preferences",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("work_days", String(20), nullable=True),  # "0,1,2,3,4"; NULL: the organisation's default hours
    Column("work_start", Time, nullable=True),
    Column("work_end", Time, nullable=True),
    Column("paused_until", UTC_DT, nullable=True),
    Column("updated_at", UTC_DT, nullable=False),
    Column("learning_time", Time, nullable=True),
    CheckConstraint(
        "(work_days IS NULL AND work_start IS NULL AND work_end IS NULL) OR "
        "(work_days IS NOT NULL AND work_start IS NOT NULL AND work_end IS NOT NULL)",
        name="hours_all_or_nothing",
    ),
)


preference_opt_outs = Table(
    "preference_opt_outs",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("category", String(40), primary_key=True),
)


outbox = Table(
    "outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("dedupe_key", String(200), nullable=False, unique=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("address_id", Id, ForeignKey("conversation_addresses.id", ondelete="CASCADE"), nullable=False),
    Column("category", String(40), nullable=False),
    Column("counts_to_budget", Boolean, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("status", String(12), nullable=False),
    Column("due_at", UTC_DT, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("lease_until", UTC_DT, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("sent_at", UTC_DT, nullable=True),
    # A message that started a new conversation (a thread in a channel): that conversation's id, once sent.
    Column("started_conversation", String(500), nullable=True),
    CheckConstraint(
        "status IN ('pending', 'sending', 'sent', 'failed', 'unreachable', 'cancelled')", name="known_status"
    ),
    CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    Index("ix_outbox_status_due", "status", "due_at"),
    Index("ix_outbox_user_due", "user_id", "due_at"),
)


conversation_state = Table(
    "conversation_state",
    metadata,
    Column("conversation_id", String(500), primary_key=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint("version > 0", name="version_positive"),
)


def load_capability_tables() -> MetaData:
    """Import every capability's `storage/<capability>/tables.py` found on disk, so `metadata` holds the whole
    schema (for Alembic and the drift test) without this module naming any capability."""
    import importlib
    import pkgutil
    from pathlib import Path

    here = Path(__file__).resolve().parent
    for info in pkgutil.iter_modules([str(here)]):
        if info.ispkg and (here / info.name / "tables.py").exists():
            importlib.import_module(f"storage.{info.name}.tables")
    return metadata
