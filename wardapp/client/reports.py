"""The profile's reports and their outbox: saving, correcting, and recording sync outcomes.

A saved report and its outbox entry are written in one transaction. Once a version has been
offered to the server (``attempts`` > 0) it is never changed: the server may already hold
it, so a later edit becomes a new version instead of a different body under the same one.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from wardapp.client.store import LocalStore
from wardapp.core.report import ReportIn
from wardapp.core.schemas import ItemResult, ReportOut


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class OutboxItem:
    seq: int
    report_id: str
    version: int
    payload: dict[str, Any]


@dataclass(frozen=True)
class MyReport:
    """A report as its author sees it: content, where it is in sync, the server's word."""

    report: dict[str, Any]
    sync_state: str  # pending, sent, rejected or conflict
    problem: str | None
    problem_fields: dict[str, str]
    server_status: str | None
    status_note: str | None
    ward_code: str | None

    @property
    def id(self) -> str:
        return str(self.report["id"])

    @property
    def can_change(self) -> bool:
        """Corrections and withdrawals are accepted only until an analyst has assessed it."""
        withdrawn = self.report.get("withdrawn") is True or self.server_status == "withdrawn"
        return not withdrawn and self.server_status in (None, "received")


class ReportBook:
    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def save(self, report: ReportIn, ward_code: str) -> int:
        """Saves a new report or a correction; returns the version that will be sent."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT version, sync_state FROM reports WHERE id = ?", (str(report.id),)
            ).fetchone()
            version = self._version_for(db, str(report.id), row)
            payload = report.model_copy(update={"version": version}).model_dump(mode="json")
            text = json.dumps(payload)
            now = _now()
            if row is None:
                db.execute(
                    "INSERT INTO reports (id, version, payload, sync_state, ward_code, "
                    "created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?)",
                    (str(report.id), version, text, ward_code, now, now),
                )
            else:
                db.execute(
                    "UPDATE reports SET version = ?, payload = ?, sync_state = 'pending', "
                    "problem = NULL, problem_fields = NULL, ward_code = ?, updated_at = ? "
                    "WHERE id = ?",
                    (version, text, ward_code, now, str(report.id)),
                )
            db.execute(
                "INSERT INTO outbox (report_id, version, payload) VALUES (?, ?, ?) "
                "ON CONFLICT (report_id, version) DO UPDATE SET payload = excluded.payload, "
                "last_error = NULL",
                (str(report.id), version, text),
            )
        return version

    @staticmethod
    def _version_for(db: Any, report_id: str, row: Any) -> int:
        if row is None:
            return 1
        version, state = int(row[0]), str(row[1])
        queued = db.execute(
            "SELECT attempts FROM outbox WHERE report_id = ? AND version = ?", (report_id, version)
        ).fetchone()
        if queued is not None and int(queued[0]) == 0:
            return version  # never offered: edit it in place
        if state == "rejected":
            return version  # the server refused it, so it holds no such version
        return version + 1

    def get(self, report_id: str) -> MyReport | None:
        with self.store.reading() as db:
            row = db.execute(_SELECT_MINE + " WHERE id = ?", (report_id,)).fetchone()
        return None if row is None else mine_from_record(row)

    def all(self) -> list[MyReport]:
        return [mine_from_record(r) for r in self.all_records()]

    def all_records(self) -> list[tuple[Any, ...]]:
        """Every report as stored, newest first, as ``RECORD_FIELDS``: strings and None only.

        For a window showing thousands: kept as they are, they cost a fraction of MyReport
        objects and the garbage collector need not look at them.
        """
        with self.store.reading() as db:
            rows = db.execute(_SELECT_MINE + " ORDER BY created_at DESC").fetchall()
        return [tuple(r) for r in rows]

    def pending_count(self) -> int:
        with self.store.reading() as db:
            return int(db.execute("SELECT count(DISTINCT report_id) FROM outbox").fetchone()[0])

    def next_batch(self, size: int) -> list[OutboxItem]:
        with self.store.reading() as db:
            rows = db.execute(
                "SELECT seq, report_id, version, payload FROM outbox ORDER BY seq LIMIT ?", (size,)
            ).fetchall()
        return [OutboxItem(int(r[0]), str(r[1]), int(r[2]), json.loads(r[3])) for r in rows]

    def mark_attempted(self, items: list[OutboxItem]) -> None:
        """Durably before sending: from now on these versions are frozen."""
        with self.store.transaction() as db:
            db.executemany(
                "UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?", [(i.seq,) for i in items]
            )

    def record_failure(self, items: list[OutboxItem], error: str) -> None:
        with self.store.transaction() as db:
            db.executemany(
                "UPDATE outbox SET last_error = ? WHERE seq = ?", [(error, i.seq) for i in items]
            )

    def record_results(self, items: list[OutboxItem], results: list[ItemResult]) -> None:
        """Applies the server's answer for each item, all in one transaction."""
        with self.store.transaction() as db:
            for item, result in zip(items, results, strict=True):
                db.execute("DELETE FROM outbox WHERE seq = ?", (item.seq,))
                later = db.execute(
                    "SELECT 1 FROM outbox WHERE report_id = ? AND version > ?",
                    (item.report_id, item.version),
                ).fetchone()
                if result.status in ("created", "updated", "duplicate"):
                    if later is None:
                        db.execute(
                            "UPDATE reports SET sync_state = 'sent', problem = NULL, "
                            "problem_fields = NULL, server_status = coalesce(server_status, "
                            "'received') WHERE id = ? AND version = ?",
                            (item.report_id, item.version),
                        )
                    continue
                error = result.error
                db.execute(
                    "UPDATE reports SET sync_state = ?, problem = ?, problem_fields = ? "
                    "WHERE id = ?",
                    (
                        result.status,
                        error.message if error else result.status,
                        json.dumps(error.fields) if error else None,
                        item.report_id,
                    ),
                )

    def apply_server_copies(self, items: list[ReportOut]) -> None:
        """Status and note from the server; reports made on another device are added."""
        with self.store.transaction() as db:
            for item in items:
                report_id = str(item.id)
                updated = db.execute(
                    "UPDATE reports SET server_status = ?, status_note = ?, ward_code = ? "
                    "WHERE id = ?",
                    (item.status, item.status_note, item.ward_code, report_id),
                ).rowcount
                if updated == 0:
                    payload = ReportIn.model_validate(
                        item.model_dump(include=set(ReportIn.model_fields))
                    ).model_dump(mode="json")
                    db.execute(
                        "INSERT INTO reports (id, version, payload, sync_state, server_status, "
                        "status_note, ward_code, created_at, updated_at) "
                        "VALUES (?, ?, ?, 'sent', ?, ?, ?, ?, ?)",
                        (
                            report_id,
                            item.version,
                            json.dumps(payload),
                            item.status,
                            item.status_note,
                            item.ward_code,
                            item.captured_at.astimezone(UTC).isoformat(),
                            _now(),
                        ),
                    )

    def save_draft(self, draft_id: str, fields: dict[str, Any]) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO drafts (id, payload, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) "
                "DO UPDATE SET payload = excluded.payload, updated_at = excluded.updated_at",
                (draft_id, json.dumps(fields), _now()),
            )

    def drafts(self) -> dict[str, dict[str, Any]]:
        with self.store.reading() as db:
            rows = db.execute("SELECT id, payload FROM drafts ORDER BY updated_at").fetchall()
        return {str(r[0]): json.loads(r[1]) for r in rows}

    def discard_draft(self, draft_id: str) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))


_SELECT_MINE = (
    "SELECT payload, sync_state, problem, problem_fields, server_status, status_note, ward_code "
    "FROM reports"
)


# The columns of ``all_records``: the report and problem_fields are JSON text.
RECORD_FIELDS = (
    "payload",
    "sync_state",
    "problem",
    "problem_fields",
    "server_status",
    "status_note",
    "ward_code",
)


def record_of(mine: MyReport) -> tuple[Any, ...]:
    """A MyReport as ``all_records`` gives it."""
    return (
        json.dumps(mine.report),
        mine.sync_state,
        mine.problem,
        json.dumps(mine.problem_fields) if mine.problem_fields else None,
        mine.server_status,
        mine.status_note,
        mine.ward_code,
    )


def mine_from_record(row: Any) -> MyReport:
    return MyReport(
        report=json.loads(row[0]),
        sync_state=str(row[1]),
        problem=row[2],
        problem_fields=json.loads(row[3]) if row[3] else {},
        server_status=row[4],
        status_note=row[5],
        ward_code=row[6],
    )
