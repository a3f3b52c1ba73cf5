"""The token signing key: configured, or generated once and shared through the database."""

import secrets

from sqlalchemy import update
from sqlalchemy.orm import Session

from wardapp.aimstore.models import ServerSecret
from wardapp.aimstore.settings import MIN_SECRET_KEY_BYTES
from wardapp.aimstore.sqlhelpers import insert_ignoring_conflicts

SIGNING_KEY = "signing_key"


def _new_key() -> str:
    return secrets.token_urlsafe(48)  # 64 characters, 48 random bytes


def ensure_signing_key(session: Session) -> str:
    """Every worker calls this; the first insert (or replacement) wins and all read it."""
    existing = session.get(ServerSecret, SIGNING_KEY)
    if existing is None:
        statement = insert_ignoring_conflicts(session, ServerSecret.__table__).values(  # type: ignore[arg-type]
            name=SIGNING_KEY, value=_new_key()
        )
        session.execute(statement)
    elif len(existing.value.encode()) < MIN_SECRET_KEY_BYTES:
        # A key too short to be safe is replaced; only the first worker's update matches.
        session.execute(
            update(ServerSecret)
            .where(ServerSecret.name == SIGNING_KEY, ServerSecret.value == existing.value)
            .values(value=_new_key())
        )
    stored = session.get(ServerSecret, SIGNING_KEY, populate_existing=True)
    assert stored is not None
    return stored.value
