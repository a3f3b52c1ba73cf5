"""API keys of other reporting systems (Open311); an opaque reporter key on reports

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04

Reporting systems such as FixMyStreet send residents' reports over Open311 GeoReport v2
with a key an administrator gave them; only the key's SHA-256 is stored. A report from
such a system has no author, so ``reporter_key`` says who counts as its reporter for the
hot-spot rule (an opaque value, never the resident's email or phone as sent).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_requests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("reporter_key", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("reporter_key")
    op.drop_table("api_keys")
