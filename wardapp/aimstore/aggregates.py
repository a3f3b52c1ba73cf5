"""The counts summaries are made from, kept up to date as reports are accepted.

Each accepted, corrected or withdrawn report moves its contribution in the same
transaction, so a summary reflects every report accepted before it was asked for, and
reads a few thousand aggregate rows instead of a million reports.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import h3  # type: ignore[import-untyped]
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.sqlhelpers import table_of, upsert_adding

# Cells are stored at this resolution; a coarser policy resolution reads their parents.
STORED_RESOLUTION = 8


@dataclass(frozen=True)
class Contribution:
    """What one report adds to the aggregates (withdrawn reports add nothing)."""

    ward_code: str
    category: str
    month: date
    cell: str
    reporter: str


def contribution_of(
    ward_code: str,
    category: str,
    occurred_on: date,
    lat: float,
    lon: float,
    author_id: int | None,
    source: str,
    reporter_key: str | None = None,
) -> Contribution:
    """``reporter_key``, when a record has one, names its reporter (an Open311 resident)."""
    return Contribution(
        ward_code,
        category,
        occurred_on.replace(day=1),
        str(h3.latlng_to_cell(lat, lon, STORED_RESOLUTION)),
        reporter_key or reporter_of(author_id, source, lat, lon),
    )


def reporter_of(author_id: int | None, source: str, lat: float, lon: float) -> str:
    """Who reported, for the hot-spot rule's "different reporters".

    A councillor is their account; an Open311 resident is the key and email or phone
    (``reporter_key``), or else one reporter per key. A source without a reporter column is
    one reporter per exact point (within a month, which the aggregate's key holds): police.uk
    snaps crimes to shared anonymous points, so ten crimes on one point count as one.
    """
    if author_id is not None:
        return f"user:{author_id}"
    if source.startswith("open311:"):  # a resident with no email or phone: one per key
        return f"source:{source}"
    return f"source:{source}:{lat:.6f},{lon:.6f}"


def counts(withdrawn: bool, out_of_ward: bool, status: str) -> bool:
    """Whether a report is in the summaries: not withdrawn, and assessed if out of ward."""
    return not withdrawn and not (out_of_ward and status == "received")


def of_report(report: models.Report) -> Contribution | None:
    if not counts(report.withdrawn, report.out_of_ward, report.status):
        return None
    return contribution_of(
        report.ward_code,
        report.category,
        report.occurred_on,
        report.lat,
        report.lon,
        report.author_id,
        report.source,
        report.reporter_key,
    )


MonthKey = tuple[str, str, date]  # ward, category, month
CellKey = tuple[str, date, str, str, str]  # ward, month, cell, category, reporter
_CHUNK = 20_000  # rows per statement when a rebuild writes hundreds of thousands


def apply(
    session: Session,
    added: Iterable[Contribution],
    removed: Iterable[Contribution] = (),
) -> None:
    """Move the aggregates by these contributions, in rows locked in one fixed order."""
    months: Counter[MonthKey] = Counter()
    cells: Counter[CellKey] = Counter()
    for sign, items in ((1, added), (-1, removed)):
        for c in items:
            _count(months, cells, c, sign)
    _store(session, months, cells)


def _count(months: Counter[MonthKey], cells: Counter[CellKey], c: Contribution, by: int) -> None:
    months[(c.ward_code, c.category, c.month)] += by
    cells[(c.ward_code, c.month, c.cell, c.category, c.reporter)] += by


def _store(session: Session, months: Counter[MonthKey], cells: Counter[CellKey]) -> None:
    month_rows = [
        {"ward_code": w, "category": k, "month": m, "reports": n}
        for (w, k, m), n in sorted(months.items())
        if n
    ]
    cell_rows = [
        {"ward_code": w, "month": m, "cell": h, "category": k, "reporter": r, "reports": n}
        for (w, m, h, k, r), n in sorted(cells.items())
        if n
    ]
    for model, rows in ((models.SummaryCount, month_rows), (models.SummaryHex, cell_rows)):
        for start in range(0, len(rows), _CHUNK):
            upsert_adding(session, table_of(model), rows[start : start + _CHUNK], "reports")


def rebuild(session: Session) -> int:
    """Count every report again from scratch (after a restore or a repair); returns reports."""
    session.execute(delete(models.SummaryCount))
    session.execute(delete(models.SummaryHex))
    months: Counter[MonthKey] = Counter()
    cells: Counter[CellKey] = Counter()
    rows = session.execute(
        select(
            models.Report.ward_code,
            models.Report.category,
            models.Report.occurred_on,
            models.Report.lat,
            models.Report.lon,
            models.Report.author_id,
            models.Report.source,
            models.Report.reporter_key,
        ).where(
            models.Report.withdrawn.is_(False),
            ~(models.Report.out_of_ward & (models.Report.status == "received")),
        )
    )
    counted = 0
    for row in rows:  # counted in memory, then written once: not a write per batch
        _count(months, cells, contribution_of(*row), 1)
        counted += 1
    _store(session, months, cells)
    return counted
