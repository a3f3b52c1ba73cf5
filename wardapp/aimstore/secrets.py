"""The token signing key: configured, or generated once and shared through the database."""

import secrets

from sqlalchemy.orm import Session

from wardapp.aimstore.models import ServerSecret
from wardapp.aimstore.sqlhelpers import insert_ignoring_conflicts

SIGNING_KEY = "signing_key"


def ensure_signing_key(session: Session) -> str:
    """Every worker calls this; the first insert wins and all read the same key."""
    existing = session.get(ServerSecret, SIGNING_KEY)
    if existing is not None:
        return existing.value
    statement = insert_ignoring_conflicts(session, ServerSecret.__table__).values(  # type: ignore[arg-type]
        name=SIGNING_KEY, value=secrets.token_urlsafe(48)
    )
    session.execute(statement)
    stored = session.get(ServerSecret, SIGNING_KEY, populate_existing=True)
    assert stored is not None
    return stored.value
