"""Surveys: campaigns, invitations (who was asked), pseudonymous responses, themes of free text.

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "survey_campaigns",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("instrument_id", sa.String(40), nullable=False),
        sa.Column("instrument_version", sa.Integer(), nullable=False),
        sa.Column("wave", sa.String(20), nullable=False),
        sa.Column("series", sa.String(40), nullable=True),
        sa.Column("rule_id", sa.String(40), nullable=True),
        sa.Column("opens_at", UTCDateTime(), nullable=False),
        sa.Column("closes_at", UTCDateTime(), nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(20), nullable=True),
        sa.Column("audience_value", sa.String(50), nullable=True),
        sa.Column("created_by", Id, nullable=True),
        sa.Column("form_token", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_survey_campaigns"),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name="fk_survey_campaigns_created_by_users", ondelete="SET NULL"
        ),
        sa.CheckConstraint("reminders BETWEEN 0 AND 2", name="ck_survey_campaigns_at_most_two_reminders"),
        sa.CheckConstraint(
            "closes_at IS NULL OR closes_at > opens_at", name="ck_survey_campaigns_closes_after_opening"
        ),
        sa.UniqueConstraint("instrument_id", "rule_id", name="uq_survey_campaigns_rule"),
        sa.UniqueConstraint("form_token", name="uq_survey_campaigns_form_token"),
    )
    op.create_table(
        "survey_invitations",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", Id, nullable=False),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("opens_at", UTCDateTime(), nullable=False),
        sa.Column("closes_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_survey_invitations"),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["survey_campaigns.id"],
            name="fk_survey_invitations_campaign_id_survey_campaigns",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_survey_invitations_user_id_users", ondelete="CASCADE"),
        sa.CheckConstraint("closes_at > opens_at", name="ck_survey_invitations_closes_after_opening"),
        sa.CheckConstraint("reminders_sent BETWEEN 0 AND 2", name="ck_survey_invitations_at_most_two_reminders"),
        sa.UniqueConstraint("campaign_id", "user_id", name="uq_survey_invitations_campaign_user"),
    )
    op.create_index("ix_survey_invitations_user", "survey_invitations", ["user_id"])
    op.create_index("ix_survey_invitations_unsent", "survey_invitations", ["sent_at", "opens_at"])
    op.create_table(
        "survey_responses",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", Id, nullable=False),
        sa.Column("pseudonym", sa.String(64), nullable=False),
        sa.Column("instrument_id", sa.String(40), nullable=False),
        sa.Column("instrument_version", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(40), nullable=True),
        sa.Column("wave", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("section", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("site", sa.String(50), nullable=True),
        sa.Column("staff_group", sa.String(50), nullable=True),
        sa.Column("experience", sa.String(50), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_survey_responses"),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["survey_campaigns.id"],
            name="fk_survey_responses_campaign_id_survey_campaigns",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name="ck_survey_responses_known_status"),
        sa.CheckConstraint("section >= 0", name="ck_survey_responses_section_not_negative"),
        sa.UniqueConstraint("campaign_id", "pseudonym", name="uq_survey_responses_campaign_pseudonym"),
    )
    op.create_index("ix_survey_responses_instrument", "survey_responses", ["instrument_id", "status"])
    op.create_table(
        "survey_themes",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("instrument_id", sa.String(40), nullable=False),
        sa.Column("label", sa.String(60), nullable=False),
        sa.Column("label_key", sa.String(60), nullable=False),
        sa.Column("created_by", Id, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_survey_themes"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_survey_themes_created_by_users", ondelete="SET NULL"),
        sa.UniqueConstraint("instrument_id", "label_key", name="uq_survey_themes_instrument_label"),
    )
    op.create_table(
        "survey_codes",
        sa.Column("response_id", Id, nullable=False),
        sa.Column("item_id", sa.String(40), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("coded_by", Id, nullable=True),
        sa.Column("coded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("response_id", "item_id", name="pk_survey_codes"),
        sa.ForeignKeyConstraint(
            ["response_id"], ["survey_responses.id"], name="fk_survey_codes_response_id_survey_responses", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["coded_by"], ["users.id"], name="fk_survey_codes_coded_by_users", ondelete="SET NULL"),
    )


def downgrade() -> None:
    op.drop_table("survey_codes")
    op.drop_table("survey_themes")
    op.drop_index("ix_survey_responses_instrument", table_name="survey_responses")
    op.drop_table("survey_responses")
    op.drop_index("ix_survey_invitations_unsent", table_name="survey_invitations")
    op.drop_index("ix_survey_invitations_user", table_name="survey_invitations")
    op.drop_table("survey_invitations")
    op.drop_table("survey_campaigns")
