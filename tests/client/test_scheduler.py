"""The background sync loop: runs on a timer, backs off after failures, stops cleanly."""

import threading
import time
from collections.abc import Callable

from wardapp.client.scheduler import SyncScheduler
from wardapp.client.sync import SyncObserver, SyncResult


class ScriptedSync:
    """Stands in for Profile.sync_once: answers from a script, records when it was called."""

    def __init__(self, results: list[SyncResult]) -> None:
        self.results = results
        self.calls: list[float] = []
        self.called = threading.Event()

    def __call__(self, observer: SyncObserver | None, cancel: threading.Event) -> SyncResult:
        self.calls.append(time.monotonic())
        self.called.set()
        return self.results.pop(0) if self.results else SyncResult()


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_syncs_at_once_then_on_the_interval_and_reports_each_result() -> None:
    sync = ScriptedSync([])
    seen: list[SyncResult] = []
    scheduler = SyncScheduler(sync, interval_s=0.05, on_result=seen.append)
    scheduler.start()
    try:
        assert wait_for(lambda: len(sync.calls) >= 3)
    finally:
        scheduler.stop()
    assert len(seen) >= 2


def test_after_a_failure_trigger_syncs_now_despite_backoff() -> None:
    failing = SyncResult(error="The AIM store could not be reached.", retry_after=60.0)
    sync = ScriptedSync([failing])
    seen: list[SyncResult] = []
    scheduler = SyncScheduler(sync, interval_s=0.05, on_result=seen.append)
    scheduler.start()
    try:
        assert wait_for(lambda: len(seen) == 1)
        time.sleep(0.2)
        assert len(sync.calls) == 1  # waiting out Retry-After, not hammering the server
        scheduler.trigger()
        assert wait_for(lambda: len(sync.calls) == 2)
    finally:
        scheduler.stop()
    assert seen[0].error is not None


def test_stop_cancels_a_running_sync_and_ends_the_thread() -> None:
    started = threading.Event()

    def slow_sync(observer: SyncObserver | None, cancel: threading.Event) -> SyncResult:
        started.set()
        cancel.wait(5)
        return SyncResult(cancelled=cancel.is_set())

    scheduler = SyncScheduler(slow_sync, interval_s=60, on_result=lambda r: None)
    scheduler.start()
    assert started.wait(5)
    began = time.monotonic()
    scheduler.stop()
    assert time.monotonic() - began < 2
    assert not scheduler._thread.is_alive()
