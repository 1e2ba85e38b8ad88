"""The survey answers the reports count, kept as numbers (issue 16: the survey report and the dashboard's
self-efficacy pairs read every response's JSON answers on each open, about a second on five years of responses).

- `ix_survey_responses_status_campaign` and `ix_survey_invitations_campaign_opens`: the submitted responses and
  the invitations per campaign, counted from an index alone.
- `survey_responses.revision` goes up on every save of a response, so a number derived from it can say which
  answers it was derived from.
- `survey_values`: every numeric answer of a submitted response, one row per item, with its campaign, written by
  the repository as a response is submitted or its answers change. The waves' item means are one GROUP BY on a
  covering index. Backfilled here from the answers (no content is needed: a numeric answer is a JSON number).
- `survey_scores`: a response's scale score and the answers of the score's items, per scoring, under the
  scoring's key (a hash of its definition in content) and the response's revision. A score whose key or revision
  no longer matches is not used and is computed again, so a changed answer or a changed definition can never be
  counted with a stale score. Not backfilled: scoring needs the content; the first report computes them.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
CHUNK = 1000


def _numbers(answers) -> list[tuple[str, float]]:
    if isinstance(answers, str):
        answers = json.loads(answers)
    return [(k, float(v)) for k, v in (answers or {}).items() if isinstance(v, int | float) and not isinstance(v, bool)]


def upgrade() -> None:
    op.add_column("survey_responses", sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_survey_responses_status_campaign", "survey_responses", ["status", "campaign_id"])
    op.create_index("ix_survey_invitations_campaign_opens", "survey_invitations", ["campaign_id", "opens_at"])
    values = op.create_table(
        "survey_values",
        sa.Column("response_id", Id, sa.ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("item_id", sa.String(40), primary_key=True),
        sa.Column("campaign_id", Id, sa.ForeignKey("survey_campaigns.id", ondelete="CASCADE"), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
    )
    op.create_index("ix_survey_values_campaign_item", "survey_values", ["campaign_id", "item_id", "value"])
    op.create_table(
        "survey_scores",
        sa.Column("response_id", Id, sa.ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("scoring_id", sa.String(40), primary_key=True),
        sa.Column("scoring_key", sa.String(32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=True),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, campaign_id, answers FROM survey_responses WHERE status = 'submitted' ORDER BY id")
    ).all()
    found = [
        {"response_id": rid, "item_id": item, "campaign_id": cid, "value": value}
        for rid, cid, answers in rows
        for item, value in _numbers(answers)
    ]
    for start in range(0, len(found), CHUNK):
        op.bulk_insert(values, found[start : start + CHUNK])


def downgrade() -> None:
    op.drop_table("survey_scores")
    op.drop_index("ix_survey_values_campaign_item", table_name="survey_values")
    op.drop_table("survey_values")
    op.drop_index("ix_survey_invitations_campaign_opens", table_name="survey_invitations")
    op.drop_index("ix_survey_responses_status_campaign", table_name="survey_responses")
    op.drop_column("survey_responses", "revision")
