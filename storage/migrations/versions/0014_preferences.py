"""A person's message preferences have one name in every layer: `nudge_preferences` becomes `preferences` and
`nudge_opt_outs` becomes `preference_opt_outs`, with their constraints renamed to match.

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from storage.tables import UTCDateTime

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

HOURS_ALL_OR_NOTHING = (
    "(work_days IS NULL AND work_start IS NULL AND work_end IS NULL) OR "
    "(work_days IS NOT NULL AND work_start IS NOT NULL AND work_end IS NOT NULL)"
)


def _preferences(name: str) -> sa.Table:
    """The preferences table as it stands at this revision, with constraints named after `name`."""
    return sa.Table(
        name,
        sa.MetaData(),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("work_days", sa.String(20), nullable=True),
        sa.Column("work_start", sa.Time(), nullable=True),
        sa.Column("work_end", sa.Time(), nullable=True),
        sa.Column("paused_until", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("learning_time", sa.Time(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", name=f"pk_{name}"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=f"fk_{name}_user_id_users", ondelete="CASCADE"),
        sa.CheckConstraint(HOURS_ALL_OR_NOTHING, name=f"ck_{name}_hours_all_or_nothing"),
    )


def _opt_outs(name: str) -> sa.Table:
    return sa.Table(
        name,
        sa.MetaData(),
        sa.Column("user_id", Id, nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "category", name=f"pk_{name}"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=f"fk_{name}_user_id_users", ondelete="CASCADE"),
    )


RENAMES = (  # (old name, new name, the table as it stands at this revision)
    ("nudge_preferences", "preferences", _preferences),
    ("nudge_opt_outs", "preference_opt_outs", _opt_outs),
)


def _renamed(constraint: str, old: str, new: str) -> str:
    """`pk_old` -> `pk_new`, `fk_old_user_id_users` -> `fk_new_user_id_users`. The check constraint was created
    as `ck_old_ck_old_hours_all_or_nothing` (the naming convention prefixed an already prefixed name): it becomes
    the name the tables declare, `ck_new_hours_all_or_nothing`."""
    kind = constraint[:2]
    suffix = constraint.rsplit(f"{old}", 1)[1]
    return f"{kind}_{new}{suffix}"


def _rename(old: str, new: str, table) -> None:
    op.rename_table(old, new)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # Renaming the primary key constraint renames its index too.
        names = bind.execute(
            sa.text("SELECT conname FROM pg_constraint WHERE conrelid = CAST(:table AS regclass) ORDER BY conname"),
            {"table": f'"{new}"'},
        ).scalars()
        for name in list(names):
            op.execute(f'ALTER TABLE "{new}" RENAME CONSTRAINT "{name}" TO "{_renamed(name, old, new)}"')
    else:
        # SQLite keeps constraint names in the table's CREATE statement: rebuild it with the new names.
        with op.batch_alter_table(new, recreate="always", copy_from=table(new)):
            pass


def upgrade() -> None:
    for old, new, table in RENAMES:
        _rename(old, new, table)


def downgrade() -> None:
    for old, new, table in reversed(RENAMES):
        _rename(new, old, table)
