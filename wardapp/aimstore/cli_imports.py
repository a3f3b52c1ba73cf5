"""`import police-uk FILE...` and `import csv --mapping M.toml FILE`: other sources in.

Every file is checked whole before any is imported, so a refused file changes nothing.
The exit status is 0 when the import ran, rejected and skipped rows included.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from wardapp.aimstore import importing
from wardapp.aimstore.accounts import ChangedBy
from wardapp.aimstore.cli_base import CommandError, add_command, needs_action
from wardapp.aimstore.settings import AimStoreSettings
from wardapp.core.importfile import FileRefused
from wardapp.core.police_uk import ATTRIBUTION

ERRORS_SHOWN = 20


def cmd_import_police_uk(
    args: argparse.Namespace, settings: AimStoreSettings, engine: Engine
) -> None:
    _import(args, settings, engine, "police-uk", None)


def cmd_import_csv(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    try:
        mapping = Path(args.mapping).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read the mapping file {args.mapping}: {exc}") from None
    _import(args, settings, engine, "csv", mapping)


def _import(
    args: argparse.Namespace,
    settings: AimStoreSettings,
    engine: Engine,
    format: str,
    mapping: str | None,
) -> None:
    prepared = []
    with Session(engine) as session:
        for name in args.files:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"No such file: {path}. Nothing was imported.")
            try:
                prepared.append(
                    importing.prepare(session, path, format, mapping, settings.import_limits())
                )
            except FileRefused as exc:
                raise CommandError(f"{exc} Nothing was imported.") from None
    by = ChangedBy.command_line()
    for item in prepared:
        with Session(engine) as session, session.begin():
            started = importing.start(
                session, item, actor=None, actor_name=by.actor_name, client="cli"
            )
        bar = _Bar(item.file_name, item.total) if sys.stderr.isatty() else None
        result = importing.run(
            engine,
            item,
            started,
            retention_days=settings.retention_report_days,
            actor_name=by.actor_name,
            client="cli",
            progress=bar.show if bar else lambda done: None,
        )
        if bar:
            bar.close()
        if args.json:
            print(json.dumps(result, separators=(",", ":")), flush=True)
        else:
            _describe(item.file_name, result)
    if format == "police-uk" and not args.json:
        print(ATTRIBUTION)


def _describe(name: str, r: dict[str, Any]) -> None:
    skipped = r["skipped"]
    print(
        f"{name}: {r['rows']} rows: {r['created']} created, {r['unchanged']} unchanged, "
        f"{skipped['outside_area']} outside the area, {skipped['no_location']} without a "
        f"location, {r['rejected']} rejected (import {r['id']}, source {r['source']})"
    )
    for error in r["errors"][:ERRORS_SHOWN]:
        print(f"  line {error['line']}: {error['message']}")
    if r["rejected"] > ERRORS_SHOWN:
        print(f"  ... and {r['rejected'] - ERRORS_SHOWN} more rejected rows (--json lists them)")
    if r["published_periods"]:
        periods = ", ".join(r["published_periods"])
        print(
            f"Already published periods now have records they do not show: {periods}. "
            "Run `wardapp-aimstore summaries republish --period P` for each to show them."
        )


class _Bar:
    """A one-line progress bar on a terminal's standard error."""

    WIDTH = 30

    def __init__(self, name: str, total: int) -> None:
        self.name, self.total = name, max(total, 1)

    def show(self, done: int) -> None:
        filled = self.WIDTH * min(done, self.total) // self.total
        sys.stderr.write(
            f"\r{self.name} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"{done:,}/{self.total:,} rows"
        )
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    imports = add_command(commands, "import", needs_action, "bring in records of other sources")
    kinds = imports.add_subparsers(dest="import_command", required=True, metavar="FORMAT")
    police = add_command(
        kinds, "police-uk", cmd_import_police_uk, "police.uk street-level crime CSV files"
    )
    police.add_argument("files", nargs="+", metavar="FILE")
    police.add_argument("--json", action="store_true", help="print each result as a JSON line")
    csv = add_command(kinds, "csv", cmd_import_csv, "any CSV file through a TOML mapping file")
    csv.add_argument("--mapping", required=True, metavar="M.toml")
    csv.add_argument("files", nargs="+", metavar="FILE")
    csv.add_argument("--json", action="store_true", help="print each result as a JSON line")
