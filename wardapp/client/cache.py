"""Copies of what the server last sent (taxonomy, wards, summaries), for offline review."""

import json
from datetime import UTC, datetime
from typing import Any

from wardapp.client.store import LocalStore


class Cache:
    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def put(self, key: str, value: Any) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO cache (key, value, fetched_at) VALUES (?, ?, ?) ON CONFLICT (key) "
                "DO UPDATE SET value = excluded.value, fetched_at = excluded.fetched_at",
                (key, json.dumps(value), datetime.now(UTC).isoformat()),
            )

    def get(self, key: str) -> Any | None:
        with self.store.reading() as db:
            row = db.execute("SELECT value FROM cache WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])
