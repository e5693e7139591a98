"""English text of FAQ entries

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("faq_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("answer_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("faq_entries", schema=None) as batch_op:
        batch_op.drop_column("answer_en")
        batch_op.drop_column("question_en")
