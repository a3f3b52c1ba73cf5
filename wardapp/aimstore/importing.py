"""One import from file to result, shared by the command line and the API.

``prepare`` refuses a file as a whole (nothing written) or returns how to read its rows;
``run`` stores them through ``importer`` and returns the result.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from wardapp.aimstore import importer, models
from wardapp.aimstore.state import current_taxonomy
from wardapp.core import csvmapping, police_uk
from wardapp.core.importfile import FileLimits, FileRefused, Row, RowError, check_file

FORMATS = ("police-uk", "csv")


@dataclass(frozen=True)
class Prepared:
    format: str
    source: str
    file_name: str
    total: int
    rows: Callable[[], Iterator[Row | RowError]]


def prepare(
    session: Session,
    path: Path,
    format: str,
    mapping_text: str | None,
    limits: FileLimits,
    file_name: str = "",
) -> Prepared:
    """Checks the whole file (and mapping) first; raises FileRefused saying what to fix."""
    name = file_name or path.name
    if format == "police-uk":
        checked = check_file(path, "utf-8", police_uk.COLUMNS, limits, name)
        return Prepared(
            format, police_uk.SOURCE, name, checked.records, lambda: police_uk.parse_rows(path)
        )
    if format != "csv":
        raise FileRefused(f"Unknown format {format!r}: use one of {', '.join(FORMATS)}.")
    if not mapping_text:
        raise FileRefused(
            "A csv import needs its mapping file (README: Bringing in other sources)."
        )
    codes = current_taxonomy(session).codes()
    mapping = csvmapping.load_mapping(mapping_text, codes)
    checked = check_file(path, mapping.encoding, mapping.required, limits, name)
    return Prepared(
        format,
        mapping.source,
        name,
        checked.records,
        lambda: csvmapping.parse_rows(path, mapping, codes),
    )


def start(
    session: Session,
    prepared: Prepared,
    *,
    actor: models.User | None,
    actor_name: str | None,
    client: str,
) -> importer.Started:
    return importer.start_import(
        session,
        source=prepared.source,
        format=prepared.format,
        file_name=prepared.file_name,
        total=prepared.total,
        actor=actor,
        actor_name=actor_name,
        client=client,
    )


def run(
    engine: Engine,
    prepared: Prepared,
    started: importer.Started,
    *,
    retention_days: int,
    actor_name: str | None,
    client: str,
    progress: Callable[[int], None] = lambda done: None,
) -> dict[str, Any]:
    """Stores the rows; an unexpected failure marks the import failed and is raised again."""
    try:
        return importer.run_import(
            engine,
            started,
            prepared.rows(),
            retention_days=retention_days,
            actor_name=actor_name,
            client=client,
            progress=progress,
        )
    except Exception as exc:
        importer.fail_import(
            engine,
            started.id,
            f"The import stopped ({type(exc).__name__}); rows stored before it are kept and "
            "importing the file again adds only the rest.",
            actor_name,
            client,
        )
        raise
