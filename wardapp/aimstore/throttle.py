"""Failed sign-ins counted per account, per address and per device, each with a lock that
grows while guessing goes on.

Per account: a guesser spreading requests over many addresses is still stopped. Unknown
usernames are counted exactly like real ones, so a lock tells nothing about which accounts
exist. Per address: one address guessing across many accounts is stopped too, and its
refused tries never reach an account, so it cannot keep one locked. Per device: a device
that holds a refresh token of the account signs in through the account's and its address's
locks (the councillor's own laptop while someone else fails their sign-in), with a lock of
its own, so a stolen token gives no free guesses.

Rows are keyed by an HMAC of "account:NAME", "address:IP" or "device:ID": what someone
typed as a username is never stored, and keys of different kinds cannot collide. Rows
quiet for a whole window are deleted.
"""

import hashlib
import hmac
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, or_, select
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.settings import AimStoreSettings
from wardapp.aimstore.sqlhelpers import insert_ignoring_conflicts

THROTTLE_TABLE: Table = models.SignInThrottle.__table__  # type: ignore[assignment]
# Its "username" column holds the HMAC keys (it was named before keys were hashed).


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int
    window: timedelta
    first_lock: timedelta
    longest_lock: timedelta

    @classmethod
    def from_settings(cls, settings: AimStoreSettings) -> "ThrottlePolicy":
        return cls(
            max_failures=settings.sign_in_max_failures,
            window=timedelta(minutes=settings.sign_in_window_minutes),
            first_lock=timedelta(seconds=settings.sign_in_lock_seconds),
            longest_lock=timedelta(seconds=settings.sign_in_max_lock_seconds),
        )

    @classmethod
    def for_addresses(cls, settings: AimStoreSettings) -> "ThrottlePolicy":
        """As for accounts, with room for an office's typos behind one address."""
        return replace(
            cls.from_settings(settings), max_failures=settings.sign_in_address_max_failures
        )

    def lock_for(self, failures: int) -> timedelta:
        """The first lock at ``max_failures``, twice as long for each failure after it."""
        extra = min(failures - self.max_failures, 30)  # 2**30 is past any sensible cap
        lock: timedelta = self.first_lock * (2**extra)
        return min(lock, self.longest_lock)


@dataclass(frozen=True)
class Limit:
    """One counter a sign-in is checked against; ``scope`` words the refusal."""

    key: str
    policy: ThrottlePolicy
    scope: str


def throttle_key(secret: str, kind: str, value: str) -> str:
    """64 hex characters: fits the column, and keeps nothing of what was typed."""
    return hmac.new(secret.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def seconds_locked(session: Session, key: str, now: datetime) -> int | None:
    """Whole seconds until this key may try again, or None when it is not locked."""
    locked_until = session.scalar(
        select(models.SignInThrottle.locked_until).where(models.SignInThrottle.username == key)
    )
    if locked_until is None or locked_until <= now:
        return None
    return max(1, math.ceil((locked_until - now).total_seconds()))


def _forget_quiet(session: Session, policy: ThrottlePolicy, now: datetime) -> None:
    """Rows with nothing for a whole window would start afresh anyway: they go."""
    cutoff = now - policy.window
    row = models.SignInThrottle
    session.execute(
        delete(row).where(
            row.first_failed_at < cutoff,
            or_(row.locked_until.is_(None), row.locked_until < cutoff),
        )
    )


def record_failure(session: Session, key: str, policy: ThrottlePolicy, now: datetime) -> int | None:
    """Counts one failure; returns the seconds of the lock it started, or None.

    Meant for a transaction of its own: the failed request's own transaction rolls back.
    The row is created race-free and then locked, so concurrent failures all count.
    """
    _forget_quiet(session, policy, now)
    session.execute(
        insert_ignoring_conflicts(session, THROTTLE_TABLE).values(
            username=key, failures=0, first_failed_at=now, locked_until=None
        )
    )
    row = session.scalars(
        select(models.SignInThrottle)
        .where(models.SignInThrottle.username == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    last_activity = max(row.first_failed_at, row.locked_until or row.first_failed_at)
    if now - last_activity > policy.window:
        # Quiet for a whole window: start counting afresh (and forget earlier locks).
        row.failures = 0
        row.first_failed_at = now
        row.locked_until = None
    row.failures += 1
    if row.failures < policy.max_failures:
        return None
    lock = policy.lock_for(row.failures)
    row.locked_until = now + lock
    return max(1, math.ceil(lock.total_seconds()))


def clear(session: Session, key: str) -> None:
    """A successful sign-in forgives earlier failures (of its account or device)."""
    session.execute(delete(models.SignInThrottle).where(models.SignInThrottle.username == key))
