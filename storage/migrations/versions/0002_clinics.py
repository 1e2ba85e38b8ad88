"""QI clinics: sessions, coaches, bookings (with waitlist and attendance) and feedback.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ACTIVE = "status IN ('confirmed', 'waitlisted')"


def upgrade() -> None:
    op.create_table(
        "clinic_sessions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("series_key", sa.String(60), nullable=True),
        sa.Column("site", sa.String(50), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("seats_taken", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("venue", sa.String(200), nullable=True),
        sa.Column("online_url", sa.String(500), nullable=True),
        sa.Column("focus", sa.String(120), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("cancel_reason", sa.String(300), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clinic_sessions"),
        sa.CheckConstraint("capacity > 0", name="ck_clinic_sessions_capacity_positive"),
        sa.CheckConstraint(
            "seats_taken >= 0 AND seats_taken <= capacity", name="ck_clinic_sessions_seats_within_capacity"
        ),
        sa.CheckConstraint("ends_at > starts_at", name="ck_clinic_sessions_ends_after_start"),
        sa.CheckConstraint("status IN ('scheduled', 'cancelled')", name="ck_clinic_sessions_known_status"),
        sa.UniqueConstraint("series_key", "starts_at", name="uq_clinic_sessions_series_start"),
    )
    op.create_index("ix_clinic_sessions_site_start", "clinic_sessions", ["site", "starts_at"])

    op.create_table(
        "clinic_session_coaches",
        sa.Column("session_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "user_id", name="pk_clinic_session_coaches"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["clinic_sessions.id"],
            name="fk_clinic_session_coaches_session_id_clinic_sessions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_clinic_session_coaches_user_id_users", ondelete="CASCADE"
        ),
    )

    op.create_table(
        "clinic_bookings",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("session_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("help_with", sa.String(40), nullable=False),
        sa.Column("project_id", Id, nullable=True),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("attendance", sa.String(10), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clinic_bookings"),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["clinic_sessions.id"],
            name="fk_clinic_bookings_session_id_clinic_sessions",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_clinic_bookings_user_id_users", ondelete="CASCADE"
        ),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waitlisted', 'cancelled')", name="ck_clinic_bookings_known_status"
        ),
        sa.CheckConstraint(
            "attendance IS NULL OR attendance IN ('attended', 'no_show')", name="ck_clinic_bookings_known_attendance"
        ),
    )
    op.create_index(
        "uq_clinic_bookings_one_active",
        "clinic_bookings",
        ["session_id", "user_id"],
        unique=True,
        sqlite_where=sa.text(ACTIVE),
        postgresql_where=sa.text(ACTIVE),
    )
    op.create_index("ix_clinic_bookings_user_status", "clinic_bookings", ["user_id", "status"])

    op.create_table(
        "clinic_feedback",
        sa.Column("booking_id", Id, nullable=False),
        sa.Column("usefulness", sa.Integer(), nullable=False),
        sa.Column("improvement", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("booking_id", name="pk_clinic_feedback"),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["clinic_bookings.id"],
            name="fk_clinic_feedback_booking_id_clinic_bookings",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("usefulness BETWEEN 1 AND 5", name="ck_clinic_feedback_usefulness_1_to_5"),
    )


def downgrade() -> None:
    for table in ("clinic_feedback", "clinic_bookings", "clinic_session_coaches", "clinic_sessions"):
        op.drop_table(table)
