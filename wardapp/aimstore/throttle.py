"""Failed sign-ins counted per account name, with a lock that grows while guessing goes on.

Per account rather than per address: a shared office behind one address is not locked out
by one colleague's typos, and a guesser spreading requests over many addresses still is.
Unknown usernames are counted exactly like real ones, so a lock tells nothing about which
accounts exist.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.settings import AimStoreSettings
from wardapp.aimstore.sqlhelpers import insert_ignoring_conflicts

THROTTLE_TABLE: Table = models.SignInThrottle.__table__  # type: ignore[assignment]


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

    def lock_for(self, failures: int) -> timedelta:
        """The first lock at ``max_failures``, twice as long for each failure after it."""
        extra = min(failures - self.max_failures, 30)  # 2**30 is past any sensible cap
        lock: timedelta = self.first_lock * (2**extra)
        return min(lock, self.longest_lock)


def _key(username: str) -> str:
    """The column holds 64 characters; a longer name is cut, never an error."""
    return username[:64]


def seconds_locked(session: Session, username: str, now: datetime) -> int | None:
    """Whole seconds until this account may try again, or None when it is not locked."""
    locked_until = session.scalar(
        select(models.SignInThrottle.locked_until).where(
            models.SignInThrottle.username == _key(username)
        )
    )
    if locked_until is None or locked_until <= now:
        return None
    return max(1, math.ceil((locked_until - now).total_seconds()))


def record_failure(
    session: Session, username: str, policy: ThrottlePolicy, now: datetime
) -> int | None:
    """Counts one failure; returns the seconds of the lock it started, or None.

    Meant for a transaction of its own: the failed request's own transaction rolls back.
    The row is created race-free and then locked, so concurrent failures all count.
    """
    key = _key(username)
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


def clear(session: Session, username: str) -> None:
    """A successful sign-in forgives earlier failures."""
    session.execute(
        delete(models.SignInThrottle).where(models.SignInThrottle.username == _key(username))
    )
