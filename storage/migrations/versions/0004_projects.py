"""QI projects: the register (drafts through to completion), team, measures with data points, PDSA cycles.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('projects',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('lead_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('wizard_step', sa.Integer(), server_default='1', nullable=False),
    sa.Column('title', sa.String(length=120), nullable=True),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.Column('site', sa.String(length=50), nullable=True),
    sa.Column('division', sa.String(length=40), nullable=True),
    sa.Column('strategic_aim', sa.String(length=40), nullable=True),
    sa.Column('aim_what', sa.String(length=200), nullable=True),
    sa.Column('aim_who', sa.String(length=200), nullable=True),
    sa.Column('aim_how_much', sa.String(length=200), nullable=True),
    sa.Column('aim_by', sa.Date(), nullable=True),
    sa.Column('sponsor', sa.String(length=120), nullable=True),
    sa.Column('coach_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('needs_coach', sa.Boolean(), server_default=sa.text('(false)'), nullable=False),
    sa.Column('governance', sa.String(length=20), nullable=True),
    sa.Column('progress_score', sa.Float(), nullable=True),
    sa.Column('approval_comment', sa.String(length=500), nullable=True),
    sa.Column('approved_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('submitted_at', UTCDateTime(), nullable=True),
    sa.Column('approved_at', UTCDateTime(), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("governance IS NULL OR governance IN ('qi', 'audit', 'service_evaluation', 'research')", name=op.f('ck_projects_known_governance')),
    sa.CheckConstraint("status = 'draft' OR governance <> 'research'", name=op.f('ck_projects_research_not_registered')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'approved', 'active', 'completed', 'stopped')", name=op.f('ck_projects_known_status')),
    sa.CheckConstraint('progress_score IS NULL OR (progress_score BETWEEN 0.5 AND 5.0 AND progress_score * 2 = ROUND(progress_score * 2))', name=op.f('ck_projects_ihi_progress_score')),
    sa.CheckConstraint('wizard_step BETWEEN 1 AND 6', name=op.f('ck_projects_wizard_step_1_to_6')),
    sa.ForeignKeyConstraint(['approved_by'], ['users.id'], name=op.f('fk_projects_approved_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['coach_id'], ['users.id'], name=op.f('fk_projects_coach_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_id'], ['users.id'], name=op.f('fk_projects_lead_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index('ix_projects_lead', ['lead_id'], unique=False)
        batch_op.create_index('ix_projects_status_site', ['status', 'site'], unique=False)

    op.create_table('pdsa_cycles',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('prediction', sa.Text(), nullable=False),
    sa.Column('do', sa.Text(), nullable=True),
    sa.Column('study', sa.Text(), nullable=True),
    sa.Column('act', sa.String(length=8), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("act IS NULL OR act IN ('adopt', 'adapt', 'abandon')", name=op.f('ck_pdsa_cycles_known_act')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_pdsa_cycles_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_pdsa_cycles_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pdsa_cycles'))
    )
    op.create_table('project_measures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('chart', sa.String(length=4), server_default='run', nullable=False),
    sa.Column('improvement', sa.String(length=10), server_default='increase', nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("chart IN ('run', 'xmr')", name=op.f('ck_project_measures_known_chart')),
    sa.CheckConstraint("improvement IN ('increase', 'decrease')", name=op.f('ck_project_measures_known_improvement')),
    sa.CheckConstraint("kind IN ('outcome', 'process', 'balancing')", name=op.f('ck_project_measures_known_kind')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_measures_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_measures'))
    )
    op.create_table('project_members',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_members_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_project_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_members'))
    )
    op.create_table('measure_points',
    sa.Column('measure_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('recorded_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['measure_id'], ['project_measures.id'], name=op.f('fk_measure_points_measure_id_project_measures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('measure_id', 'on_date', name=op.f('pk_measure_points'))
    )


    op.create_table(
        "project_evaluations",
        sa.Column("project_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("sustain", sa.Text(), nullable=False),
        sa.Column("spread", sa.Text(), nullable=True),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=False),
        sa.Column("aim_achieved", sa.Integer(), nullable=True),
        sa.Column("measurement", sa.Integer(), nullable=True),
        sa.Column("pdsa_discipline", sa.Integer(), nullable=True),
        sa.Column("patient_involvement", sa.Integer(), nullable=True),
        sa.Column("sustainability", sa.Integer(), nullable=True),
        sa.Column("coach_comment", sa.Text(), nullable=True),
        sa.Column("scored_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("scored_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("decision IN ('adopt', 'adapt', 'abandon')", name=op.f("ck_project_evaluations_known_decision")),
        sa.CheckConstraint(
            "(aim_achieved IS NULL OR aim_achieved BETWEEN 1 AND 4) AND (measurement IS NULL OR measurement BETWEEN 1 AND 4)"
            " AND (pdsa_discipline IS NULL OR pdsa_discipline BETWEEN 1 AND 4)"
            " AND (patient_involvement IS NULL OR patient_involvement BETWEEN 1 AND 4)"
            " AND (sustainability IS NULL OR sustainability BETWEEN 1 AND 4)",
            name=op.f("ck_project_evaluations_rubric_1_to_4"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_project_evaluations_project_id_projects"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["scored_by"], ["users.id"], name=op.f("fk_project_evaluations_scored_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_project_evaluations")),
    )


def downgrade() -> None:
    op.drop_table("project_evaluations")
    op.drop_table('measure_points')
    op.drop_table('project_members')
    op.drop_table('project_measures')
    op.drop_table('pdsa_cycles')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_status_site')
        batch_op.drop_index('ix_projects_lead')

    op.drop_table('projects')
