"""summary aggregates and neighbourhood areas

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

Summaries read pre-aggregated counts (ward x category x month, and ward x month x H3 cell
x category x reporter) that the store updates in the transaction accepting each report.
Existing reports are counted here once. Areas are named groups of wards.
"""

from collections import Counter
from collections.abc import Sequence

import h3  # type: ignore[import-untyped]
import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STORED_RESOLUTION = 8  # as wardapp.aimstore.aggregates.STORED_RESOLUTION at this revision


def upgrade() -> None:
    counts = op.create_table(
        "summary_counts",
        sa.Column("ward_code", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ward_code", "category", "month", name=op.f("pk_summary_counts")),
    )
    op.create_index(op.f("ix_summary_counts_month"), "summary_counts", ["month"])
    hexes = op.create_table(
        "summary_hexes",
        sa.Column("ward_code", sa.String(length=16), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("cell", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("reporter", sa.String(length=80), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "ward_code", "month", "cell", "category", "reporter", name=op.f("pk_summary_hexes")
        ),
    )
    op.create_index(op.f("ix_summary_hexes_month"), "summary_hexes", ["month"])
    years = op.create_table(
        "summary_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_summary_years")),
    )
    op.create_table(
        "areas",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_areas")),
    )
    op.create_table(
        "area_wards",
        sa.Column("area_code", sa.String(length=16), nullable=False),
        sa.Column("ward_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_code"], ["areas.code"], name=op.f("fk_area_wards_area_code_areas")
        ),
        sa.PrimaryKeyConstraint("area_code", "ward_code", name=op.f("pk_area_wards")),
    )
    _count_existing_reports(counts, hexes, years)


def _count_existing_reports(counts: sa.Table, hexes: sa.Table, years: sa.Table) -> None:
    reports = sa.table(
        "reports",
        sa.column("ward_code", sa.String),
        sa.column("category", sa.String),
        sa.column("occurred_on", sa.Date),
        sa.column("lat", sa.Float),
        sa.column("lon", sa.Float),
        sa.column("author_id", sa.Integer),
        sa.column("source", sa.String),
        sa.column("withdrawn", sa.Boolean),
    )
    by_month: Counter[tuple[str, str, object]] = Counter()
    by_cell: Counter[tuple[str, object, str, str, str]] = Counter()
    rows = op.get_bind().execute(sa.select(reports).where(reports.c.withdrawn == sa.false()))
    for row in rows:
        month = row.occurred_on.replace(day=1)
        cell = h3.latlng_to_cell(row.lat, row.lon, STORED_RESOLUTION)
        reporter = f"user:{row.author_id}" if row.author_id is not None else f"source:{row.source}"
        by_month[(row.ward_code, row.category, month)] += 1
        by_cell[(row.ward_code, month, cell, row.category, reporter)] += 1
    if by_month:
        op.bulk_insert(
            counts,
            [
                {"ward_code": w, "category": c, "month": m, "reports": n}
                for (w, c, m), n in by_month.items()
            ],
        )
        op.bulk_insert(
            hexes,
            [
                {"ward_code": w, "month": m, "cell": h, "category": c, "reporter": r, "reports": n}
                for (w, m, h, c, r), n in by_cell.items()
            ],
        )
        op.bulk_insert(
            years,
            [{"year": y, "version": 1} for y in sorted({m.year for _, _, m in by_month})],  # type: ignore[attr-defined]
        )


def downgrade() -> None:
    op.drop_table("area_wards")
    op.drop_table("areas")
    op.drop_table("summary_years")
    op.drop_index(op.f("ix_summary_hexes_month"), table_name="summary_hexes")
    op.drop_table("summary_hexes")
    op.drop_index(op.f("ix_summary_counts_month"), table_name="summary_counts")
    op.drop_table("summary_counts")
