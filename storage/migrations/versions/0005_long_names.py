"""Display names up to 256 characters (Teams allows them) and ids up to 256, on PostgreSQL as on SQLite.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

WIDER = {
    "users": {"teams_user_id": (200, 256), "aad_object_id": (64, 256), "tenant_id": (64, 256), "name": (200, 256)},
    "conversation_addresses": {
        "tenant_id": (64, 256),
        "bot_id": (200, 256),
        "bot_name": (200, 256),
        "user_aad_id": (64, 256),
        "user_name": (200, 256),
    },
}


def _alter(sizes_index: int) -> None:
    for table, columns in WIDER.items():
        with op.batch_alter_table(table) as batch:
            for column, sizes in columns.items():
                batch.alter_column(
                    column,
                    existing_type=sa.String(length=sizes[1 - sizes_index]),
                    type_=sa.String(length=sizes[sizes_index]),
                )


def upgrade() -> None:
    _alter(1)


def downgrade() -> None:
    _alter(0)
