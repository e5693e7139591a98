"""web chat sessions, sign-in throttles, case access codes and erasure marks

Revision ID: 0014
Revises: 0017
Create Date: 2026-12-05 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.core.types

revision = "0014"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_chat_sessions",
        sa.Column("sender_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender_id", name=op.f("pk_web_chat_sessions")),
    )
    with op.batch_alter_table("web_chat_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_web_chat_sessions_last_seen_at"), ["last_seen_at"], unique=False
        )
    op.create_table(
        "sign_in_throttles",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", api.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_throttles")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("access_code", sa.String(length=12), nullable=True))
        batch_op.add_column(
            sa.Column("access_code_failures", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "personal_data_erased_at",
                api.core.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("personal_data_erased_at")
        batch_op.drop_column("access_code_failures")
        batch_op.drop_column("access_code")
    op.drop_table("sign_in_throttles")
    with op.batch_alter_table("web_chat_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_chat_sessions_last_seen_at"))
    op.drop_table("web_chat_sessions")
