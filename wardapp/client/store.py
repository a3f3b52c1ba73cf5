"""The profile's encrypted database (SQLCipher): connection, schema migrations, transactions.

One connection per profile, shared by the UI thread and the sync worker behind a lock;
other processes may open the same file at the same time (WAL, busy timeout, BEGIN IMMEDIATE).
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher

from wardapp.client.errors import StoreUnreadable

# Each entry brings the schema from version i to i + 1 (PRAGMA user_version).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE reports (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        payload TEXT NOT NULL,
        sync_state TEXT NOT NULL,
        problem TEXT,
        problem_fields TEXT,
        server_status TEXT,
        status_note TEXT,
        ward_code TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        report_id TEXT NOT NULL REFERENCES reports(id),
        version INTEGER NOT NULL,
        payload TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        UNIQUE (report_id, version)
    );
    CREATE TABLE drafts (id TEXT PRIMARY KEY, payload TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, fetched_at TEXT NOT NULL);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class LocalStore:
    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlcipher.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=30
        )
        try:
            self._db.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError as exc:
            self._db.close()
            raise StoreUnreadable(
                f"The profile's data in {path} cannot be opened: the key does not match or the "
                "file is damaged. Nothing was changed."
            ) from exc
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA busy_timeout = 30000")
        self.migrate()

    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, target: int = SCHEMA_VERSION) -> None:
        with self._lock:
            while (current := self.schema_version()) < target:
                with self.transaction() as db:
                    # Re-read inside the write lock: another process may have migrated.
                    if int(db.execute("PRAGMA user_version").fetchone()[0]) != current:
                        continue
                    for statement in MIGRATIONS[current].split(";"):
                        if statement.strip():
                            db.execute(statement)
                    db.execute(f"PRAGMA user_version = {current + 1}")

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A write transaction, durable on disk when the block ends without an error."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[Any]:
        with self._lock:
            yield self._db

    def get_meta(self, key: str) -> str | None:
        with self.reading() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, db: Any, key: str, value: str | None) -> None:
        if value is None:
            db.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
