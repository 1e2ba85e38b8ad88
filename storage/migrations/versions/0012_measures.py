"""Programme measures: staff headcount by month, site and staff group; the roles check's name; indexes for the
measures' evidence (awards by award and date, projects by the date they were submitted).

Revision ID: 0012
Revises: 0013
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = "0012"
down_revision = "0013"
branch_labels = None
depends_on = None

# The programme lead role itself came with 0011 (announcements): this only gives the check its conventional name.
OLD_ROLES = NEW_ROLES = "role IN ('coach', 'facilitator', 'lead', 'admin')"
OLD_NAME, NEW_NAME = "ck_user_roles_ck_user_roles_known_role", "ck_user_roles_known_role"


def _roles(check: str, *, drop: str, create: str) -> None:
    # batch mode: SQLite cannot alter a CHECK constraint, so the table is copied; PostgreSQL alters it in place.
    # op.f: the names as they are in the database (0001's got the naming convention twice).
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_constraint(op.f(drop), type_="check")
        batch.create_check_constraint(op.f(create), check)


def upgrade() -> None:
    op.create_table(
        "measure_headcount",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("site", sa.String(40), nullable=False),
        sa.Column("staff_group", sa.String(40), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("month", "site", "staff_group", name="pk_measure_headcount"),
        sa.CheckConstraint("headcount >= 0", name="headcount_not_negative"),
    )
    op.create_index("ix_learning_awards_award_awarded_at", "learning_awards", ["award", "awarded_at"])
    op.create_index("ix_projects_submitted_at", "projects", ["submitted_at"])
    _roles(NEW_ROLES, drop=OLD_NAME, create=NEW_NAME)


def downgrade() -> None:
    _roles(OLD_ROLES, drop=NEW_NAME, create=OLD_NAME)
    op.drop_index("ix_projects_submitted_at", table_name="projects")
    op.drop_index("ix_learning_awards_award_awarded_at", table_name="learning_awards")
    op.drop_table("measure_headcount")
