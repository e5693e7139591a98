"""sentence vectors of the FAQ's texts, keyed by encoder and text, for search by meaning

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.core.types

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "faq_text_vectors",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("encoder", sa.String(length=100), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_faq_text_vectors")),
    )


def downgrade() -> None:
    op.drop_table("faq_text_vectors")
