"""Small checks shared by the API tests."""

from typing import Any

import httpx2
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.changes import next_change_seq


def assert_error(response: httpx2.Response, *statuses: int) -> dict[str, Any]:
    """The response is one of ``statuses`` with the API's error body, and returns that body."""
    assert response.status_code in statuses, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"error", "message", "fields"}
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["fields"], dict)
    return body


def set_status(engine: Engine, report_id: str, status: str, note: str | None = None) -> None:
    """What an analyst's status change does: new status, note and change sequence together."""
    with Session(engine) as session, session.begin():
        session.execute(
            update(models.Report)
            .where(models.Report.id == report_id)
            .values(status=status, status_note=note, change_seq=next_change_seq(session))
        )


def audit_rows(engine: Engine, event: str) -> list[models.AuditEntry]:
    """The audit log's rows of one kind, oldest first."""
    with Session(engine) as session:
        return list(
            session.scalars(
                select(models.AuditEntry)
                .where(models.AuditEntry.event == event)
                .order_by(models.AuditEntry.id)
            )
        )
