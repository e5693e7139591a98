"""Outbox deliveries: messages to citizens sent after the commit

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 20:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.core.types

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("retry_key", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", api.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_outbox_deliveries_case_id_cases"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_deliveries")),
        sa.UniqueConstraint("retry_key", name=op.f("uq_outbox_deliveries_retry_key")),
    )
    with op.batch_alter_table("outbox_deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_deliveries_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_deliveries_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outbox_deliveries_state"), ["state"], unique=False)
    with op.batch_alter_table("web_outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delivery_key", sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_web_outbox_messages_delivery_key"), ["delivery_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("web_outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_outbox_messages_delivery_key"))
        batch_op.drop_column("delivery_key")
    with op.batch_alter_table("outbox_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_deliveries_state"))
        batch_op.drop_index(batch_op.f("ix_outbox_deliveries_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_deliveries_case_id"))
    op.drop_table("outbox_deliveries")
