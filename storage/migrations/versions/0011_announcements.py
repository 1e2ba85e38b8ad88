"""Announcements: the announcement and its recipients; the programme lead role.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STATUSES = "('draft', 'scheduled', 'sending', 'paused', 'cancelled', 'done')"
STATES = "('waiting', 'queued', 'not_installed', 'opted_out')"
INSTALLS = "('installed', 'refused', 'error')"


def _roles(roles: str) -> None:
    with op.batch_alter_table("user_roles", recreate="always") as batch:
        batch.drop_constraint("ck_user_roles_known_role", type_="check")
        batch.create_check_constraint("ck_user_roles_known_role", f"role IN {roles}")


def upgrade() -> None:
    _roles("('coach', 'facilitator', 'lead', 'admin')")
    op.create_table(
        "announcements",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("author_id", Id, nullable=True),
        sa.Column("form_token", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("image_url", sa.String(500), nullable=True),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("send_at", UTCDateTime(), nullable=True),
        sa.Column("spread", sa.Boolean(), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("author_address_id", Id, nullable=True),
        sa.Column("author_card", sa.String(256), nullable=True),
        sa.Column("progress_seen", sa.String(300), nullable=True),
        sa.Column("progress_updates", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_announcements"),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name="fk_announcements_author_id_users", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["author_address_id"],
            ["conversation_addresses.id"],
            name="fk_announcements_author_address_id_conversation_addresses",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("form_token", name="uq_announcements_form_token"),
        sa.CheckConstraint(f"status IN {STATUSES}", name="ck_announcements_known_status"),
        sa.CheckConstraint("length(title) > 0 AND length(text) > 0", name="ck_announcements_has_words"),
        sa.CheckConstraint("image_url IS NULL OR image_url LIKE 'https://%'", name="ck_announcements_image_is_https"),
    )
    op.create_index("ix_announcements_status", "announcements", ["status"])
    op.create_table(
        "announcement_recipients",
        sa.Column("announcement_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("round", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("outbox_key", sa.String(120), nullable=True),
        sa.Column("install_status", sa.String(12), nullable=True),
        sa.Column("install_attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("announcement_id", "user_id", name="pk_announcement_recipients"),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name="fk_announcement_recipients_announcement_id_announcements",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_announcement_recipients_user_id_users", ondelete="CASCADE"
        ),
        sa.CheckConstraint(f"state IN {STATES}", name="ck_announcement_recipients_known_state"),
        sa.CheckConstraint(
            f"install_status IS NULL OR install_status IN {INSTALLS}", name="ck_announcement_recipients_known_install"
        ),
        sa.CheckConstraint("round > 0", name="ck_announcement_recipients_round_positive"),
        sa.CheckConstraint(
            "(state = 'queued') = (outbox_key IS NOT NULL)", name="ck_announcement_recipients_queued_has_key"
        ),
    )
    op.create_index("ix_announcement_recipients_state", "announcement_recipients", ["announcement_id", "state"])


def downgrade() -> None:
    op.drop_index("ix_announcement_recipients_state", table_name="announcement_recipients")
    op.drop_table("announcement_recipients")
    op.drop_index("ix_announcements_status", table_name="announcements")
    op.drop_table("announcements")
    op.execute("DELETE FROM user_roles WHERE role = 'lead'")
    _roles("('coach', 'facilitator', 'admin')")
