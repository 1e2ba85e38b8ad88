"""Project tables: the register, team, measures and their data (with the limits the team fixed or rebased), PDSA
cycles, evaluations, and the cards already acted on (a double-tap acts once)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from storage.tables import UTC_DT, Id, metadata

NEW_DRAFT = "status = 'draft' AND submitted_at IS NULL"

projects = Table(
    "projects",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("lead_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(12), nullable=False),
    Column("wizard_step", Integer, nullable=False, server_default="1"),
    Column("title", String(120), nullable=True),
    Column("problem", Text, nullable=True),
    Column("site", String(50), nullable=True),
    Column("division", String(40), nullable=True),
    Column("strategic_aim", String(40), nullable=True),
    Column("aim_what", String(200), nullable=True),
    Column("aim_who", String(200), nullable=True),
    Column("aim_how_much", String(200), nullable=True),
    Column("aim_by", Date, nullable=True),
    Column("sponsor", String(120), nullable=True),
    Column("coach_id", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("needs_coach", Boolean, nullable=False, server_default=text("false")),
    Column("governance", String(20), nullable=True),
    Column("progress_score", Float, nullable=True),
    Column("approval_comment", String(500), nullable=True),
    Column("approved_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("submitted_at", UTC_DT, nullable=True),
    Column("approved_at", UTC_DT, nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    Column("updated_at", UTC_DT, nullable=False),
    CheckConstraint(
        "status IN ('draft', 'submitted', 'approved', 'active', 'completed', 'stopped')", name="known_status"
    ),
    CheckConstraint("wizard_step BETWEEN 1 AND 6", name="wizard_step_1_to_6"),
    CheckConstraint(
        "governance IS NULL OR governance IN ('qi', 'audit', 'service_evaluation', 'research')", name="known_governance"
    ),
    CheckConstraint(
        "progress_score IS NULL OR "
        "(progress_score BETWEEN 0.5 AND 5.0 AND progress_score * 2 = ROUND(progress_score * 2))",
        name="ihi_progress_score",
    ),
    CheckConstraint("status = 'draft' OR governance <> 'research'", name="research_not_registered"),
    Index("ix_projects_lead", "lead_id"),
    Index("ix_projects_submitted_at", "submitted_at"),  # the programme measures' projects registered a month
    Index("ix_projects_status_site", "status", "site"),
    # One new draft per lead: thirty copies of "register project" make one. A project returned for changes is a
    # draft again but was submitted before, so it does not count against the lead's new draft.
    Index(
        "uq_projects_one_new_draft",
        "lead_id",
        unique=True,
        sqlite_where=text(NEW_DRAFT),
        postgresql_where=text(NEW_DRAFT),
    ),
)


project_members = Table(
    "project_members",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(120), nullable=False),
    Column("role", String(120), nullable=False),
    Column("position", Integer, nullable=False),
    # Set when a colleague who uses the bot joined the team (asked, and the lead accepted): they may then update
    # the project. Members typed in by name only have no user.
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    # A bot user is on a team once (thirty copies of "accept" add one row); names typed in have no user_id, and
    # NULLs never collide.
    Index("uq_project_members_user", "project_id", "user_id", unique=True),
)


project_measures = Table(
    "project_measures",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("name", String(120), nullable=False),
    Column("definition", Text, nullable=False),
    Column("chart", String(4), nullable=False, server_default="run"),
    Column("improvement", String(10), nullable=False, server_default="increase"),
    Column("position", Integer, nullable=False),
    # XmR limits fixed on the first n points of each segment (NHSRplotthedots' fix_after_n_points, at least 12);
    # NULL: the limits are computed from all the points.
    Column("fix_after", Integer, nullable=True),
    CheckConstraint("kind IN ('outcome', 'process', 'balancing')", name="known_kind"),
    CheckConstraint("fix_after IS NULL OR fix_after >= 12", name="fix_after_12_or_more"),
    CheckConstraint("chart IN ('run', 'xmr')", name="known_chart"),
    CheckConstraint("improvement IN ('increase', 'decrease')", name="known_improvement"),
)


measure_points = Table(
    "measure_points",
    metadata,
    Column("measure_id", Id, ForeignKey("project_measures.id", ondelete="CASCADE"), primary_key=True),
    Column("on_date", Date, primary_key=True),
    Column("value", Float, nullable=False),
    Column("recorded_at", UTC_DT, nullable=False),
)


# Where the team rebased a measure's XmR limits (after a sustained, explained change), and why.
measure_rebases = Table(
    "measure_rebases",
    metadata,
    Column("measure_id", Id, ForeignKey("project_measures.id", ondelete="CASCADE"), primary_key=True),
    Column("on_date", Date, primary_key=True),
    Column("reason", String(200), nullable=False),
    Column("created_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTC_DT, nullable=False),
)


pdsa_cycles = Table(
    "pdsa_cycles",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("project_id", Id, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("plan", Text, nullable=False),
    Column("prediction", Text, nullable=False),
    Column("do", Text, nullable=True),
    Column("study", Text, nullable=True),
    Column("act", String(8), nullable=True),
    Column("created_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UTC_DT, nullable=False),
    CheckConstraint("act IS NULL OR act IN ('adopt', 'adapt', 'abandon')", name="known_act"),
)


# The cards already acted on: a card that adds something (a PDSA cycle, a data point) carries an opaque nonce made
# when it was shown; the first use stores it, so a double-tap or a retried request adds nothing more.
project_card_uses = Table(
    "project_card_uses",
    metadata,
    Column("project_id", Id, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("nonce", String(64), primary_key=True),
    Column("used_at", UTC_DT, nullable=False),
)


project_evaluations = Table(
    "project_evaluations",
    metadata,
    Column("project_id", Id, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("results", Text, nullable=False),
    Column("decision", String(8), nullable=False),
    Column("sustain", Text, nullable=False),
    Column("spread", Text, nullable=True),
    Column("lessons", Text, nullable=False),
    Column("submitted_at", UTC_DT, nullable=False),
    Column("aim_achieved", Integer, nullable=True),
    Column("measurement", Integer, nullable=True),
    Column("pdsa_discipline", Integer, nullable=True),
    Column("patient_involvement", Integer, nullable=True),
    Column("sustainability", Integer, nullable=True),
    Column("coach_comment", Text, nullable=True),
    Column("scored_by", Id, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("scored_at", UTC_DT, nullable=True),
    CheckConstraint("decision IN ('adopt', 'adapt', 'abandon')", name="known_decision"),
    CheckConstraint(
        "(aim_achieved IS NULL OR aim_achieved BETWEEN 1 AND 4)"
        " AND (measurement IS NULL OR measurement BETWEEN 1 AND 4)"
        " AND (pdsa_discipline IS NULL OR pdsa_discipline BETWEEN 1 AND 4)"
        " AND (patient_involvement IS NULL OR patient_involvement BETWEEN 1 AND 4)"
        " AND (sustainability IS NULL OR sustainability BETWEEN 1 AND 4)",
        name="rubric_1_to_4",
    ),
)
