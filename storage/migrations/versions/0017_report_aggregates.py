"""The forum report's numbers stored on each question: the working seconds to the first answer and to closing,
and whether the first answer came by the first escalation's deadline (issue 16). They never change once set, so
the report sums them instead of walking the working calendar for thousands of questions on each open.

No backfill here: the SLA clock runs on the content's working hours, time zone and bank holidays, which a
migration does not load. The report times a question with no stored figures itself (as it did before), so older
questions give the same numbers, and they leave the report's 12 months within a year.

Revision ID: 0017
Revises: 0012
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0012"
branch_labels = None
depends_on = None

COLUMNS = (
    ("first_answer_working_s", sa.Float()),
    ("answered_in_time", sa.Boolean()),
    ("closed_working_s", sa.Float()),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("forum_posts", sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for name, _ in reversed(COLUMNS):
        op.drop_column("forum_posts", name)  # SQLite 3.35+ drops a column in place (no table copy: FTS triggers)
