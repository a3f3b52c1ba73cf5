"""Imports by analysts: upload a file, get 202 at once, read progress from any worker.

The upload is copied to a file of its own before the answer, and a thread of this process
imports it from there, so closing the browser or losing the line does not stop it. State
and counts live in the ``imports`` table, so every worker answers GET the same.
"""

import logging
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from wardapp.aimstore import importer, importing
from wardapp.aimstore.deps import AnalystDep, ClientAddress, SessionDep, StateDep
from wardapp.aimstore.errors import ApiError
from wardapp.core.importfile import FileRefused

router = APIRouter(prefix="/v1/imports", tags=["imports"])
log = logging.getLogger(__name__)
MAPPING_MAX = 100_000


@router.post("", status_code=202)
def start_import(
    file: Annotated[UploadFile, File(description="the CSV file")],
    format: Annotated[str, Form(description="police-uk or csv")],
    who: AnalystDep,
    client: ClientAddress,
    state: StateDep,
    session: SessionDep,
    mapping: Annotated[str | None, Form(description="the TOML mapping (format csv)")] = None,
) -> JSONResponse:
    if format not in importing.FORMATS:
        raise ApiError(
            422,
            "invalid_request",
            f"Unknown format {format!r}.",
            {"format": f"Must be one of: {', '.join(importing.FORMATS)}."},
        )
    if mapping is not None and len(mapping) > MAPPING_MAX:
        raise ApiError(422, "invalid_request", "The mapping is too long.", {"mapping": "Too long."})
    spooled = tempfile.NamedTemporaryFile(prefix="wardapp-import-", suffix=".csv", delete=False)  # noqa: SIM115
    path = Path(spooled.name)
    try:
        with spooled:
            shutil.copyfileobj(file.file, spooled, 1 << 20)
        name = Path(file.filename or "upload.csv").name
        prepared = importing.prepare(
            session, path, format, mapping, state.settings.import_limits(), name
        )
        started = importing.start(session, prepared, actor=who.user, actor_name=None, client=client)
    except FileRefused as refused:
        path.unlink(missing_ok=True)
        raise ApiError(
            422, "file_refused", f"{refused} Nothing was imported.", {"file": str(refused)}
        ) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    worker = threading.Thread(
        target=_run,
        args=(state.engine, prepared, started, path, state.settings.retention_report_days,
              who.user.username, client),
        name=f"import-{started.id}",
    )  # fmt: skip
    worker.start()  # it waits for this request's transaction to commit
    session.flush()
    result = importer.result_of(session, started.id)
    return JSONResponse(result, status_code=202)


def _run(
    engine: Engine,
    prepared: importing.Prepared,
    started: importer.Started,
    path: Path,
    retention_days: int,
    actor_name: str,
    client: str,
) -> None:
    try:
        importing.run(
            engine,
            prepared,
            started,
            retention_days=retention_days,
            actor_name=actor_name,
            client=client,
        )
    except Exception:  # already marked failed, with what to do; nobody else to tell
        log.exception("import %s failed", started.id)
    finally:
        path.unlink(missing_ok=True)


@router.get("/{import_id}")
def import_state(import_id: int, who: AnalystDep, session: SessionDep) -> JSONResponse:
    result = importer.result_of(session, import_id)
    if result is None:
        raise ApiError(404, "not_found", "No such import.")
    return JSONResponse(result)
