"""Background sync for a running app: on a timer, on demand, backing off after failures.

Exponential backoff with full jitter (a random wait between 0 and the capped exponential),
never shorter than the server's Retry-After. ``trigger()`` syncs now whatever the backoff.
"""

import logging
import random
import threading
from collections.abc import Callable

from wardapp.client.sync import SyncObserver, SyncResult

BASE_DELAY_S = 2.0
MAX_DELAY_S = 300.0
log = logging.getLogger(__name__)


def backoff_delay(
    failures: int,
    retry_after: float | None,
    rng: random.Random,
    base: float = BASE_DELAY_S,
    cap: float = MAX_DELAY_S,
) -> float:
    """Seconds to wait after ``failures`` failures in a row (full jitter)."""
    ceiling = min(cap, base * 2 ** max(0, failures - 1))
    return max(retry_after or 0.0, rng.uniform(0.0, ceiling))


class SyncScheduler:
    def __init__(
        self,
        sync: Callable[[SyncObserver | None, threading.Event], SyncResult],
        interval_s: float,
        on_result: Callable[[SyncResult], None],
        observer: SyncObserver | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._sync = sync
        self.interval_s = interval_s
        self._on_result = on_result
        self._observer = observer
        self._rng = rng or random.Random()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._failures = 0
        self._thread = threading.Thread(target=self._loop, name="wardapp-sync", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def trigger(self) -> None:
        """Sync as soon as possible, ignoring any backoff."""
        self._failures = 0
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> bool:
        """Cancels a running sync between batches and waits; False if it is still running."""
        self._stop.set()
        self._cancel.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        return not self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._cancel.clear()
            if self._stop.is_set():  # a stop() between the check above and the clear
                return
            try:
                result = self._sync(self._observer, self._cancel)
            except Exception:  # a bug must not end background sync for good
                log.exception("sync failed")
                result = SyncResult(
                    error="Sync stopped on an unexpected problem; it will try again. "
                    "Your reports are kept on this computer."
                )
            if self._stop.is_set():
                return
            self._on_result(result)
            if result.error and not result.signed_out and not result.busy:
                self._failures += 1
                delay = backoff_delay(self._failures, result.retry_after, self._rng)
            else:
                self._failures = 0
                delay = self.interval_s
            self._wake.wait(delay)
            self._wake.clear()
