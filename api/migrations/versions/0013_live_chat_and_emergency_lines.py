"""live chat presence, waiting handoffs and departments' 24-hour lines

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-01 19:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.core.types

revision = "0013"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("emergency_phone", sa.String(length=40), nullable=True))
    # A handoff the citizen asked for (live chat) waits with no member of staff until one
    # takes it.
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.alter_column("staff", existing_type=sa.String(length=200), nullable=True)
    op.create_table(
        "staff_presence",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("last_seen_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["username"],
            ["staff_users.username"],
            name=op.f("fk_staff_presence_username_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_staff_presence")),
    )


def downgrade() -> None:
    op.drop_table("staff_presence")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.alter_column("staff", existing_type=sa.String(length=200), nullable=False)
    with op.batch_alter_table("departments", schema=None) as batch_op:
        batch_op.drop_column("emergency_phone")
