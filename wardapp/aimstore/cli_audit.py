"""`audit export`: the audit trail for an administrator, oldest first, on standard output."""

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any, TextIO

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.cli_base import CommandError, add_command, needs_action
from wardapp.aimstore.settings import AimStoreSettings
from wardapp.core.csvsafe import write_rows
from wardapp.core.report import UK

FORMATS = ("csv", "jsonl")
COLUMNS = ("id", "at", "actor_id", "actor", "event", "target", "client", "detail")


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Top-level commands of this area."""
    group = add_command(commands, "audit", needs_action, "the append-only audit trail")
    actions = group.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    export = add_command(
        actions, "export", cmd_audit_export, "write audit rows to standard output, oldest first"
    )
    export.add_argument(
        "--since",
        required=True,
        metavar="YYYY-MM-DD",
        help="first day to include (from midnight UK time)",
    )
    # Checked by the command, not argparse `choices`: exit 1 with one line, like other errors.
    export.add_argument("--format", default="csv", metavar="|".join(FORMATS))


def since_instant(text: str) -> datetime:
    """Midnight UK time at the start of the day named YYYY-MM-DD, as UTC."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--since {text!r}: give a date as YYYY-MM-DD.") from None
    return datetime.combine(day, time(), tzinfo=UK).astimezone(UTC)


def rows_since(session: Session, since: datetime) -> Iterator[models.AuditEntry]:
    """Streamed, so a year of audit rows does not have to fit in memory."""
    yield from session.scalars(
        select(models.AuditEntry)
        .where(models.AuditEntry.at >= since)
        .order_by(models.AuditEntry.at, models.AuditEntry.id)
        .execution_options(yield_per=1000)
    )


def as_record(row: models.AuditEntry) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "actor_id": row.actor_id,
        "actor": row.actor,
        "event": row.event,
        "target": row.target,
        "client": row.client,
        "detail": row.detail,
    }


def write_csv(rows: Iterator[models.AuditEntry], out: TextIO) -> None:
    """Text cells that a spreadsheet would run as formulas are neutralised (core.csvsafe):
    an attempted username such as "=HYPERLINK(...)" reaches the reader as text."""
    write_rows(out, COLUMNS, ([as_record(row)[c] for c in COLUMNS] for row in rows))


def write_jsonl(rows: Iterator[models.AuditEntry], out: TextIO) -> None:
    for row in rows:
        out.write(json.dumps(as_record(row), sort_keys=True, ensure_ascii=False) + "\n")


def cmd_audit_export(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    if args.format not in FORMATS:
        raise CommandError(f"Unknown format '{args.format}': use one of {', '.join(FORMATS)}.")
    since = since_instant(args.since)
    writer = write_csv if args.format == "csv" else write_jsonl
    with Session(engine) as session:
        writer(rows_since(session, since), sys.stdout)
    sys.stdout.flush()
