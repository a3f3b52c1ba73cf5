"""A councillor's profile: the public, Qt-free API of the engine.

profile = Profile.open(directory, server_url)
profile.sign_in(username, password)
report_id = profile.save_report(report)   # durable when it returns
profile.sync_once()                       # the only call that talks to the server
"""

import json
import os
import socket
import threading
import uuid
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from wardapp.client.api import AimStoreApi, Unreachable, check_server_url
from wardapp.client.auth import Authenticator, StoreTokenVault, TokenVault
from wardapp.client.cache import Cache
from wardapp.client.errors import ProfileMissing, ReportRefused, StoreUnreadable
from wardapp.client.keys import ProfileSecrets, check_new_passphrase, passphrase_key
from wardapp.client.paths import private_folder
from wardapp.client.reports import MyReport, ReportBook
from wardapp.client.store import LocalStore
from wardapp.client.summaries import Summaries
from wardapp.client.sync import SyncEngine, SyncObserver, SyncResult
from wardapp.core.report import ReportIn, ReportInvalid, locate_report, parse_report
from wardapp.core.schemas import WardActions
from wardapp.core.taxonomy import Taxonomy, default_taxonomy
from wardapp.core.wards import WardSet, default_ward_set

PROFILE_FILE = "profile.json"
DATABASE_FILE = "wardapp.db"


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def _database_key(folder: Path, settings: dict[str, Any], passphrase: str | None) -> bytes:
    secrets = ProfileSecrets(settings["profile_id"])
    if settings["key_source"] == "passphrase":
        if passphrase is None:
            raise StoreUnreadable("This profile is protected by a passphrase: give it to open.")
        if not (folder / DATABASE_FILE).exists():  # a new passphrase; older ones still open
            check_new_passphrase(passphrase)
        return passphrase_key(passphrase, folder / "key-salt")
    if (folder / DATABASE_FILE).exists():
        return secrets.database_key()
    return secrets.new_database_key()


class Profile:
    def __init__(
        self,
        directory: Path,
        settings: dict[str, Any],
        store: LocalStore,
        vault: TokenVault,
        ca_bundle: str | None,
    ) -> None:
        self.directory = directory
        self.settings = settings
        self.store = store
        self.book = ReportBook(store)
        self.cache = Cache(store)
        self.api = AimStoreApi(settings["server_url"], ca_bundle)
        self.auth = Authenticator(self.api, vault)
        self.summaries = Summaries(self.cache, self.api, self.auth)
        # One sync at a time: across processes (an OS lock that dies with its process)
        # and across threads of this one.
        self._sync_lock = FileLock(directory / "sync.lock")
        self._thread_lock = threading.Lock()
        self._wards: tuple[Any, WardSet] | None = None

    @classmethod
    def open(
        cls,
        directory: str | Path,
        server_url: str | None = None,
        *,
        passphrase: str | None = None,
        ca_bundle: str | None = None,
    ) -> "Profile":
        """Creates the profile on first use, else opens it; the key comes from the keyring.

        Without ``server_url`` the profile's stored server is used.
        """
        folder = Path(directory)
        settings_file = folder / PROFILE_FILE
        if server_url is None and not settings_file.exists():
            raise ProfileMissing(
                f"There is no wardapp profile in {folder}: "
                "give the AIM store's address to make one."
            )
        url = check_server_url(server_url) if server_url else None
        if passphrase is not None and not settings_file.exists():
            check_new_passphrase(passphrase)  # before anything is written
        private_folder(folder)
        # Several processes may open the same folder at once; only one may create it.
        with FileLock(folder / "open.lock"):
            settings = json.loads(settings_file.read_text()) if settings_file.exists() else {}
            before = dict(settings)
            settings.setdefault("profile_id", str(uuid.uuid4()))
            settings.setdefault("key_source", "passphrase" if passphrase is not None else "keyring")
            settings["server_url"] = url or settings["server_url"]
            if settings != before:
                _write_atomically(settings_file, json.dumps(settings, indent=2))
            store = LocalStore(folder / DATABASE_FILE, _database_key(folder, settings, passphrase))
        secrets = ProfileSecrets(settings["profile_id"])
        vault: TokenVault = (
            StoreTokenVault(store) if settings["key_source"] == "passphrase" else secrets
        )
        return cls(folder, settings, store, vault, ca_bundle)

    # --- signing in -----------------------------------------------------------------
    def sign_in(
        self, username: str, password: str, device_name: str | None = None
    ) -> dict[str, Any]:
        """Keeps the tokens (never the password); returns the user: username, role, wards."""
        tokens = self.auth.sign_in(username, password, device_name or socket.gethostname())
        user: dict[str, Any] = tokens["user"]
        return user

    def sign_out(self) -> None:
        """Forgets the tokens; every unsent report stays for the next sign-in."""
        self.auth.sign_out()

    def user(self) -> dict[str, Any] | None:
        return self.auth.user()

    # --- reports ------------------------------------------------------------------------
    def taxonomy(self) -> Taxonomy:
        cached = self.cache.get("taxonomy")
        return Taxonomy.model_validate(cached) if cached else default_taxonomy()

    def ward_set(self) -> WardSet:
        cached = self.cache.get("wards")
        key = cached.get("boundary_set") if cached else None
        if self._wards is None or self._wards[0] != key:
            wards = WardSet.from_geojson(cached) if cached else default_ward_set()
            self._wards = (key, wards)
        return self._wards[1]

    def validate(self, report: dict[str, Any] | ReportIn) -> tuple[ReportIn, str]:
        """The report checked as the server will check it; raises ReportRefused otherwise."""
        raw = report.model_dump(mode="json") if isinstance(report, ReportIn) else dict(report)
        raw.setdefault("id", str(uuid.uuid4()))
        try:
            parsed = parse_report(raw, self.taxonomy())
            ward = locate_report(parsed, self.ward_set())
        except ReportInvalid as exc:
            raise ReportRefused(exc.message, exc.fields) from None
        return parsed, ward.code

    def save_report(self, report: dict[str, Any] | ReportIn) -> str:
        """Durable on disk when it returns; keeps the report's id (one is made if missing).

        Saving a report with an id already here is a correction: a local edit while it has
        never been offered to the server, a new version after.
        """
        parsed, ward_code = self.validate(report)
        self.book.save(parsed, ward_code)
        return str(parsed.id)

    def withdraw_report(self, report_id: str) -> None:
        mine = self.book.get(report_id)
        if mine is None:
            raise KeyError(report_id)
        self.save_report({**mine.report, "withdrawn": True})

    def pending_count(self) -> int:
        return self.book.pending_count()

    def my_reports(self) -> list[MyReport]:
        return self.book.all()

    def my_report_records(self) -> list[tuple[Any, ...]]:
        """``my_reports`` as plain records (``reports.RECORD_FIELDS``), for long lists."""
        return self.book.all_records()

    def report(self, report_id: str) -> MyReport | None:
        return self.book.get(report_id)

    def ward_actions(self, ward_code: str) -> WardActions | None:
        """The Task and Finish actions of one of the user's wards, as of the last sync."""
        cached = self.cache.get(f"actions:{ward_code}")
        return WardActions.model_validate(cached) if cached else None

    def last_sync(self) -> str | None:
        return self.store.get_meta("last_sync")

    # --- drafts -------------------------------------------------------------------------
    def save_draft(self, draft_id: str, fields: dict[str, Any]) -> None:
        self.book.save_draft(draft_id, fields)

    def drafts(self) -> dict[str, dict[str, Any]]:
        return self.book.drafts()

    def discard_draft(self, draft_id: str) -> None:
        self.book.discard_draft(draft_id)

    # --- sync ---------------------------------------------------------------------------
    def sync_once(
        self, observer: SyncObserver | None = None, cancel: threading.Event | None = None
    ) -> SyncResult:
        """Tries now; never raises for network, TLS or server failures, it reports them."""
        try:
            if not self._thread_lock.acquire(blocking=False):
                raise Timeout(str(self._sync_lock.lock_file))
            try:
                with self._sync_lock.acquire(timeout=0):
                    return SyncEngine(self.store, self.api, self.auth).run(observer, cancel)
            finally:
                self._thread_lock.release()
        except Timeout:
            return SyncResult(
                busy=True,
                error="Another sync of this profile is running.",
                pending=self.pending_count(),
            )
        except Unreachable as exc:  # defensive: the engine already turns these into results
            return SyncResult(error=str(exc), pending=self.pending_count())

    def close(self) -> None:
        self.api.close()
        self.store.close()
