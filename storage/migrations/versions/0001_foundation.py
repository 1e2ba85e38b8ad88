"""Foundation: users, roles, conversation addresses, nudge preferences, outbox, conversation state.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("teams_user_id", sa.String(200), nullable=False),
        sa.Column("aad_object_id", sa.String(64), nullable=True),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("site", sa.String(50), nullable=True),
        sa.Column("staff_group", sa.String(50), nullable=True),
        sa.Column("experience", sa.String(50), nullable=True),
        sa.Column("onboarded_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("teams_user_id", name="uq_users_teams_user_id"),
    )
    op.create_index("ix_users_aad_object_id", "users", ["aad_object_id"])

    op.create_table(
        "user_roles",
        sa.Column("user_id", Id, nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "role", name="pk_user_roles"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user_roles_user_id_users", ondelete="CASCADE"),
        sa.CheckConstraint("role IN ('coach', 'facilitator', 'admin')", name="ck_user_roles_known_role"),
    )

    op.create_table(
        "conversation_addresses",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("channel_id", sa.String(30), nullable=False),
        sa.Column("service_url", sa.String(500), nullable=False),
        sa.Column("conversation_id", sa.String(500), nullable=False),
        sa.Column("conversation_type", sa.String(20), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("bot_id", sa.String(200), nullable=False),
        sa.Column("bot_name", sa.String(200), nullable=True),
        sa.Column("user_aad_id", sa.String(64), nullable=True),
        sa.Column("user_name", sa.String(200), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("reachable", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_conversation_addresses"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_conversation_addresses_user_id_users", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("user_id", "conversation_id", name="uq_conversation_addresses_user_conversation"),
    )

    op.create_table(
        "nudge_preferences",
        sa.Column("user_id", Id, nullable=False),
        sa.Column("work_days", sa.String(20), nullable=True),
        sa.Column("work_start", sa.Time(), nullable=True),
        sa.Column("work_end", sa.Time(), nullable=True),
        sa.Column("paused_until", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_nudge_preferences"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_nudge_preferences_user_id_users", ondelete="CASCADE"
        ),
        sa.CheckConstraint(
            "(work_days IS NULL AND work_start IS NULL AND work_end IS NULL) OR "
            "(work_days IS NOT NULL AND work_start IS NOT NULL AND work_end IS NOT NULL)",
            name="ck_nudge_preferences_hours_all_or_nothing",
        ),
    )

    op.create_table(
        "nudge_opt_outs",
        sa.Column("user_id", Id, nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "category", name="pk_nudge_opt_outs"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_nudge_opt_outs_user_id_users", ondelete="CASCADE"),
    )

    op.create_table(
        "outbox",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("address_id", Id, nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("counts_to_budget", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("dedupe_key", name="uq_outbox_dedupe_key"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_outbox_user_id_users", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["address_id"], ["conversation_addresses.id"], name="fk_outbox_address_id_conversation_addresses",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed', 'unreachable', 'cancelled')",
            name="ck_outbox_known_status",
        ),
        sa.CheckConstraint("attempts >= 0", name="ck_outbox_attempts_not_negative"),
    )
    op.create_index("ix_outbox_status_due", "outbox", ["status", "due_at"])
    op.create_index("ix_outbox_user_due", "outbox", ["user_id", "due_at"])

    op.create_table(
        "conversation_state",
        sa.Column("conversation_id", sa.String(500), nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", "user_id", name="pk_conversation_state"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_conversation_state_user_id_users", ondelete="CASCADE"
        ),
        sa.CheckConstraint("version > 0", name="ck_conversation_state_version_positive"),
    )


def downgrade() -> None:
    for table in ("conversation_state", "outbox", "nudge_opt_outs", "nudge_preferences",
                  "conversation_addresses", "user_roles", "users"):
        op.drop_table(table)
