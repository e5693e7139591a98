"""learned phrasings of FAQ entries and the conversations that confirmed them

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 12:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.core.types

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learned_phrasings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("faq_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("confirmations", sa.Integer(), nullable=False),
        sa.Column("created_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state_changed_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("activated_at", api.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.String(length=200), nullable=True),
        sa.Column("removed_at", api.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["faq_id"],
            ["faq_entries.id"],
            name=op.f("fk_learned_phrasings_faq_id_faq_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learned_phrasings")),
        sa.UniqueConstraint("faq_id", "key", name=op.f("uq_learned_phrasings_faq_id")),
    )
    with op.batch_alter_table("learned_phrasings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learned_phrasings_faq_id"), ["faq_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_learned_phrasings_state"), ["state"], unique=False)

    op.create_table(
        "learned_phrasing_confirmations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("phrasing_id", sa.Integer(), nullable=False),
        sa.Column("conversation_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", api.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["phrasing_id"],
            ["learned_phrasings.id"],
            name=op.f("fk_learned_phrasing_confirmations_phrasing_id_learned_phrasings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learned_phrasing_confirmations")),
        sa.UniqueConstraint(
            "phrasing_id",
            "conversation_hash",
            name=op.f("uq_learned_phrasing_confirmations_phrasing_id"),
        ),
    )
    with op.batch_alter_table("learned_phrasing_confirmations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learned_phrasing_confirmations_conversation_hash"),
            ["conversation_hash"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_learned_phrasing_confirmations_phrasing_id"),
            ["phrasing_id"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("learned_phrasing_confirmations")
    op.drop_table("learned_phrasings")
