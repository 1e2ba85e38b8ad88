"""Celebration day posters (the file's bytes next to its abstract), and line managers as people give them.

Revision ID: 0016
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "event_posters",
        sa.Column(
            "abstract_id", Id, sa.ForeignKey("event_abstracts.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", Id, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("content_type IN ('application/pdf', 'image/png')", name="pdf_or_png"),
        sa.CheckConstraint("size > 0 AND size <= 20971520", name="size_up_to_20_mb"),
    )


    op.create_table(
        "line_managers",
        sa.Column("user_id", Id, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("manager_id", Id, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("declared_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("user_id <> manager_id", name="not_own_manager"),
    )
    op.create_index("ix_line_managers_manager_id", "line_managers", ["manager_id"])


def downgrade() -> None:
    op.drop_index("ix_line_managers_manager_id", table_name="line_managers")
    op.drop_table("line_managers")
    op.drop_table("event_posters")
