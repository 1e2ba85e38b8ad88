"""The schema, as SQLAlchemy Core tables. Alembic migrations in `storage/migrations` create it;
`tests/integration/test_migrations.py` checks the two never drift apart."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
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
    text,
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
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UTC_DT = UTCDateTime()

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("teams_user_id", String(200), nullable=False, unique=True),
    Column("aad_object_id", String(64), nullable=True, index=True),
    Column("tenant_id", String(64), nullable=True),
    Column("name", String(200), nullable=True),
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
    CheckConstraint("role IN ('coach', 'facilitator', 'admin')", name="known_role"),
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
    Column("tenant_id", String(64), nullable=True),
    Column("bot_id", String(200), nullable=False),
    Column("bot_name", String(200), nullable=True),
    Column("user_aad_id", String(64), nullable=True),
    Column("user_name", String(200), nullable=True),
    Column("active", Boolean, nullable=False),
    Column("reachable", Boolean, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    UniqueConstraint("user_id", "conversation_id", name="uq_conversation_addresses_user_conversation"),
)

nudge_preferences = Table(
    "nudge_preferences",
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

nudge_opt_outs = Table(
    "nudge_opt_outs",
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

learning_cards = Table(
    "learning_cards",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("question_id", String(60), primary_key=True),
    Column("state", Integer, nullable=False),
    Column("step", Integer, nullable=True),
    Column("stability", Float, nullable=True),
    Column("difficulty", Float, nullable=True),
    Column("due", UTC_DT, nullable=False),
    Column("last_review", UTC_DT, nullable=True),
    Column("reps", Integer, nullable=False, server_default="0"),
    Column("lapses", Integer, nullable=False, server_default="0"),
    Column("first_correct_at", UTC_DT, nullable=True),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint("state IN (1, 2, 3)", name="known_state"),
    Index("ix_learning_cards_due", "due"),
)

learning_serves = Table(
    "learning_serves",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("question_id", String(60), nullable=False),
    Column("served_at", UTC_DT, nullable=False),
    Column("answered_at", UTC_DT, nullable=True),
    Column("option_order", String(20), nullable=False),  # "2,0,3,1": shown position -> option in the content
)

learning_reviews = Table(
    "learning_reviews",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("question_id", String(60), nullable=False),
    Column("serve_id", Id, ForeignKey("learning_serves.id", ondelete="CASCADE"), nullable=False, unique=True),
    Column("correct", Boolean, nullable=False),
    Column("sure", Boolean, nullable=False),
    Column("rating", Integer, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("new_card", Boolean, nullable=False),
    Column("answered_at", UTC_DT, nullable=False),
    CheckConstraint("rating BETWEEN 1 AND 4", name="rating_1_to_4"),
    Index("ix_learning_reviews_user_time", "user_id", "answered_at"),
    Index("ix_learning_reviews_question", "question_id"),
)

learning_bites_seen = Table(
    "learning_bites_seen",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("bite_id", String(60), primary_key=True),
    Column("seen_at", UTC_DT, nullable=False),
)

learning_completions = Table(
    "learning_completions",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", String(40), primary_key=True),
    Column("completed_at", UTC_DT, nullable=False),
)

learning_awards = Table(
    "learning_awards",
    metadata,
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("award", String(60), primary_key=True),
    Column("awarded_at", UTC_DT, nullable=False),
)

projects = Table(
    "projects",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("lead_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(12), nullable=False),
    Column("wizard_step", Integer, nullable=False, server_default="1"),
    Column("title", String(120), nullable=True),
    Column("problem", Text, nullable=True),
    Column("site", String(50), nullable=True),
    Column("division", String(40), nullable=True),
    Column("strategic_aim", String(40), nullable=True),
    Column("aim_what", String(200), nullable=True),
    Column("aim_who", String(200), nullable=True),
    Column("aim_how_much", String(200), nullable=True),
    Column("aim_by", Date, nullable=True),
    Column("sponsor", String(120), nullable=True),
    Column("coach_id", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("needs_coach", Boolean, nullable=False, server_default=text("false")),
    Column("governance", String(20), nullable=True),
    Column("progress_score", Float, nullable=True),
    Column("approval_comment", String(500), nullable=True),
    Column("approved_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("submitted_at", UTC_DT, nullable=True),
    Column("approved_at", UTC_DT, nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint(
        "status IN ('draft', 'submitted', 'approved', 'active', 'completed', 'stopped')", name="known_status"
    ),
    CheckConstraint("wizard_step BETWEEN 1 AND 6", name="wizard_step_1_to_6"),
    CheckConstraint(
        "governance IS NULL OR governance IN ('qi', 'audit', 'service_evaluation', 'research')", name="known_governance"
    ),
    CheckConstraint(
        "progress_score IS NULL OR "
        "(progress_score BETWEEN 0.5 AND 5.0 AND progress_score * 2 = ROUND(progress_score * 2))",
        name="ihi_progress_score",
    ),
    CheckConstraint("status = 'draft' OR governance <> 'research'", name="research_not_registered"),
    Index("ix_projects_lead", "lead_id"),
    Index("ix_projects_status_site", "status", "site"),
)

project_members = Table(
    "project_members",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("role", String(120), nullable=False),
    Column("position", Integer, nullable=False),
    # Set when a colleague who uses the bot joined the team (asked, and the lead accepted): they may then update
    # the project. Members typed in by name only have no user.
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
)

project_measures = Table(
    "project_measures",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("name", String(120), nullable=False),
    Column("definition", Text, nullable=False),
    Column("chart", String(4), nullable=False, server_default="run"),
    Column("improvement", String(10), nullable=False, server_default="increase"),
    Column("position", Integer, nullable=False),
    CheckConstraint("kind IN ('outcome', 'process', 'balancing')", name="known_kind"),
    CheckConstraint("chart IN ('run', 'xmr')", name="known_chart"),
    CheckConstraint("improvement IN ('increase', 'decrease')", name="known_improvement"),
)

measure_points = Table(
    "measure_points",
    metadata,
    Column("measure_id", Id, ForeignKey("project_measures.id", ondelete="CASCADE"), primary_key=True),
    Column("on_date", Date, primary_key=True),
    Column("value", Float, nullable=False),
    Column("recorded_at", UTC_DT, nullable=False),
)

pdsa_cycles = Table(
    "pdsa_cycles",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("plan", Text, nullable=False),
    Column("prediction", Text, nullable=False),
    Column("do", Text, nullable=True),
    Column("study", Text, nullable=True),
    Column("act", String(8), nullable=True),
    Column("created_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    CheckConstraint("act IS NULL OR act IN ('adopt', 'adapt', 'abandon')", name="known_act"),
)

project_evaluations = Table(
    "project_evaluations",
    metadata,
    Column("project_id", Id, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("results", Text, nullable=False),
    Column("decision", String(8), nullable=False),
    Column("sustain", Text, nullable=False),
    Column("spread", Text, nullable=True),
    Column("lessons", Text, nullable=False),
    Column("submitted_at", UTC_DT, nullable=False),
    Column("aim_achieved", Integer, nullable=True),
    Column("measurement", Integer, nullable=True),
    Column("pdsa_discipline", Integer, nullable=True),
    Column("patient_involvement", Integer, nullable=True),
    Column("sustainability", Integer, nullable=True),
    Column("coach_comment", Text, nullable=True),
    Column("scored_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("scored_at", UTC_DT, nullable=True),
    CheckConstraint("decision IN ('adopt', 'adapt', 'abandon')", name="known_decision"),
    CheckConstraint(
        "(aim_achieved IS NULL OR aim_achieved BETWEEN 1 AND 4)"
        " AND (measurement IS NULL OR measurement BETWEEN 1 AND 4)"
        " AND (pdsa_discipline IS NULL OR pdsa_discipline BETWEEN 1 AND 4)"
        " AND (patient_involvement IS NULL OR patient_involvement BETWEEN 1 AND 4)"
        " AND (sustainability IS NULL OR sustainability BETWEEN 1 AND 4)",
        name="rubric_1_to_4",
    ),
)
