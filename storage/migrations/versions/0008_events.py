"""Events: courses, webinars and the celebration day (dates, registrations with the waitlist, attendance,
training attended, feedback, abstracts, judges, scores, votes and the exports' access log).

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ACTIVE = "status IN ('confirmed', 'waitlisted')"


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("template", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("site", sa.String(50), nullable=True),
        sa.Column("venue", sa.String(200), nullable=True),
        sa.Column("online_url", sa.String(500), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("seats_taken", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("registration_closes_at", UTCDateTime(), nullable=False),
        sa.Column("abstracts_close_at", UTCDateTime(), nullable=True),
        sa.Column("voting_closes_at", UTCDateTime(), nullable=True),
        sa.Column("results_announced_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_by", Id, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        _fk("events", "created_by", "users", "SET NULL"),
        sa.CheckConstraint("capacity > 0", name="ck_events_capacity_positive"),
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= capacity", name="ck_events_seats_within_capacity"),
        sa.CheckConstraint("kind IN ('course', 'webinar', 'celebration')", name="ck_events_known_kind"),
        sa.CheckConstraint("status IN ('open', 'cancelled')", name="ck_events_known_status"),
    )

    op.create_table(
        "event_dates",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("event_id", Id, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_dates"),
        _fk("event_dates", "event_id", "events"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_event_dates_ends_after_start"),
        sa.UniqueConstraint("event_id", "position", name="uq_event_dates_event_position"),
    )
    op.create_index("ix_event_dates_ends_at", "event_dates", ["ends_at"])

    op.create_table(
        "event_registrations",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("event_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_registrations"),
        _fk("event_registrations", "event_id", "events"),
        _fk("event_registrations", "user_id", "users"),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waitlisted', 'cancelled')", name="ck_event_registrations_known_status"
        ),
    )
    op.create_index(
        "uq_event_registrations_one_active",
        "event_registrations",
        ["event_id", "user_id"],
        unique=True,
        sqlite_where=sa.text(ACTIVE),
        postgresql_where=sa.text(ACTIVE),
    )
    op.create_index("ix_event_registrations_user_status", "event_registrations", ["user_id", "status"])

    op.create_table(
        "event_attendance",
        sa.Column("registration_id", Id, nullable=False),
        sa.Column("date_id", Id, nullable=False),
        sa.Column("mark", sa.String(10), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("marked_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("registration_id", "date_id", name="pk_event_attendance"),
        _fk("event_attendance", "registration_id", "event_registrations"),
        _fk("event_attendance", "date_id", "event_dates"),
        sa.CheckConstraint("mark IN ('attended', 'no_show')", name="ck_event_attendance_known_mark"),
        sa.CheckConstraint("method IN ('register', 'qr')", name="ck_event_attendance_known_method"),
    )

    op.create_table(
        "event_training",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("event_id", Id, nullable=False),
        sa.Column("course", sa.String(40), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_training"),
        _fk("event_training", "user_id", "users"),
        _fk("event_training", "event_id", "events"),
        sa.UniqueConstraint("user_id", "event_id", name="uq_event_training_user_event"),
    )
    op.create_index("ix_event_training_completed_on", "event_training", ["completed_on"])

    op.create_table(
        "event_feedback",
        sa.Column("registration_id", Id, nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("registration_id", name="pk_event_feedback"),
        _fk("event_feedback", "registration_id", "event_registrations"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="ck_event_feedback_rating_1_to_5"),
    )

    op.create_table(
        "event_abstracts",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("event_id", Id, nullable=False),
        sa.Column("project_id", Id, nullable=False),
        sa.Column("lead_id", Id, nullable=False),
        sa.Column("site", sa.String(50), nullable=True),
        sa.Column("division", sa.String(50), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("aim", sa.Text(), nullable=True),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("changes", sa.Text(), nullable=True),
        sa.Column("results", sa.Text(), nullable=True),
        sa.Column("lessons", sa.Text(), nullable=True),
        sa.Column("format", sa.String(12), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_abstracts"),
        _fk("event_abstracts", "event_id", "events"),
        _fk("event_abstracts", "lead_id", "users"),
        sa.CheckConstraint("format IN ('poster', 'presentation')", name="ck_event_abstracts_known_format"),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name="ck_event_abstracts_known_status"),
        sa.UniqueConstraint("event_id", "project_id", name="uq_event_abstracts_event_project"),
    )

    op.create_table(
        "event_judges",
        sa.Column("event_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.PrimaryKeyConstraint("event_id", "user_id", name="pk_event_judges"),
        _fk("event_judges", "event_id", "events"),
        _fk("event_judges", "user_id", "users"),
    )

    op.create_table(
        "event_scores",
        sa.Column("abstract_id", Id, nullable=False),
        sa.Column("judge_id", Id, nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("abstract_id", "judge_id", name="pk_event_scores"),
        _fk("event_scores", "abstract_id", "event_abstracts"),
        _fk("event_scores", "judge_id", "users"),
    )

    op.create_table(
        "event_votes",
        sa.Column("event_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("abstract_id", Id, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "user_id", name="pk_event_votes"),
        _fk("event_votes", "event_id", "events"),
        _fk("event_votes", "user_id", "users"),
        _fk("event_votes", "abstract_id", "event_abstracts"),
    )

    op.create_table(
        "event_export_log",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("event_id", Id, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_export_log"),
        _fk("event_export_log", "user_id", "users"),
        _fk("event_export_log", "event_id", "events"),
    )


def downgrade() -> None:
    for table in (
        "event_export_log",
        "event_votes",
        "event_scores",
        "event_judges",
        "event_abstracts",
        "event_feedback",
        "event_training",
        "event_attendance",
        "event_registrations",
        "event_dates",
        "events",
    ):
        op.drop_table(table)
