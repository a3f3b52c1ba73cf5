"""The audit trail: one append-only row for each sign-in, raw-report read and change.

Rows are written in the same transaction as what they record, so a change and its audit
entry stand or fall together. Failed sign-ins are recorded in a transaction of their own,
since the request that fails rolls back. Nothing updates or deletes a row: there is no
route for it, and database triggers (migration 0004) refuse it.

Events and their targets: ``sign_in``, ``sign_in_failed``, ``sign_out`` and the
account changes (``user_created``, ``user_disabled``, ...; the username) from accounts.py
and the auth routes; ``reports_read`` (GET /v1/reports: its filters and the count, never
the data), ``reports_uploaded`` (ids created, updated and withdrawn by one batch),
``report_triaged`` (report id: status from and to), ``action_created`` and
``action_updated`` (action id: what changed), ``wards_loaded`` (boundary set version),
``import_started`` and ``import_finished`` (``import:ID``: source, format, file name and
counts, never a row), ``summary_read`` (``ward:CODE``, ``area:CODE`` or ``overview``: the
period; one row per reader, summary and period an hour), ``summary_republished`` (the
period: its version), ``apikey_created`` and ``apikey_revoked`` (the key's name; never the
key), and ``reports_uploaded`` by actor ``open311:<key name>`` for a report received over
Open311.
``sign_in_failed`` names the account only when it exists (a password typed into the
username box must not be kept); ``access_refused`` (a signed-in user's 403: the method and
route template, their role and the role needed). Commands run on the server record
``client="cli"`` and the operating-system account.
"""

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from wardapp.aimstore.models import AuditEntry, User


def record(
    session: Session,
    event: str,
    *,
    actor: User | None = None,
    actor_name: str | None = None,
    actor_id: int | None = None,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    client: str | None = None,
    at: datetime | None = None,
) -> None:
    """Adds an audit row; ``client`` is where the request came from (address, or "cli").

    ``at`` is when it happened, where the row is written later (summary reads).
    """
    session.add(
        AuditEntry(
            **({"at": at} if at is not None else {}),
            event=event,
            actor_id=actor.id if actor else actor_id,
            actor=actor.username if actor else actor_name,
            target=target,
            detail=detail,
            client=client,
        )
    )
