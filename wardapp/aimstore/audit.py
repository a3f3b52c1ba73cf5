"""The audit trail: one append-only row for each sign-in, raw-report read and change.

Rows are written in the same transaction as what they record, so a change and its audit
entry stand or fall together. Failed sign-ins are recorded in a transaction of their own,
since the request that fails rolls back.
"""

from typing import Any

from sqlalchemy.orm import Session

from wardapp.aimstore.models import AuditEntry, User


def record(
    session: Session,
    event: str,
    *,
    actor: User | None = None,
    actor_name: str | None = None,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    client: str | None = None,
) -> None:
    """Adds an audit row; ``client`` is where the request came from (address, or "cli")."""
    session.add(
        AuditEntry(
            event=event,
            actor_id=actor.id if actor else None,
            actor=actor.username if actor else actor_name,
            target=target,
            detail=detail,
            client=client,
        )
    )
