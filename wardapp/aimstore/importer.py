"""Writing imported rows: batches of a few thousand, each one transaction, never a row twice.

Each batch claims its rows' import keys with INSERT ... ON CONFLICT DO NOTHING; only the
keys it won become reports, so a re-import, an overlapping download or two imports of one
file at once create each record once (the rest are ``unchanged``). A batch moves the
summary aggregates once and takes one change number, and the import's row is updated in
the same transaction, so progress read by any worker is exactly what is stored.
"""

import hashlib
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from typing import Any

import h3  # type: ignore[import-untyped]
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from wardapp.aimstore import aggregates, audit, models
from wardapp.aimstore.changes import next_change_seq
from wardapp.aimstore.models import utcnow
from wardapp.aimstore.sqlhelpers import insert_ignoring_conflicts, insert_many, table_of
from wardapp.aimstore.state import current_taxonomy
from wardapp.aimstore.wardsets import ActiveWards
from wardapp.core.importfile import Row, RowError
from wardapp.core.periods import month_label
from wardapp.core.report import EARLIEST_DATE, uk_today

BATCH_ROWS = 10_000
ERRORS_KEPT = 1000  # an import of a wrong file says what is wrong in its first thousand lines


@dataclass
class Counts:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    outside_area: int = 0
    no_location: int = 0
    rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    months: set[date] = field(default_factory=set)

    def reject(self, line: int, message: str) -> None:
        self.rejected += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append({"line": line, "message": message})


@dataclass(frozen=True)
class Started:
    id: int
    source: str


def start_import(
    session: Session,
    *,
    source: str,
    format: str,
    file_name: str,
    total: int | None,
    actor: models.User | None,
    actor_name: str | None,
    client: str,
) -> Started:
    """The import's row (status running) and its ``import_started`` audit entry, in the
    caller's transaction: ``run_import`` waits until it is committed."""
    row = models.Import(
        status="running",
        source=source,
        format=format,
        file_name=file_name[:200],
        total=total,
        errors=[],
        published_periods=[],
        created_by=actor.username if actor else actor_name,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "import_started",
        actor=actor,
        actor_name=actor_name,
        target=f"import:{row.id}",
        detail={"source": source, "format": format, "file": file_name[:200], "rows": total},
        client=client,
    )
    return Started(row.id, source)


def fail_import(
    engine: Engine, import_id: int, message: str, actor_name: str | None, client: str
) -> None:
    """The file was refused, or the import broke: status failed, with what to do."""
    with Session(engine) as session, session.begin():
        session.execute(
            update(models.Import)
            .where(models.Import.id == import_id)
            .values(status="failed", message=message, updated_at=utcnow(), finished_at=utcnow())
        )
        audit.record(
            session,
            "import_finished",
            actor_name=actor_name,
            target=f"import:{import_id}",
            detail={"status": "failed"},
            client=client,
        )


def run_import(
    engine: Engine,
    started: Started,
    rows: Iterable[Row | RowError],
    *,
    retention_days: int,
    actor_name: str | None,
    client: str,
    progress: Callable[[int], None] = lambda done: None,
) -> dict[str, Any]:
    """Stores every row, a batch at a time; returns the import's result (as DESIGN says)."""
    if not _committed(engine, started.id):
        return {}  # the request that started it failed: there is no import
    counts = Counts()
    today = uk_today()
    cutoff = today - timedelta(days=retention_days)
    boundary = ActiveWards()
    for batch in _batches(iter(rows), BATCH_ROWS):
        with Session(engine) as session, session.begin():
            boundary_set_id, wards = boundary.get(session)
            codes = set(current_taxonomy(session).codes())
            good = _screen(batch, counts, codes, today)
            located = wards.locate_many([(r.lat, r.lon) for r in good])  # type: ignore[misc]
            placed = []
            for row, ward in zip(good, located, strict=True):
                if ward is None:
                    counts.outside_area += 1
                else:
                    placed.append((row, ward.code))
            _write(session, started, placed, counts, boundary_set_id, cutoff)
            _save_counts(session, started.id, counts)
        progress(counts.rows)
    with Session(engine) as session, session.begin():
        published = _published_periods(session, counts.months)
        _save_counts(session, started.id, counts, published)
        audit.record(
            session,
            "import_finished",
            actor_name=actor_name,
            target=f"import:{started.id}",
            detail={"status": "done", **_numbers(counts), "published_periods": published},
            client=client,
        )
    with Session(engine) as session:
        result = result_of(session, started.id)
    assert result is not None
    return result


def _committed(engine: Engine, import_id: int, wait_s: float = 120) -> bool:
    """Whether the transaction that started the import committed (False: it rolled back)."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        with Session(engine) as session:
            if session.get(models.Import, import_id) is not None:
                return True
        time.sleep(0.05)
    return False


def _batches(rows: Iterator[Row | RowError], size: int) -> Iterator[list[Row | RowError]]:
    while batch := list(islice(rows, size)):
        yield batch


def _screen(batch: list[Row | RowError], counts: Counts, codes: set[str], today: date) -> list[Row]:
    good: list[Row] = []
    for item in batch:
        counts.rows += 1
        if isinstance(item, RowError):
            counts.reject(item.line, item.message)
        elif item.lat is None or item.lon is None:
            counts.no_location += 1
        elif item.category not in codes:
            counts.reject(item.line, f"Category {item.category!r} is not in the store's list.")
        elif item.occurred_on > today:
            counts.reject(item.line, f"The date {item.occurred_on} is in the future.")
        elif item.occurred_on < EARLIEST_DATE:
            counts.reject(item.line, f"The date {item.occurred_on} is before {EARLIEST_DATE}.")
        else:
            good.append(item)
    return good


def _write(
    session: Session,
    started: Started,
    placed: list[tuple[Row, str]],
    counts: Counts,
    boundary_set_id: int,
    cutoff: date,
) -> None:
    firsts: dict[str, tuple[Row, str, str]] = {}
    for row, ward_code in placed:
        if row.key in firsts:
            counts.unchanged += 1  # the same key twice in one file: one record
        else:
            firsts[row.key] = (row, ward_code, str(uuid.uuid4()))
    if not firsts:
        return
    claimed = sorted((key, report_id) for key, (_, _, report_id) in firsts.items())
    won = _claim(session, started, claimed)  # sorted: one lock order for every importer
    counts.unchanged += len(firsts) - len(won)
    if not won:
        return
    now, source = utcnow(), started.source
    new = [_values(source, *firsts[key], cutoff) for key in won]
    aggregates.apply(
        session,
        [
            aggregates.contribution_of(
                v["ward_code"], v["category"], v["occurred_on"], v["lat"], v["lon"], None, source
            )
            for v in new
        ],
    )
    seq = next_change_seq(session)
    same = {**_SAME, "source": source, "boundary_set_id": boundary_set_id, "change_seq": seq}
    same |= {"captured_at": now, "server_received_at": now, "updated_at": now}
    insert_many(session, table_of(models.Report), new, same)
    counts.created += len(new)
    counts.months.update(v["occurred_on"].replace(day=1) for v in new)


_CLAIM_PG = text(
    "INSERT INTO import_keys (source, external_key, report_id, import_id) "
    "SELECT :source, k, r, :import_id FROM unnest(CAST(:keys AS text[]), CAST(:ids AS text[])) "
    "WITH ORDINALITY AS t(k, r, n) ORDER BY n "
    "ON CONFLICT DO NOTHING RETURNING external_key"
)


def _claim(session: Session, started: Started, claimed: list[tuple[str, str]]) -> set[str]:
    """The keys this batch made first (INSERT ... ON CONFLICT DO NOTHING RETURNING).

    On PostgreSQL as two arrays in one statement: a statement of a thousand VALUES rows
    costs the driver more to prepare than the database to run.
    """
    if session.get_bind().dialect.name == "postgresql":
        found = session.execute(
            _CLAIM_PG,
            {
                "source": started.source,
                "import_id": started.id,
                "keys": [k for k, _ in claimed],
                "ids": [r for _, r in claimed],
            },
        )
        return {key for (key,) in found}
    keys = table_of(models.ImportKey)
    rows = [
        {"source": started.source, "external_key": k, "report_id": r, "import_id": started.id}
        for k, r in claimed
    ]
    statement = insert_ignoring_conflicts(session, keys).returning(keys.c.external_key)
    return {key for (key,) in session.execute(statement, rows)}


# What every imported record has alike (and no author: the source is who reported it).
_SAME: dict[str, Any] = {
    "version": 1,
    "author_id": None,
    "occurred_time": None,
    "time_band": None,
    "accuracy_m": None,
    "observed_by": "resident",
    "repeat_issue": False,
    "resident_contact": None,
    "withdrawn": False,
    "out_of_ward": False,
    "status": "received",
    "status_note": None,
}


def _values(source: str, row: Row, ward_code: str, report_id: str, cutoff: date) -> dict[str, Any]:
    lat, lon, description = row.lat, row.lon, row.description
    assert lat is not None and lon is not None
    if row.occurred_on < cutoff:  # past retention: stored as `retention apply` leaves it
        lat, lon = h3.cell_to_latlng(h3.latlng_to_cell(lat, lon, aggregates.STORED_RESOLUTION))
        description = ""
    return {
        "id": report_id,
        "category": row.category,
        "occurred_on": row.occurred_on,
        "occurred_precision": "month" if row.month_only else "day",
        "lat": lat,
        "lon": lon,
        "description": description,
        "ward_code": ward_code,
        "content_hash": hashlib.sha256(f"{source}\x1f{row.key}".encode()).hexdigest(),
    }


def _numbers(counts: Counts) -> dict[str, int]:
    return {
        "rows": counts.rows,
        "created": counts.created,
        "unchanged": counts.unchanged,
        "outside_area": counts.outside_area,
        "no_location": counts.no_location,
        "rejected": counts.rejected,
    }


def _save_counts(
    session: Session, import_id: int, counts: Counts, published: list[str] | None = None
) -> None:
    values: dict[str, Any] = {**_numbers(counts), "errors": counts.errors, "updated_at": utcnow()}
    if published is not None:
        values.update(status="done", published_periods=published, finished_at=utcnow())
    session.execute(update(models.Import).where(models.Import.id == import_id).values(**values))


def _published_periods(session: Session, months: set[date]) -> list[str]:
    """The published months an import added to, and the quarters and years holding them."""
    labels: set[str] = set()
    for month in months:
        quarter = (month.month - 1) // 3 + 1
        labels |= {
            month_label(month.year, month.month),
            f"{month.year}-Q{quarter}",
            str(month.year),
        }
    if not labels:
        return []
    found = session.scalars(
        select(models.SummaryPublication.period)
        .where(models.SummaryPublication.period.in_(sorted(labels)))
        .distinct()
    )
    return sorted(found)


def result_of(session: Session, import_id: int) -> dict[str, Any] | None:
    row = session.get(models.Import, import_id)
    if row is None:
        return None
    result: dict[str, Any] = {
        "id": row.id,
        "status": row.status,
        "source": row.source,
        "rows": row.rows,
        "created": row.created,
        "unchanged": row.unchanged,
        "skipped": {"outside_area": row.outside_area, "no_location": row.no_location},
        "rejected": row.rejected,
        "errors": row.errors,
        "published_periods": row.published_periods,
        "total": row.total,
    }
    if row.message:
        result["message"] = row.message
    return result
