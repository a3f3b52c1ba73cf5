"""One sync: send the outbox in batches, then pull statuses and reference data.

Exactly-once: each version is marked attempted (durably) before it is sent, the server is
idempotent on (id, version, content), and outcomes are recorded in one transaction after
the reply. A crash at any point leaves the entry in the outbox and the next sync re-sends
it, which the server answers with "duplicate" if it already has it.
"""

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Protocol

from pydantic import ValidationError

from wardapp.client.api import AimStoreApi, Redirected, Refused, ServerTrouble, Unreachable
from wardapp.client.auth import Authenticator
from wardapp.client.cache import Cache
from wardapp.client.errors import NotSignedIn
from wardapp.client.reports import ReportBook
from wardapp.client.store import LocalStore
from wardapp.client.summaries import Summaries
from wardapp.core.schemas import BATCH_MAX
from wardapp.core.wards import WardSet


@dataclass
class SyncResult:
    """What happened, in numbers and plain words; ``error`` is None when all went well."""

    sent: int = 0
    duplicates: int = 0
    rejected: int = 0
    conflicts: int = 0
    failed: int = 0
    pulled: int = 0
    pending: int = 0
    error: str | None = None
    signed_out: bool = False
    offline: bool = False  # the AIM store could not be reached at all
    busy: bool = False
    cancelled: bool = False
    retry_after: float | None = None
    finished_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    @property
    def ok(self) -> bool:
        return self.error is None and not self.busy and not self.cancelled


class SyncObserver(Protocol):
    """Progress for the UI, which turns these calls into Qt signals."""

    def sync_progress(self, done: int, total: int) -> None: ...


class SyncEngine:
    def __init__(
        self,
        store: LocalStore,
        api: AimStoreApi,
        auth: Authenticator,
        batch_size: int = BATCH_MAX,
    ) -> None:
        self.store = store
        self.book = ReportBook(store)
        self.cache = Cache(store)
        self.api = api
        self.auth = auth
        self.batch_size = batch_size

    def run(
        self, observer: SyncObserver | None = None, cancel: threading.Event | None = None
    ) -> SyncResult:
        result = SyncResult()
        try:
            self._push(result, observer, cancel)
            if not result.cancelled:
                self._pull(result)
        except NotSignedIn as exc:
            result.error, result.signed_out = str(exc), True
        except Unreachable as exc:
            result.error = f"{exc} Reports are kept and will be sent later."
            result.offline = True
        except ServerTrouble as exc:
            result.error = f"The AIM store is busy or down (HTTP {exc.status}); will try again."
            result.retry_after = exc.retry_after
        except Redirected as exc:  # the address needs putting right; the message says so
            result.error = exc.message
        except Refused as exc:
            result.error = f"The AIM store refused the request: {exc.message}"
        except (ValidationError, ValueError) as exc:
            result.error = f"The AIM store sent an answer this app does not understand ({exc})."
        result.pending = self.book.pending_count()
        result.failed = result.pending if result.error else 0
        with self.store.transaction() as db:
            self.store.set_meta(db, "last_sync_attempt", result.finished_at)
            if result.ok:
                self.store.set_meta(db, "last_sync", result.finished_at)
        return result

    def _push(
        self, result: SyncResult, observer: SyncObserver | None, cancel: threading.Event | None
    ) -> None:
        total = self.book.pending_count()
        done = 0
        while items := self.book.next_batch(self.batch_size):
            if cancel is not None and cancel.is_set():
                result.cancelled = True
                return
            self.book.mark_attempted(items)
            try:
                answer = self.auth.call(
                    lambda token: self.api.upload(token, [i.payload for i in items])
                )
            except (Unreachable, ServerTrouble, Refused) as exc:
                self.book.record_failure(items, str(exc) or type(exc).__name__)
                raise
            self.book.record_results(items, answer.results)
            for item in answer.results:
                if item.status in ("created", "updated"):
                    result.sent += 1
                elif item.status == "duplicate":
                    result.duplicates += 1
                elif item.status == "rejected":
                    result.rejected += 1
                else:
                    result.conflicts += 1
            done += len(items)
            if observer is not None:
                observer.sync_progress(min(done, total), max(total, done))

    def _pull(self, result: SyncResult) -> None:
        since = self.store.get_meta("sync_token")
        cursor: str | None = None
        while True:
            try:
                page = self.auth.call(partial(self.api.my_reports, since=since, cursor=cursor))
            except Refused as exc:
                if exc.status != 400 or since is None or cursor is not None:
                    raise
                # A token the store no longer reads (it was upgraded, or its key changed):
                # pull every report again; applying the store's copies twice changes nothing.
                since = None
                continue
            self.book.apply_server_copies(page.items)
            result.pulled += len(page.items)
            if page.next_cursor is None:
                with self.store.transaction() as db:
                    self.store.set_meta(db, "sync_token", page.sync_token)
                break
            cursor = page.next_cursor
        taxonomy = self.auth.call(self.api.taxonomy)
        wards = self.auth.call(self.api.wards)
        # Checked before it is kept: boundaries this app would refuse to draw (a ward name
        # with markup, say) leave the last good set in place and say why.
        WardSet.from_geojson(wards, "the AIM store's wards")
        self.cache.put("taxonomy", taxonomy.model_dump(mode="json"))
        self.cache.put("wards", wards)
        user = self.auth.user() or {}
        for code in user.get("wards", []):
            actions = self.auth.call(partial(self.api.ward_actions, ward_code=code))
            self.cache.put(f"actions:{code}", actions.model_dump(mode="json"))
        # Last month's summaries of the user's wards, for review offline; guarded inside.
        Summaries(self.cache, self.api, self.auth).refresh_own(user.get("wards", []))
