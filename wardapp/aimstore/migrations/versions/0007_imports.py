"""imports from other sources: import runs, import keys, month-precision dates

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04

An import key (source, external key) is unique, so a file imported twice, or two
overlapping downloads, never create a record twice. Each import's state and counts are a
row, so any worker can answer for an import another worker runs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("outside_area", sa.Integer(), nullable=False),
        sa.Column("no_location", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("published_periods", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    op.create_table(
        "import_keys",
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("external_key", sa.String(length=200), nullable=False),
        sa.Column("report_id", sa.String(length=36), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("source", "external_key", name=op.f("pk_import_keys")),
    )
    with op.batch_alter_table("reports") as batch:
        batch.add_column(
            sa.Column(
                "occurred_precision", sa.String(length=8), nullable=False, server_default="day"
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("occurred_precision")
    op.drop_table("import_keys")
    op.drop_table("imports")
