"""Street-map tiles kept on disk, so an area looked at once at home still shows at the surgery.

Tiles are plain files; a small SQLite index beside them records each tile's size and when it
was last used, so the folder stays under its size cap by dropping the least recently used
tiles first. A damaged index is thrown away with its tiles: the folder only ever holds copies.
"""

import hashlib
import os
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from wardapp.client.paths import private_folder

INDEX_NAME = "index.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS tiles (
    key TEXT PRIMARY KEY,
    file TEXT NOT NULL,
    size INTEGER NOT NULL,
    used INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS tiles_used ON tiles (used);
"""


@dataclass(frozen=True)
class CacheStats:
    hits: int
    misses: int
    tiles: int
    bytes: int
    evicted: int

    @property
    def hit_rate(self) -> float:
        asked = self.hits + self.misses
        return self.hits / asked if asked else 0.0


class TileCache:
    """``get``/``put`` by key (any string); thread-safe; never grows past ``max_bytes``."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0
        self.evicted = 0
        self._lock = threading.Lock()
        try:
            db = self._open_index()
        except sqlite3.DatabaseError:  # a damaged index: the cache only holds copies, start again
            for name in (INDEX_NAME, f"{INDEX_NAME}-wal", f"{INDEX_NAME}-shm"):
                (self.folder / name).unlink(missing_ok=True)
            shutil.rmtree(self.folder / "tiles", ignore_errors=True)
            db = self._open_index()
        self._db: sqlite3.Connection | None = db
        used, total = db.execute("SELECT MAX(used), SUM(size) FROM tiles").fetchone()
        self._clock = int(used or 0)  # a counter, not the time: exact order, no clock ties
        self._total = int(total or 0)
        if self._total > max_bytes:  # the cap was lowered since last time
            with self._lock:
                self._evict(db)

    def _open_index(self) -> sqlite3.Connection:
        # Private: the tiles kept show which streets a councillor has been looking at.
        private_folder(self.folder)
        (self.folder / "tiles").mkdir(exist_ok=True)
        db = sqlite3.connect(
            self.folder / INDEX_NAME, check_same_thread=False, isolation_level=None
        )
        try:
            db.execute("PRAGMA busy_timeout = 5000")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")  # a lost last tile is fine
            db.executescript(SCHEMA)
            db.execute("SELECT MAX(used), SUM(size) FROM tiles").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    @staticmethod
    def file_name(key: str) -> str:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return f"{digest[:2]}/{digest}.tile"

    def _tick(self) -> int:
        self._clock += 1
        return self._clock

    def get(self, key: str) -> bytes | None:
        """The tile's bytes, or None; a hit makes it the most recently used."""
        with self._lock:
            db = self._db
            row = None
            if db is not None:
                row = db.execute("SELECT file, size FROM tiles WHERE key = ?", (key,)).fetchone()
            if db is None or row is None:
                self.misses += 1
                return None
            try:
                data = (self.folder / "tiles" / str(row[0])).read_bytes()
            except OSError:  # deleted by hand: forget it
                db.execute("DELETE FROM tiles WHERE key = ?", (key,))
                self._total -= int(row[1])
                self.misses += 1
                return None
            db.execute("UPDATE tiles SET used = ? WHERE key = ?", (self._tick(), key))
            self.hits += 1
            return data

    def touch(self, key: str) -> bool:
        """Marks a tile as just used without reading it or counting a hit; False if absent."""
        with self._lock:
            if self._db is None:
                return False
            cursor = self._db.execute(
                "UPDATE tiles SET used = ? WHERE key = ?", (self._tick(), key)
            )
            return cursor.rowcount > 0

    def put(self, key: str, data: bytes) -> bool:
        """Keeps a tile; False when it is bigger than the whole cache (or the cache is closed)."""
        if len(data) > self.max_bytes or self._db is None:
            return False  # a closed cache writes no file it would never evict
        name = self.file_name(key)
        path = self.folder / "tiles" / name
        path.parent.mkdir(exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, path)  # readers never see half a tile
        with self._lock:
            db = self._db
            if db is None:
                return False
            old = db.execute("SELECT size FROM tiles WHERE key = ?", (key,)).fetchone()
            db.execute(
                "INSERT INTO tiles (key, file, size, used) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET size = excluded.size, used = excluded.used",
                (key, name, len(data), self._tick()),
            )
            self._total += len(data) - (int(old[0]) if old else 0)
            if self._total > self.max_bytes:
                self._evict(db)
        return True

    def _evict(self, db: sqlite3.Connection) -> None:
        """Drops least recently used tiles until the total is under the cap again."""
        while self._total > self.max_bytes:
            rows = db.execute("SELECT key, file, size FROM tiles ORDER BY used LIMIT 64").fetchall()
            if not rows:
                self._total = 0
                return
            for key, file, size in rows:
                db.execute("DELETE FROM tiles WHERE key = ?", (key,))
                (self.folder / "tiles" / str(file)).unlink(missing_ok=True)
                self._total -= int(size)
                self.evicted += 1
                if self._total <= self.max_bytes:
                    return

    def __contains__(self, key: object) -> bool:
        with self._lock:
            if self._db is None or not isinstance(key, str):
                return False
            found = self._db.execute("SELECT 1 FROM tiles WHERE key = ?", (key,)).fetchone()
            return found is not None

    @property
    def total_bytes(self) -> int:
        return self._total

    def stats(self) -> CacheStats:
        with self._lock:
            count = 0
            if self._db is not None:
                count = int(self._db.execute("SELECT COUNT(*) FROM tiles").fetchone()[0])
            return CacheStats(self.hits, self.misses, count, self._total, self.evicted)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
