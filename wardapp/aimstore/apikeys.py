"""API keys of other reporting systems: issued once, kept hashed, revocable, rate-limited.

A key is 32 random bytes (URL-safe text). Only its SHA-256 is stored: a copy of the
database gives nobody a key, and a key that is 256 bits of randomness needs no slow hash.
Each key's requests are counted in a fixed one-minute window held in its row, so every
worker process shares the same count.
"""

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.accounts import ChangedBy

# The name becomes the records' source "open311:<name>" (a 40-character column).
NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,31}$", re.ASCII)
SOURCE_PREFIX = "open311:"
KEY_BYTES = 32
# Anything longer than a key we issue is not one; not worth hashing.
KEY_TEXT_MAX = 100
WINDOW = timedelta(minutes=1)


class ApiKeyError(ValueError):
    """A key that cannot be added or revoked; the message says why and what to do."""


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def source_of(name: str) -> str:
    return SOURCE_PREFIX + name


def add_key(session: Session, name: str, by: ChangedBy) -> str:
    """Creates a key for ``name``; returns the key, which is never readable again."""
    if not NAME.match(name):
        raise ApiKeyError(
            f"{name!r} cannot name a key: use 1 to 32 lower-case letters, digits, '.', '_' or "
            "'-', starting with a letter or digit (for example fixmystreet)."
        )
    if session.scalar(select(models.ApiKey.id).where(models.ApiKey.name == name)) is not None:
        raise ApiKeyError(
            f"A key named {name} exists or existed: records already carry the source "
            f"{source_of(name)}, so choose another name."
        )
    key = secrets.token_urlsafe(KEY_BYTES)
    session.add(models.ApiKey(name=name, key_hash=key_hash(key), window_requests=0))
    by.record(session, "apikey_created", name)
    return key


def list_keys(session: Session) -> list[models.ApiKey]:
    return list(session.scalars(select(models.ApiKey).order_by(models.ApiKey.name)))


def revoke_key(session: Session, name: str, by: ChangedBy, now: datetime) -> bool:
    """Refuses the key from its next request on; False when it was already revoked."""
    row = session.scalar(select(models.ApiKey).where(models.ApiKey.name == name))
    if row is None:
        raise ApiKeyError(f"There is no key named {name}; see `wardapp-aimstore apikey list`.")
    if row.revoked_at is not None:
        return False
    row.revoked_at = now
    by.record(session, "apikey_revoked", name)
    return True


@dataclass(frozen=True)
class KeyHolder:
    """The reporting system a valid key belongs to."""

    id: int
    name: str

    @property
    def source(self) -> str:
        return source_of(self.name)


class KeyRefused(Exception):
    """``status`` 403 (no such key, or revoked) or 429 (``retry_after`` seconds)."""

    def __init__(self, status: int, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


def use_key(session: Session, key: str, per_minute: int, now: datetime) -> KeyHolder:
    """Checks ``key`` and counts one request against it, in the caller's transaction.

    Meant for a transaction of its own, committed before the request's work, so a request
    that fails afterwards still counts toward the limit.
    """
    wrong = KeyRefused(403, "The api_key is not valid (wrong, or revoked).")
    if not key or len(key) > KEY_TEXT_MAX:
        raise wrong
    digest = key_hash(key)
    row = session.scalar(
        select(models.ApiKey).where(models.ApiKey.key_hash == digest).with_for_update()
    )
    if row is None or not hmac.compare_digest(row.key_hash, digest) or row.revoked_at is not None:
        raise wrong
    if row.window_started_at is None or now - row.window_started_at >= WINDOW:
        row.window_started_at = now
        row.window_requests = 0
    if row.window_requests >= per_minute:
        wait = row.window_started_at + WINDOW - now
        raise KeyRefused(
            429,
            f"This api_key has made {per_minute} requests this minute, its limit; "
            "try again shortly.",
            retry_after=max(1, math.ceil(wait.total_seconds())),
        )
    row.window_requests += 1
    return KeyHolder(row.id, row.name)
