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
from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.sqlhelpers import upsert_adding
from wardapp.core.periods import uk_today

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
) -> Contribution:
    reporter = f"user:{author_id}" if author_id is not None else f"source:{source}"
    return Contribution(
        ward_code,
        category,
        occurred_on.replace(day=1),
        str(h3.latlng_to_cell(lat, lon, STORED_RESOLUTION)),
        reporter,
    )


def of_report(report: models.Report) -> Contribution | None:
    if report.withdrawn:
        return None
    return contribution_of(
        report.ward_code,
        report.category,
        report.occurred_on,
        report.lat,
        report.lon,
        report.author_id,
        report.source,
    )


def apply(
    session: Session,
    added: Iterable[Contribution],
    removed: Iterable[Contribution] = (),
    today: date | None = None,
) -> None:
    """Move the aggregates by these contributions, in rows locked in one fixed order.

    Only a change to a month that is over can change a published table, so only then is its
    year's version bumped (and the audited year recomputed on the next read): most reports
    are about this month and leave every cached summary valid.
    """
    first_open = _month_start(today or uk_today())
    months: Counter[tuple[str, str, date]] = Counter()
    cells: Counter[tuple[str, date, str, str, str]] = Counter()
    for sign, items in ((1, added), (-1, removed)):
        for c in items:
            months[(c.ward_code, c.category, c.month)] += sign
            cells[(c.ward_code, c.month, c.cell, c.category, c.reporter)] += sign
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
    if not month_rows and not cell_rows:
        return
    changed = {m for (_, _, m), n in months.items() if n} | {k[1] for k, n in cells.items() if n}
    years = sorted({m.year for m in changed if m < first_open})
    upsert_adding(
        session, _table(models.SummaryYear), [{"year": y, "version": 1} for y in years], "version"
    )
    upsert_adding(session, _table(models.SummaryCount), month_rows, "reports")
    upsert_adding(session, _table(models.SummaryHex), cell_rows, "reports")


def rebuild(session: Session) -> int:
    """Count every report again from scratch (after a restore or a repair); returns reports."""
    session.execute(delete(models.SummaryCount))
    session.execute(delete(models.SummaryHex))
    counted = 0
    batch: list[Contribution] = []
    rows = session.execute(
        select(
            models.Report.ward_code,
            models.Report.category,
            models.Report.occurred_on,
            models.Report.lat,
            models.Report.lon,
            models.Report.author_id,
            models.Report.source,
        ).where(models.Report.withdrawn.is_(False))
    )
    for row in rows:
        batch.append(contribution_of(*row))
        if len(batch) >= 50_000:
            apply(session, batch)
            counted += len(batch)
            batch = []
    apply(session, batch)
    return counted + len(batch)


def year_versions(session: Session, years: Iterable[int]) -> dict[int, int]:
    wanted = sorted(set(years))
    rows = session.execute(
        select(models.SummaryYear.year, models.SummaryYear.version).where(
            models.SummaryYear.year.in_(wanted)
        )
    )
    found = dict(((y, v) for y, v in rows))
    return {y: found.get(y, 0) for y in wanted}


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _table(model: type[models.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table
