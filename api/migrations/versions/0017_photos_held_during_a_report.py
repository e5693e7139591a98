"""photos sent while a report is being made are held for the sender until the case opens

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-06 00:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_attachments") as batch:
        batch.alter_column("case_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("held_for", sa.String(length=200), nullable=True))
        batch.create_index(batch.f("ix_case_attachments_held_for"), ["held_for"])


def downgrade() -> None:
    op.execute("DELETE FROM case_attachments WHERE case_id IS NULL")
    with op.batch_alter_table("case_attachments") as batch:
        batch.drop_index(batch.f("ix_case_attachments_held_for"))
        batch.drop_column("held_for")
        batch.alter_column("case_id", existing_type=sa.Integer(), nullable=False)
