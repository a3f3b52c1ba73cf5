"""Accepting a batch of reports, idempotently on each report's id and version.

Deciding is pure (``decide``); writing is separate (``ingest_batch``), so every rule of the
wire format is testable without a database and every write is race-free with
INSERT ... ON CONFLICT DO NOTHING on the (id, version) key.
"""

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from wardapp.aimstore import aggregates, models
from wardapp.aimstore.changes import next_change_seq
from wardapp.aimstore.sqlhelpers import insert_ignoring_conflicts, table_of
from wardapp.core.report import ReportIn, ReportInvalid, outside_every_ward, parse_report
from wardapp.core.schemas import ItemError, ItemResult
from wardapp.core.taxonomy import Taxonomy
from wardapp.core.wards import WardSet

Outcome = Literal["created", "updated", "duplicate", "conflict"]


@dataclass
class Known:
    """What the store holds of one report id: its current row and every version's hash."""

    author_id: int | None
    version: int
    status: str
    hashes: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: str = ""


# The one answer for a report id that belongs to someone else: it says nothing about which
# versions exist or whether a guess of their content was right.
NOT_YOURS = "This report id is already taken: send the report again under a new id."


def decide(known: Known | None, version: int, content_hash: str, author_id: int) -> Decision:
    """What accepting this (id, version, content) from this author means, per the wire format."""
    if known is None:
        return Decision("created")
    if known.author_id != author_id:
        return Decision("conflict", NOT_YOURS)
    seen = known.hashes.get(version)
    if seen is not None:
        if seen == content_hash:
            return Decision("duplicate")
        return Decision(
            "conflict", f"Version {version} of this report was already received with other content."
        )
    if version <= known.version:
        return Decision(
            "conflict", f"The AIM store already has version {known.version} of this report."
        )
    if known.status != "received":
        return Decision(
            "conflict",
            f"The report is already {known.status}; it can no longer be corrected or withdrawn.",
        )
    return Decision("updated")


@dataclass
class _Accepted:
    index: int
    report: ReportIn
    ward_code: str
    content_hash: str
    outcome: Outcome
    out_of_ward: bool = False


def ingest_batch(
    session: Session,
    items: list[Any],
    *,
    author_id: int,
    source: str,
    taxonomy: Taxonomy,
    wards: WardSet,
    boundary_set_id: int,
    now: datetime,
    today: date | None = None,
    own_wards: Collection[str] | None = None,
) -> list[ItemResult]:
    """Validate, decide and write a batch in the caller's transaction; one result per item.

    ``own_wards``: a councillor's wards; a report outside them counts in summaries only once
    an analyst has assessed it (None: an analyst, an import, the demo seed).
    """
    results: list[ItemResult | None] = [None] * len(items)
    parsed: list[tuple[int, str | None, ReportIn]] = []
    for index, raw in enumerate(items):
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        shown_id = str(raw_id) if raw_id is not None else None
        try:
            parsed.append((index, shown_id, parse_report(raw, taxonomy, today)))
        except ReportInvalid as invalid:
            results[index] = _rejected(shown_id, invalid)
    valid: list[tuple[int, ReportIn, str]] = []
    located = wards.locate_many([(report.lat, report.lon) for _, _, report in parsed])
    for (index, shown_id, report), ward in zip(parsed, located, strict=True):
        if ward is None:
            results[index] = _rejected(shown_id, outside_every_ward(report))
        else:
            valid.append((index, report, ward.code))

    known = _load_known(session, {str(r.id) for _, r, _ in valid})
    accepted: list[_Accepted] = []
    for index, report, ward_code in valid:
        report_id, digest = str(report.id), report.content_hash()
        decision = decide(known.get(report_id), report.version, digest, author_id)
        results[index] = _result(report_id, decision)
        if decision.outcome in ("created", "updated"):
            outside = own_wards is not None and ward_code not in own_wards
            accepted.append(_Accepted(index, report, ward_code, digest, decision.outcome, outside))
            state = known.setdefault(report_id, Known(author_id, report.version, "received"))
            state.version = report.version
            state.status = "withdrawn" if report.withdrawn else "received"
            state.hashes[report.version] = digest

    if accepted:
        _write(session, accepted, results, author_id, source, boundary_set_id, now)
    return [r for r in results if r is not None]


def _rejected(shown_id: str | None, invalid: ReportInvalid) -> ItemResult:
    error = ItemError(code="invalid", message=invalid.message, fields=invalid.fields)
    return ItemResult(id=shown_id, status="rejected", error=error)


def _result(report_id: str, decision: Decision) -> ItemResult:
    error = (
        ItemError(code="conflict", message=decision.reason)
        if decision.outcome == "conflict"
        else None
    )
    return ItemResult(id=report_id, status=decision.outcome, error=error)


def _load_known(session: Session, ids: set[str]) -> dict[str, Known]:
    if not ids:
        return {}
    known = {
        row.id: Known(row.author_id, row.version, row.status)
        for row in session.execute(
            select(
                models.Report.id,
                models.Report.author_id,
                models.Report.version,
                models.Report.status,
            )
            .where(models.Report.id.in_(ids))
            .with_for_update()
        )
    }
    for row in session.execute(
        select(models.ReportVersion).where(models.ReportVersion.report_id.in_(ids))
    ).scalars():
        if row.report_id in known:
            known[row.report_id].hashes[row.version] = row.content_hash
    return known


def _write(
    session: Session,
    accepted: list[_Accepted],
    results: list[ItemResult | None],
    author_id: int,
    source: str,
    boundary_set_id: int,
    now: datetime,
) -> None:
    table = table_of(models.ReportVersion)
    inserted = {
        (row.report_id, row.version)
        for row in session.execute(
            insert_ignoring_conflicts(session, table).returning(table.c.report_id, table.c.version),
            [
                {
                    "report_id": str(a.report.id),
                    "version": a.report.version,
                    "content_hash": a.content_hash,
                    "received_at": now,
                }
                # One lock order for every writer, so concurrent batches cannot deadlock.
                for a in sorted(accepted, key=lambda a: (str(a.report.id), a.report.version))
            ],
        )
    }
    lost = [a for a in accepted if (str(a.report.id), a.report.version) not in inserted]
    if lost:
        _reclassify_lost_races(session, lost, results, author_id)
    winners = [a for a in accepted if (str(a.report.id), a.report.version) in inserted]
    if not winners:
        return
    new_rows = [a for a in winners if a.outcome == "created"]
    corrected = {str(a.report.id) for a in winners if a.outcome == "updated"}
    before = (
        session.scalars(select(models.Report).where(models.Report.id.in_(corrected))).all()
        if corrected
        else []
    )
    removed = [c for c in map(aggregates.of_report, before) if c is not None]
    stored_by = {r.id: (r.author_id, r.source) for r in before}
    added = [
        aggregates.contribution_of(
            a.ward_code,
            a.report.category,
            a.report.occurred_on,
            a.report.lat,
            a.report.lon,
            *stored_by.get(str(a.report.id), (author_id, source)),
        )
        for a in winners
        if aggregates.counts(a.report.withdrawn, a.out_of_ward, "received")
    ]
    aggregates.apply(session, added, removed)
    # Last, so the store-wide counter (locked until commit) is held for as short as can be.
    seq = next_change_seq(session)
    if new_rows:
        session.execute(
            insert(table_of(models.Report)),  # no ORM bookkeeping for 500 rows
            [_row(a, author_id, source, boundary_set_id, now, seq) for a in new_rows],
        )
    for a in winners:
        if a.outcome == "updated":
            values = _row(a, author_id, source, boundary_set_id, now, seq)
            for kept in ("id", "author_id", "source", "server_received_at"):
                values.pop(kept)
            session.execute(
                update(models.Report).where(models.Report.id == str(a.report.id)).values(**values)
            )


def _reclassify_lost_races(
    session: Session, lost: list[_Accepted], results: list[ItemResult | None], author_id: int
) -> None:
    """Another transaction committed the same (id, version) first: decide again on what it stored.

    The winner may be another author: then the answer is the same generic conflict as ever.
    """
    keys = [(str(a.report.id), a.report.version) for a in lost]
    known = _load_known(session, {k for k, _ in keys})
    for a in lost:
        report_id = str(a.report.id)
        state = known.get(report_id)
        decision = decide(state, a.report.version, a.content_hash, author_id)
        if decision.outcome not in ("duplicate", "conflict"):  # the winner's row is not seen
            decision = Decision("conflict", NOT_YOURS)
        results[a.index] = _result(report_id, decision)


def _row(
    a: _Accepted, author_id: int, source: str, boundary_set_id: int, now: datetime, seq: int
) -> dict[str, Any]:
    r = a.report
    return {
        "id": str(r.id),
        "version": r.version,
        "author_id": author_id,
        "source": source,
        "category": r.category,
        "occurred_on": r.occurred_on,
        "occurred_time": r.occurred_time,
        "time_band": r.time_band,
        "lat": r.lat,
        "lon": r.lon,
        "accuracy_m": r.accuracy_m,
        "observed_by": r.observed_by,
        "description": r.description,
        "repeat_issue": r.repeat_issue,
        "resident_contact": r.resident_contact.model_dump() if r.resident_contact else None,
        "captured_at": r.captured_at,
        "withdrawn": r.withdrawn,
        "out_of_ward": a.out_of_ward,
        "ward_code": a.ward_code,
        "boundary_set_id": boundary_set_id,
        "status": "withdrawn" if r.withdrawn else "received",
        "server_received_at": now,
        "updated_at": now,
        "change_seq": seq,
        "content_hash": a.content_hash,
    }
