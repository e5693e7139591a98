"""Department names in other languages

Revision ID: 0026
Revises: 0021
Create Date: 2026-12-06 16:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("names", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_column("names")
