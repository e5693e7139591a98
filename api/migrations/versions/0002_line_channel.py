"""LINE channel: webhook inbox and case attachments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 16:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.core.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "line_inbox_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("webhook_event_id", sa.String(length=100), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("is_redelivery", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("received_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", api.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("processed_at", api.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_inbox_events")),
        sa.UniqueConstraint("webhook_event_id", name=op.f("uq_line_inbox_events_webhook_event_id")),
    )
    with op.batch_alter_table("line_inbox_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_line_inbox_events_status"), ["status"], unique=False)

    op.create_table(
        "case_attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_attachments_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_attachments")),
    )
    with op.batch_alter_table("case_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_attachments_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_attachments_case_id"))
    op.drop_table("case_attachments")
    with op.batch_alter_table("line_inbox_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_line_inbox_events_status"))
    op.drop_table("line_inbox_events")
