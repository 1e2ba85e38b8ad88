"""Survey tables. `survey_invitations` is the only one holding a person's id (who was asked); responses, their
answers and their themes are keyed by the person's pseudonym (a keyed hash whose key is not in the database)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from storage.tables import UTC_DT, Id, metadata

survey_campaigns = Table(
    "survey_campaigns",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("instrument_id", String(40), nullable=False),
    Column("instrument_version", Integer, nullable=False),
    Column("wave", String(20), nullable=False),
    Column("series", String(40), nullable=True),
    Column("rule_id", String(40), nullable=True),  # set: the standing campaign of a trigger rule
    Column("opens_at", UTC_DT, nullable=False),
    Column("closes_at", UTC_DT, nullable=True),
    Column("reminders", Integer, nullable=False),
    Column("audience", String(20), nullable=True),
    Column("audience_value", String(50), nullable=True),
    Column("created_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("form_token", String(64), nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    CheckConstraint("reminders BETWEEN 0 AND 2", name="at_most_two_reminders"),
    CheckConstraint("closes_at IS NULL OR closes_at > opens_at", name="closes_after_opening"),
    # One standing campaign per trigger rule (NULL rule ids, the admins' campaigns, are all distinct).
    UniqueConstraint("instrument_id", "rule_id", name="uq_survey_campaigns_rule"),
    # The same campaign form pressed twice starts one campaign.
    UniqueConstraint("form_token", name="uq_survey_campaigns_form_token"),
)


survey_invitations = Table(
    "survey_invitations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("campaign_id", Id, ForeignKey("survey_campaigns.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("opens_at", UTC_DT, nullable=False),
    Column("closes_at", UTC_DT, nullable=False),
    Column("sent_at", UTC_DT, nullable=True),
    Column("reminders_sent", Integer, nullable=False, server_default="0"),
    Column("created_at", UTC_DT, nullable=False),
    CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
    CheckConstraint("reminders_sent BETWEEN 0 AND 2", name="at_most_two_reminders"),
    # A person is asked at most once per campaign, so at most once per trigger.
    UniqueConstraint("campaign_id", "user_id", name="uq_survey_invitations_campaign_user"),
    Index("ix_survey_invitations_user", "user_id"),
    Index("ix_survey_invitations_unsent", "sent_at", "opens_at"),
    Index("ix_survey_invitations_campaign_opens", "campaign_id", "opens_at"),  # invited per campaign (0018)
)


survey_responses = Table(
    "survey_responses",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("campaign_id", Id, ForeignKey("survey_campaigns.id", ondelete="CASCADE"), nullable=False),
    Column("pseudonym", String(64), nullable=False),
    Column("instrument_id", String(40), nullable=False),
    Column("instrument_version", Integer, nullable=False),
    Column("series", String(40), nullable=True),
    Column("wave", String(20), nullable=False),
    Column("status", String(10), nullable=False),
    Column("section", Integer, nullable=False, server_default="0"),
    Column("answers", JSON, nullable=False),
    Column("site", String(50), nullable=True),
    Column("staff_group", String(50), nullable=True),
    Column("experience", String(50), nullable=True),
    Column("started_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    Column("submitted_at", UTC_DT, nullable=True),
    Column("revision", Integer, nullable=False, server_default="0"),  # up by one on every save (0018)
    CheckConstraint("status IN ('draft', 'submitted')", name="known_status"),
    CheckConstraint("section >= 0", name="section_not_negative"),
    # One response (draft or submitted) per person per campaign, found through the pseudonym.
    UniqueConstraint("campaign_id", "pseudonym", name="uq_survey_responses_campaign_pseudonym"),
    Index("ix_survey_responses_instrument", "instrument_id", "status"),
    Index("ix_survey_responses_status_campaign", "status", "campaign_id"),  # responses per campaign (0018)
)


# The numeric answers of submitted responses, one row each, kept by the repository (migration 0018 says why).
survey_values = Table(
    "survey_values",
    metadata,
    Column("response_id", Id, ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", String(40), primary_key=True),
    Column("campaign_id", Id, ForeignKey("survey_campaigns.id", ondelete="CASCADE"), nullable=False),
    Column("value", Float, nullable=False),
    Index("ix_survey_values_campaign_item", "campaign_id", "item_id", "value"),
)


# A response's scale score per scoring, valid while its key (the definition's hash) and revision match.
survey_scores = Table(
    "survey_scores",
    metadata,
    Column("response_id", Id, ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True),
    Column("scoring_id", String(40), primary_key=True),
    Column("scoring_key", String(32), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("score", Float, nullable=True),  # None: some item of the score was not answered on its scale
    Column("items", JSON, nullable=True),  # the answers of the score's items, in its order, when scored
)


# Which state of an instrument's submitted answers a reader saw (migration 0019): a fresh random version each time
# one of them is submitted or changed, written in the same transaction, so a copy derived from them can be kept
# until the version moves on (core.surveys.scoring keeps the scored responses in memory this way).
survey_answer_versions = Table(
    "survey_answer_versions",
    metadata,
    Column("instrument_id", String(40), primary_key=True),
    Column("version", String(32), nullable=False),
)


survey_themes = Table(
    "survey_themes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("instrument_id", String(40), nullable=False),
    Column("label", String(60), nullable=False),
    Column("label_key", String(60), nullable=False),  # lower case: one theme per label however it is typed
    Column("created_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    UniqueConstraint("instrument_id", "label_key", name="uq_survey_themes_instrument_label"),
)


survey_codes = Table(
    "survey_codes",
    metadata,
    Column("response_id", Id, ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True),
    Column("item_id", String(40), primary_key=True),
    Column("themes", JSON, nullable=False),  # theme ids; [] when no theme fits
    Column("coded_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("coded_at", UTC_DT, nullable=False),
)
