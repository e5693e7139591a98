"""report categories, open311 clients and requests, case links

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-06 00:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import api.core.types

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open311_clients",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_prefix", sa.String(length=12), nullable=False),
        sa.Column("requests_per_minute", sa.Integer(), nullable=False),
        sa.Column("window_started_at", api.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("window_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", api.core.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_clients")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_clients_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_open311_clients_name")),
    )
    op.create_table(
        "report_categories",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("department_code", sa.String(length=64), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_code"],
            ["departments.code"],
            name=op.f("fk_report_categories_department_code_departments"),
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_report_categories")),
    )
    with op.batch_alter_table("report_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_categories_department_code"), ["department_code"], unique=False
        )

    op.create_table(
        "case_links",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_links_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["cases.id"],
            name=op.f("fk_case_links_duplicate_of_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_links")),
    )
    with op.batch_alter_table("case_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_links_duplicate_of_id"), ["duplicate_of_id"], unique=False
        )

    op.create_table(
        "open311_requests",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("public_description", sa.Text(), nullable=False),
        sa.Column("address_string", sa.Text(), nullable=True),
        sa.Column("media_url", sa.String(length=2000), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("created_at", api.core.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_open311_requests_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["open311_clients.id"],
            name=op.f("fk_open311_requests_client_id_open311_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["service_code"],
            ["report_categories.code"],
            name=op.f("fk_open311_requests_service_code_report_categories"),
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_open311_requests")),
    )
    with op.batch_alter_table("open311_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_open311_requests_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_open311_requests_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_open311_requests_service_code"), ["service_code"], unique=False
        )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_latitude"), ["latitude"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_latitude"))

    with op.batch_alter_table("open311_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open311_requests_service_code"))
        batch_op.drop_index(batch_op.f("ix_open311_requests_created_at"))
        batch_op.drop_index(batch_op.f("ix_open311_requests_client_id"))

    op.drop_table("open311_requests")
    with op.batch_alter_table("case_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_links_duplicate_of_id"))

    op.drop_table("case_links")
    with op.batch_alter_table("report_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_categories_department_code"))

    op.drop_table("report_categories")
    op.drop_table("open311_clients")
