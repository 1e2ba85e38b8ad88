"""Action learning sets (sets, members, meetings, attendance, actions, presenter swaps) and the coach and mentor
network (coaching profiles, evidence, promotions, mentorships).

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
OPEN_SWAP = "status IN ('open', 'volunteered')"


def _fk(table: str, column: str, target: str, ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete)


def _sets() -> None:
    op.create_table(
        "action_sets",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("site", sa.String(50), nullable=True),
        sa.Column("cohort", sa.String(80), nullable=True),
        sa.Column("facilitator_id", Id, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("every_weeks", sa.Integer(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("local_time", sa.Time(), nullable=False),
        sa.Column("meetings_planned", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("venue", sa.String(200), nullable=True),
        sa.Column("online_url", sa.String(500), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_action_sets"),
        _fk("action_sets", "facilitator_id", "users"),
        sa.CheckConstraint("status IN ('draft', 'active')", name="ck_action_sets_known_status"),
        sa.CheckConstraint("every_weeks BETWEEN 1 AND 12", name="ck_action_sets_every_weeks_range"),
        sa.CheckConstraint("meetings_planned BETWEEN 1 AND 24", name="ck_action_sets_meetings_range"),
        sa.CheckConstraint("minutes > 0", name="ck_action_sets_minutes_positive"),
        sa.CheckConstraint("venue IS NOT NULL OR online_url IS NOT NULL", name="ck_action_sets_has_a_place"),
    )
    op.create_index("ix_action_sets_facilitator_status", "action_sets", ["facilitator_id", "status"])

    op.create_table(
        "action_set_members",
        sa.Column("set_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("left_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("set_id", "user_id", name="pk_action_set_members"),
        _fk("action_set_members", "set_id", "action_sets"),
        _fk("action_set_members", "user_id", "users"),
    )
    op.create_index("ix_action_set_members_user", "action_set_members", ["user_id"])

    op.create_table(
        "action_set_meetings",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("set_id", Id, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("presenter_id", Id, nullable=True),
        sa.Column("issue", sa.Text(), nullable=True),
        sa.Column("attendance_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_action_set_meetings"),
        _fk("action_set_meetings", "set_id", "action_sets"),
        _fk("action_set_meetings", "presenter_id", "users", ondelete="SET NULL"),
        sa.CheckConstraint("ends_at > starts_at", name="ck_action_set_meetings_ends_after_start"),
        sa.CheckConstraint("number > 0", name="ck_action_set_meetings_number_positive"),
        sa.UniqueConstraint("set_id", "number", name="uq_action_set_meetings_set_number"),
    )
    op.create_index("ix_action_set_meetings_starts", "action_set_meetings", ["starts_at"])

    op.create_table(
        "action_set_attendance",
        sa.Column("meeting_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("mark", sa.String(10), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id", "user_id", name="pk_action_set_attendance"),
        _fk("action_set_attendance", "meeting_id", "action_set_meetings"),
        _fk("action_set_attendance", "user_id", "users"),
        sa.CheckConstraint("mark IN ('present', 'apologies', 'absent')", name="ck_action_set_attendance_known_mark"),
    )

    op.create_table(
        "action_set_actions",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("set_id", Id, nullable=False),
        sa.Column("meeting_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_action_set_actions"),
        _fk("action_set_actions", "set_id", "action_sets"),
        _fk("action_set_actions", "meeting_id", "action_set_meetings"),
        _fk("action_set_actions", "user_id", "users"),
        sa.CheckConstraint("slot BETWEEN 1 AND 5", name="ck_action_set_actions_slot_range"),
        sa.UniqueConstraint("meeting_id", "user_id", "slot", name="uq_action_set_actions_meeting_user_slot"),
    )
    op.create_index("ix_action_set_actions_set_user", "action_set_actions", ["set_id", "user_id"])

    op.create_table(
        "action_set_swaps",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("meeting_id", Id, nullable=False),
        sa.Column("presenter_id", Id, nullable=False),
        sa.Column("volunteer_id", Id, nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_action_set_swaps"),
        _fk("action_set_swaps", "meeting_id", "action_set_meetings"),
        _fk("action_set_swaps", "presenter_id", "users"),
        _fk("action_set_swaps", "volunteer_id", "users"),
        sa.CheckConstraint(
            "status IN ('open', 'volunteered', 'confirmed', 'withdrawn')", name="ck_action_set_swaps_known_status"
        ),
        sa.CheckConstraint(
            "status = 'open' OR volunteer_id IS NOT NULL OR status = 'withdrawn'",
            name="ck_action_set_swaps_has_volunteer",
        ),
    )
    op.create_index(
        "uq_action_set_swaps_one_open",
        "action_set_swaps",
        ["meeting_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_SWAP),
        postgresql_where=sa.text(OPEN_SWAP),
    )


OPEN_MENTORSHIP = "status IN ('proposed', 'active')"


def _coaching() -> None:
    op.create_table(
        "coaching_profiles",
        sa.Column("user_id", Id, nullable=False),
        sa.Column("level", sa.String(40), nullable=True),
        sa.Column("max_mentees", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_coaching_profiles"),
        _fk("coaching_profiles", "user_id", "users"),
        sa.CheckConstraint(
            "max_mentees IS NULL OR max_mentees >= 0", name="ck_coaching_profiles_max_mentees_not_negative"
        ),
    )

    op.create_table(
        "coaching_evidence",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("level", sa.String(40), nullable=False),
        sa.Column("competency", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("link_kind", sa.String(10), nullable=True),
        sa.Column("link_id", Id, nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reviewer_id", Id, nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("reviewed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_coaching_evidence"),
        _fk("coaching_evidence", "user_id", "users"),
        _fk("coaching_evidence", "reviewer_id", "users", ondelete="SET NULL"),
        sa.CheckConstraint(
            "status IN ('submitted', 'signed_off', 'returned')", name="ck_coaching_evidence_known_status"
        ),
        sa.CheckConstraint(
            "link_kind IS NULL OR link_kind IN ('project', 'clinic', 'set')", name="ck_coaching_evidence_known_link"
        ),
        sa.CheckConstraint("(link_kind IS NULL) = (link_id IS NULL)", name="ck_coaching_evidence_link_whole"),
    )
    op.create_index("ix_coaching_evidence_user_level", "coaching_evidence", ["user_id", "level"])
    op.create_index("ix_coaching_evidence_status", "coaching_evidence", ["status"])

    op.create_table(
        "coaching_promotions",
        sa.Column("user_id", Id, nullable=False),
        sa.Column("level", sa.String(40), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("offered_at", UTCDateTime(), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=True),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("confirmed_by", Id, nullable=True),
        sa.PrimaryKeyConstraint("user_id", "level", name="pk_coaching_promotions"),
        _fk("coaching_promotions", "user_id", "users"),
        _fk("coaching_promotions", "confirmed_by", "users", ondelete="SET NULL"),
        sa.CheckConstraint(
            "status IN ('offered', 'requested', 'confirmed')", name="ck_coaching_promotions_known_status"
        ),
    )

    op.create_table(
        "coaching_mentorships",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("mentee_id", Id, nullable=False),
        sa.Column("mentor_id", Id, nullable=False),
        sa.Column("level", sa.String(40), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("accepted_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_coaching_mentorships"),
        _fk("coaching_mentorships", "mentee_id", "users"),
        _fk("coaching_mentorships", "mentor_id", "users"),
        sa.CheckConstraint(
            "status IN ('proposed', 'active', 'declined', 'ended')", name="ck_coaching_mentorships_known_status"
        ),
        sa.CheckConstraint("mentee_id <> mentor_id", name="ck_coaching_mentorships_not_oneself"),
    )
    op.create_index(
        "uq_coaching_mentorships_one_open",
        "coaching_mentorships",
        ["mentee_id"],
        unique=True,
        sqlite_where=sa.text(OPEN_MENTORSHIP),
        postgresql_where=sa.text(OPEN_MENTORSHIP),
    )
    op.create_index("ix_coaching_mentorships_mentor_status", "coaching_mentorships", ["mentor_id", "status"])


COACHING_TABLES = ("coaching_mentorships", "coaching_promotions", "coaching_evidence", "coaching_profiles")
SET_TABLES = (
    "action_set_swaps",
    "action_set_actions",
    "action_set_attendance",
    "action_set_meetings",
    "action_set_members",
    "action_sets",
)


def upgrade() -> None:
    _sets()
    _coaching()


def downgrade() -> None:
    for table in COACHING_TABLES + SET_TABLES:
        op.drop_table(table)
