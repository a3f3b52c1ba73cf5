"""Copies of what the server last sent (taxonomy, wards, summaries), for offline review."""

import json
from datetime import UTC, datetime
from typing import Any

from wardapp.client.store import LocalStore


class Cache:
    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def put(self, key: str, value: Any) -> datetime:
        """Keeps ``value`` (JSON) under ``key``; returns when it was kept, in UTC."""
        now = datetime.now(UTC)
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO cache (key, value, fetched_at) VALUES (?, ?, ?) ON CONFLICT (key) "
                "DO UPDATE SET value = excluded.value, fetched_at = excluded.fetched_at",
                (key, json.dumps(value), now.isoformat()),
            )
        return now

    def get(self, key: str) -> Any | None:
        found = self.entry(key)
        return None if found is None else found[0]

    def entry(self, key: str) -> tuple[Any, datetime] | None:
        """The value and when it was fetched, so an offline view can say how old it is."""
        with self.store.reading() as db:
            row = db.execute("SELECT value, fetched_at FROM cache WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        return json.loads(row[0]), datetime.fromisoformat(row[1])
