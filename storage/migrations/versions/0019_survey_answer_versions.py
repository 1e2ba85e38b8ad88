"""The version of each instrument's submitted answers (issue 16: the survey report and the dashboard read five
years of scored responses on every open, about 90 ms of each).

`survey_answer_versions` holds, per instrument, a random version that the repository replaces in the same
transaction as it submits a response or changes a submitted one. A reader that reads the version first and the
responses after has seen at least that state, so what it derives from them stays right until the version moves
on; core.surveys.scoring keeps the scored responses in memory on that condition. A random version rather than a
counter: a restored backup or a rolled-back write brings back a version together with the answers it names, and
two databases (or a database dropped and made again) never share one.

Each instrument with submitted responses gets a version here; one without gets its first when a response is.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    versions = op.create_table(
        "survey_answer_versions",
        sa.Column("instrument_id", sa.String(40), primary_key=True),
        sa.Column("version", sa.String(32), nullable=False),
    )
    found = op.get_bind().execute(
        sa.text("SELECT DISTINCT instrument_id FROM survey_responses WHERE status = 'submitted'")
    )
    rows = [{"instrument_id": i, "version": uuid.uuid4().hex} for (i,) in found]
    if rows:
        op.bulk_insert(versions, rows)


def downgrade() -> None:
    op.drop_table("survey_answer_versions")
