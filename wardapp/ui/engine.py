"""The client engine seen from Qt: every call runs off the UI thread, every answer is a signal.

Profile calls (save, withdraw, drafts, lists, sign-in) run one at a time on a worker thread;
sync runs on the scheduler's own thread. Signals emitted from those threads reach widgets
through Qt's queued connections, so the UI thread never waits on disk or network.
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

from wardapp.client.errors import ClientError, ReportRefused
from wardapp.client.profile import Profile
from wardapp.client.scheduler import SyncScheduler
from wardapp.client.summaries import ScopeKind, SummaryUnavailable
from wardapp.client.sync import SyncObserver, SyncResult
from wardapp.ui import background

log = logging.getLogger(__name__)
DEFAULT_SYNC_INTERVAL_S = 120.0
SAVED_WILL_SYNC = "Saved — will sync"
SAVED_AND_SENT = "Saved and sent"


class Engine(QObject):
    reportsChanged = Signal(list)  # every report, as ``ReportBook.all_records`` gives them
    pendingChanged = Signal(int)
    saved = Signal(str, str)  # report id, message
    saveRefused = Signal(str, dict)  # message, {field: message}
    withdrawn = Signal(str)
    draftsFound = Signal(dict)  # {report id: form values}
    syncStarted = Signal()
    syncProgress = Signal(int, int)
    syncFinished = Signal(object)  # SyncResult
    lastSync = Signal(object)  # ISO time of the last sync that went through, or None
    userChanged = Signal(object)  # {"username", "role", "wards"} or None
    signInFailed = Signal(str)
    failed = Signal(str)  # anything else, in plain words
    summaryLoaded = Signal(object)  # client.summaries.Review
    overviewLoaded = Signal(object)  # Fetched[Overview]
    areasLoaded = Signal(object)  # Fetched[AreaList]
    summaryFailed = Signal(str)  # why no summary (or overview) can be shown, in plain words

    def __init__(self, profile: Profile, sync_interval_s: float = DEFAULT_SYNC_INTERVAL_S) -> None:
        super().__init__()
        self.profile = profile
        # Saves and drafts (disk only) never queue behind sign-in or sign-out (network).
        self._worker = background.lane("engine")
        self._account = background.lane("account")
        # Summaries wait on the network: never behind a save, nor a save behind them.
        self._review = background.lane("review")
        self._observer = _ProgressSignal(self.syncProgress)
        self.scheduler = SyncScheduler(
            self._sync, sync_interval_s, self.syncFinished.emit, self._observer
        )
        self._closed = False
        self._publishing = threading.Lock()  # lists reach the window in the order read

    # --- lifecycle --------------------------------------------------------------------
    def start(self, background_sync: bool = True) -> None:
        """Loads what the window shows first, then starts syncing in the background."""
        self._run(self._load_start)
        if background_sync:
            self.scheduler.start()

    def close(self) -> None:
        """Stops sync (between batches), finishes queued saves, closes the store.

        A sync still waiting on a slow server keeps the store open: the process ends soon
        anyway, and the outbox entry it holds is sent again next time.
        """
        if self._closed:
            return
        self._closed = True
        stopped = self.scheduler.stop()
        self._worker.shutdown(wait=True)  # queued saves and drafts reach the disk
        self._account.shutdown(wait=False, cancel_futures=True)
        self._review.shutdown(wait=False, cancel_futures=True)
        if stopped:
            self.profile.close()

    # --- calls from the window ------------------------------------------------------------
    def save_report(self, values: dict[str, Any], report_id: str) -> None:
        self._run(lambda: self._save(dict(values), report_id))

    def withdraw(self, report_id: str) -> None:
        self._run(lambda: self._withdraw(report_id))

    def save_draft(self, report_id: str, values: dict[str, Any]) -> None:
        self._run(lambda: self.profile.save_draft(report_id, dict(values)))

    def discard_draft(self, report_id: str) -> None:
        self._run(lambda: self.profile.discard_draft(report_id))

    def refresh(self) -> None:
        self._run(self._publish_reports)

    def sync_now(self) -> None:
        self.scheduler.trigger()

    def sign_in(self, username: str, password: str) -> None:
        self._run(lambda: self._sign_in(username, password), self._account)

    def sign_out(self) -> None:
        self._run(self._sign_out, self._account)

    def load_summary(self, kind: ScopeKind, code: str, period: str) -> None:
        """A ward's or area's summary and actions: ``summaryLoaded`` or ``summaryFailed``."""
        summaries = self.profile.summaries
        self._fetch(lambda: summaries.review(kind, code, period), self.summaryLoaded)

    def load_overview(self, period: str) -> None:
        """Every ward's total for the map: ``overviewLoaded`` or ``summaryFailed``."""
        summaries = self.profile.summaries
        self._fetch(lambda: summaries.overview(period), self.overviewLoaded)

    def load_areas(self) -> None:
        """The neighbourhood areas for the picker; quiet when there are none to be had."""
        self._fetch(self.profile.summaries.areas, self.areasLoaded, quiet=True)

    @property
    def server_url(self) -> str:
        return str(self.profile.settings["server_url"])

    # --- on the worker thread ---------------------------------------------------------------
    def _run(self, call: Callable[[], None], pool: ThreadPoolExecutor | None = None) -> None:
        if self._closed:
            return

        def guarded() -> None:
            try:
                call()
            except Exception as exc:
                if self._closed:  # nobody is listening; a call cut off by the closed store
                    log.debug("engine call ended by close", exc_info=True)
                elif isinstance(exc, ClientError):
                    self.failed.emit(str(exc))
                else:  # a bug: said in words and logged, never lost silently
                    log.exception("engine call failed")
                    self.failed.emit(
                        "Something went wrong inside wardapp and that step was not done. "
                        "Please try again; your saved reports are safe."
                    )

        (pool or self._worker).submit(guarded)

    def _load_start(self) -> None:
        self.userChanged.emit(self.profile.user())
        self.lastSync.emit(self.profile.last_sync())
        self._publish_reports()
        drafts = self.profile.drafts()
        if drafts:
            self.draftsFound.emit(drafts)

    def _publish_reports(self) -> None:
        """On the worker or the sync thread: listeners connected directly (which prepare the
        list for showing) run here too, so the read and its emission are kept in order."""
        with self._publishing:
            self.reportsChanged.emit(self.profile.my_report_records())
        self.pendingChanged.emit(self.profile.pending_count())

    def _save(self, values: dict[str, Any], report_id: str) -> None:
        values.setdefault("id", report_id)
        earlier = self.profile.report(str(values["id"]))
        values.setdefault(
            "captured_at",
            earlier.report["captured_at"] if earlier else datetime.now(UTC).isoformat(),
        )
        try:
            saved_id = self.profile.save_report(values)
        except ReportRefused as exc:
            self.saveRefused.emit(str(exc), exc.fields)
            return
        self.profile.discard_draft(report_id)
        self.saved.emit(saved_id, SAVED_WILL_SYNC)
        self._publish_reports()
        self.scheduler.trigger()

    def _withdraw(self, report_id: str) -> None:
        try:
            self.profile.withdraw_report(report_id)
        except ReportRefused as exc:
            self.failed.emit(str(exc))
            return
        self.withdrawn.emit(report_id)
        self._publish_reports()
        self.scheduler.trigger()

    def _sign_in(self, username: str, password: str) -> None:
        try:
            user = self.profile.sign_in(username, password)
        except ClientError as exc:
            self.signInFailed.emit(str(exc))
            return
        self.userChanged.emit(user)
        self.scheduler.trigger()

    def _sign_out(self) -> None:
        self.profile.sign_out()
        self.userChanged.emit(None)

    def _fetch(
        self, fetch: Callable[[], object], loaded: SignalInstance, quiet: bool = False
    ) -> None:
        """On the review pool; the answer (or why there is none) comes back as a signal."""

        def task() -> None:
            try:
                answer = fetch()
            except SummaryUnavailable as exc:
                if not quiet:
                    self.summaryFailed.emit(str(exc))
                return
            loaded.emit(answer)

        self._run(task, self._review)

    # --- on the sync thread -----------------------------------------------------------------
    def _sync(self, observer: SyncObserver | None, cancel: threading.Event) -> SyncResult:
        self.syncStarted.emit()
        result = self.profile.sync_once(observer, cancel)
        if not self._closed:
            self._publish_reports()
            if result.signed_out:  # the AIM store no longer accepts this device's sign-in
                self.userChanged.emit(None)
        return result


class _ProgressSignal:
    """The engine's SyncObserver, turned into a Qt signal."""

    def __init__(self, signal: Any) -> None:
        self._signal = signal

    def sync_progress(self, done: int, total: int) -> None:
        self._signal.emit(done, total)
