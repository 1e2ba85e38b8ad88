"""Micro-learning: FSRS cards, served questions, reviews, bites seen, topic completions and awards.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=f"fk_{table}_user_id_users", ondelete="CASCADE")


def upgrade() -> None:
    with op.batch_alter_table("nudge_preferences") as batch:
        batch.add_column(sa.Column("learning_time", sa.Time(), nullable=True))
    op.create_table(
        "learning_cards",
        sa.Column("user_id", Id, nullable=False),
        sa.Column("question_id", sa.String(60), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("due", UTCDateTime(), nullable=False),
        sa.Column("last_review", UTCDateTime(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("lapses", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("first_correct_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "question_id", name="pk_learning_cards"),
        _user_fk("learning_cards"),
        sa.CheckConstraint("state IN (1, 2, 3)", name="ck_learning_cards_known_state"),
    )
    op.create_index("ix_learning_cards_due", "learning_cards", ["due"])

    op.create_table(
        "learning_serves",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("question_id", sa.String(60), nullable=False),
        sa.Column("served_at", UTCDateTime(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("option_order", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_learning_serves"),
        _user_fk("learning_serves"),
    )

    op.create_table(
        "learning_reviews",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("question_id", sa.String(60), nullable=False),
        sa.Column("serve_id", Id, nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("sure", sa.Boolean(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("new_card", sa.Boolean(), nullable=False),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_learning_reviews"),
        _user_fk("learning_reviews"),
        sa.ForeignKeyConstraint(
            ["serve_id"], ["learning_serves.id"], name="fk_learning_reviews_serve_id_learning_serves",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("serve_id", name="uq_learning_reviews_serve_id"),
        sa.CheckConstraint("rating BETWEEN 1 AND 4", name="ck_learning_reviews_rating_1_to_4"),
    )
    op.create_index("ix_learning_reviews_user_time", "learning_reviews", ["user_id", "answered_at"])
    op.create_index("ix_learning_reviews_question", "learning_reviews", ["question_id"])

    for table, key, column, length in (
        ("learning_bites_seen", "bite_id", "seen_at", 60),
        ("learning_completions", "topic_id", "completed_at", 40),
        ("learning_awards", "award", "awarded_at", 60),
    ):
        op.create_table(
            table,
            sa.Column("user_id", Id, nullable=False),
            sa.Column(key, sa.String(length), nullable=False),
            sa.Column(column, UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("user_id", key, name=f"pk_{table}"),
            _user_fk(table),
        )


def downgrade() -> None:
    for table in ("learning_awards", "learning_completions", "learning_bites_seen", "learning_reviews",
                  "learning_serves", "learning_cards"):
        op.drop_table(table)
    with op.batch_alter_table("nudge_preferences") as batch:
        batch.drop_column("learning_time")
