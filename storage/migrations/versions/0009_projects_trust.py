"""Projects: a double-tap acts once (one new draft per lead, one team row per bot user, the cards already acted
on), and the XmR limits a team fixes on a baseline or rebases at a date with a reason.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
NEW_DRAFT = "status = 'draft' AND submitted_at IS NULL"


# A lead's extra new drafts, made by racing taps before the index: empty (nobody typed a title into them, as the
# wizard only ever shows one draft), and not the one kept (a titled one, else the one changed last).
DOOMED_DRAFTS = (
    "SELECT p.id FROM projects AS p WHERE p.status = 'draft' AND p.submitted_at IS NULL AND p.title IS NULL"
    " AND EXISTS (SELECT 1 FROM projects AS kept WHERE kept.lead_id = p.lead_id AND kept.id <> p.id"
    " AND kept.status = 'draft' AND kept.submitted_at IS NULL AND (kept.title IS NOT NULL"
    " OR kept.updated_at > p.updated_at OR (kept.updated_at = p.updated_at AND kept.id > p.id)))"
)


def _drop_duplicates() -> None:
    """Before the unique indexes, the copies that racing taps made (children first: SQLite migrates with foreign
    keys off, so nothing cascades). Of one person's team rows on a project the first is kept."""
    for child in ("project_members", "project_measures"):
        op.execute(f"DELETE FROM {child} WHERE project_id IN ({DOOMED_DRAFTS})")
    op.execute(f"DELETE FROM projects WHERE id IN ({DOOMED_DRAFTS})")
    op.execute(
        "DELETE FROM project_members WHERE user_id IS NOT NULL AND EXISTS ("
        " SELECT 1 FROM project_members AS kept WHERE kept.project_id = project_members.project_id"
        " AND kept.user_id = project_members.user_id AND kept.id < project_members.id)"
    )


def upgrade() -> None:
    _drop_duplicates()
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(
            'uq_projects_one_new_draft',
            ['lead_id'],
            unique=True,
            sqlite_where=sa.text(NEW_DRAFT),
            postgresql_where=sa.text(NEW_DRAFT),
        )
    with op.batch_alter_table('project_members', schema=None) as batch_op:
        batch_op.create_index('uq_project_members_user', ['project_id', 'user_id'], unique=True)
    with op.batch_alter_table('project_measures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fix_after', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_project_measures_fix_after_12_or_more'), 'fix_after IS NULL OR fix_after >= 12')

    op.create_table('measure_rebases',
    sa.Column('measure_id', ID, nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_measure_rebases_created_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['measure_id'], ['project_measures.id'], name=op.f('fk_measure_rebases_measure_id_project_measures'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('measure_id', 'on_date', name=op.f('pk_measure_rebases'))
    )
    op.create_table('project_card_uses',
    sa.Column('project_id', ID, nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('used_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_card_uses_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', 'nonce', name=op.f('pk_project_card_uses'))
    )


def downgrade() -> None:
    op.drop_table('project_card_uses')
    op.drop_table('measure_rebases')
    with op.batch_alter_table('project_measures', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_project_measures_fix_after_12_or_more'), type_='check')
        batch_op.drop_column('fix_after')
    with op.batch_alter_table('project_members', schema=None) as batch_op:
        batch_op.drop_index('uq_project_members_user')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('uq_projects_one_new_draft')
