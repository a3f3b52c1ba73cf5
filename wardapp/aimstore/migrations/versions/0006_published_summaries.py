"""summaries published once; out-of-ward reports wait for an analyst

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04

A closed period is published at its first read on or after its publication day and then
frozen, one row per (period, version) and one per (scope, period, version). The per-year
version counter that invalidated cached summaries is no longer needed. Reports a
councillor made outside their own wards are marked, so summaries count them only once an
analyst has assessed them; existing reports keep counting as they did.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "summary_publications",
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=True),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("cut", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("period", "version", name=op.f("pk_summary_publications")),
    )
    op.create_table(
        "summary_tables",
        sa.Column("scope_kind", sa.String(length=8), nullable=False),
        sa.Column("scope_code", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period", "version"],
            ["summary_publications.period", "summary_publications.version"],
            name=op.f("fk_summary_tables_period_summary_publications"),
        ),
        sa.PrimaryKeyConstraint(
            "scope_kind", "scope_code", "period", "version", name=op.f("pk_summary_tables")
        ),
    )
    with op.batch_alter_table("reports") as batch:
        batch.add_column(
            sa.Column("out_of_ward", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.drop_table("summary_years")


def downgrade() -> None:
    op.create_table(
        "summary_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_summary_years")),
    )
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("out_of_ward")
    op.drop_table("summary_tables")
    op.drop_table("summary_publications")
