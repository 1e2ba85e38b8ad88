"""Fast at a trust's size (issue 16): the learning report's running totals per question, and the indexes the
reports and ticks were found to scan without (EXPLAIN on the five-year synthetic trust, notes/README_scale.md).

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0016"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_learning_reviews_answered_at", "learning_reviews", ["answered_at"]),
    ("ix_event_registrations_event_status", "event_registrations", ["event_id", "status"]),
    ("ix_event_attendance_date", "event_attendance", ["date_id"]),
    ("ix_event_training_event", "event_training", ["event_id"]),
)


def upgrade() -> None:
    op.create_table(
        "learning_question_totals",
        sa.Column("question_id", sa.String(60), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("question_id", name="pk_learning_question_totals"),
        sa.CheckConstraint(
            "correct >= 0 AND correct <= answers", name="ck_learning_question_totals_correct_within_answers"
        ),
        sa.CheckConstraint("people >= 1 AND people <= answers", name="ck_learning_question_totals_people_within_answers"),
    )
    # The totals of the reviews already there.
    op.execute(
        "INSERT INTO learning_question_totals (question_id, answers, correct, people) "
        "SELECT question_id, COUNT(*), SUM(CASE WHEN correct THEN 1 ELSE 0 END), COUNT(DISTINCT user_id) "
        "FROM learning_reviews "
        "GROUP BY question_id"
    )
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table("learning_question_totals")
