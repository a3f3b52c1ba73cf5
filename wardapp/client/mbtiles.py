"""A street map from an MBTiles file the user picks: raster tiles in a SQLite file.

It is opened read-only (the file may sit on a shared drive or a USB stick and must never be
changed) and checked once, so a wrong file is refused with a sentence a councillor can act
on instead of a blank map.
"""

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from wardapp.client.errors import ClientError
from wardapp.core.tilemath import (
    MAX_ZOOM,
    WORLD,
    Bounds,
    TileRange,
    check_bounds,
    is_tile,
    range_bounds,
    tms_row,
)

RASTER_FORMATS = {"png": "png", "jpg": "jpg", "jpeg": "jpg", "webp": "webp"}
VECTOR_FORMATS = {"pbf", "mvt"}
CONTENT_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp"}


class MBTilesInvalid(ClientError):
    """The file cannot be used as a street map; the message says why, in plain words."""


@dataclass(frozen=True)
class MBTilesMetadata:
    name: str
    attribution: str
    bounds: Bounds
    minzoom: int
    maxzoom: int
    format: str  # "png", "jpg" or "webp"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def content_type(data: bytes) -> str | None:
    """The MIME type of a picture tile, or None for anything that is not one."""
    fmt = sniff_format(data)
    return CONTENT_TYPES.get(fmt) if fmt else None


def sniff_format(data: bytes) -> str | None:
    """What a tile's bytes are: "png", "jpg", "webp", "pbf" (vector, often gzipped) or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"\x1f\x8b") or data.startswith(b"\x1a"):
        return "pbf"
    return None


class MBTiles:
    """``tile(z, x, y)`` answers web-map (XYZ) tile numbers; the file's rows are TMS."""

    kind = "mbtiles"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        db = self._open(self.path)
        self._db: sqlite3.Connection | None = db
        try:
            self.metadata = self._validate(db)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise MBTilesInvalid(
                f"“{self.path.name}” could not be read as a map file ({exc}). It may be "
                "damaged or only partly copied: copy it again and choose it once more."
            ) from exc
        except MBTilesInvalid:
            db.close()
            raise

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        if not path.is_file():
            raise MBTilesInvalid(f"The map file “{path}” could not be found.")
        try:
            db = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise MBTilesInvalid(
                f"wardapp cannot open “{path.name}”. Check that you are allowed to read it."
            ) from exc
        try:
            db.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
        except sqlite3.DatabaseError as exc:
            db.close()
            raise MBTilesInvalid(
                f"“{path.name}” is not an MBTiles map file. Choose a file ending in "
                ".mbtiles that holds street-map tiles."
            ) from exc
        return db

    def _validate(self, db: sqlite3.Connection) -> MBTilesMetadata:
        name = self.path.name
        kinds = dict(db.execute("SELECT name, type FROM sqlite_master").fetchall())
        if kinds.get("tiles") not in ("table", "view") or kinds.get("metadata") not in (
            "table",
            "view",
        ):
            raise MBTilesInvalid(
                f"“{name}” is a database but not an MBTiles map file (it has no map tiles "
                "in it). Choose a file ending in .mbtiles that holds street-map tiles."
            )
        meta = {str(k): str(v) for k, v in db.execute("SELECT name, value FROM metadata")}
        zooms = db.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
        if zooms is None or zooms[0] is None:
            raise MBTilesInvalid(f"The map file “{name}” has no tiles in it.")
        fmt = self._format(db, meta.get("format", ""), name)
        minzoom = _int(meta.get("minzoom"), int(zooms[0]))
        maxzoom = _int(meta.get("maxzoom"), int(zooms[1]))
        if not 0 <= minzoom <= maxzoom <= MAX_ZOOM:
            minzoom, maxzoom = int(zooms[0]), int(zooms[1])
        return MBTilesMetadata(
            name=meta.get("name") or self.path.stem,
            attribution=meta.get("attribution", ""),
            bounds=self._bounds(db, meta.get("bounds"), minzoom),
            minzoom=minzoom,
            maxzoom=maxzoom,
            format=fmt,
        )

    @staticmethod
    def _format(db: sqlite3.Connection, declared: str, name: str) -> str:
        fmt = declared.strip().lower()
        if not fmt:  # older files leave it out: look at a tile
            row = db.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
            fmt = (sniff_format(bytes(row[0])) if row and row[0] else None) or ""
        if fmt in VECTOR_FORMATS:
            raise MBTilesInvalid(
                f"“{name}” holds vector map data, which wardapp cannot draw. Choose an "
                "MBTiles file of picture tiles (PNG, JPEG or WebP)."
            )
        if fmt not in RASTER_FORMATS:
            shown = f" ({fmt})" if fmt else ""
            raise MBTilesInvalid(
                f"The tiles in “{name}” are in a format wardapp cannot draw{shown}. Choose an "
                "MBTiles file of PNG, JPEG or WebP tiles."
            )
        return RASTER_FORMATS[fmt]

    @staticmethod
    def _bounds(db: sqlite3.Connection, declared: str | None, minzoom: int) -> Bounds:
        try:
            if declared:
                west, south, east, north = (float(v) for v in declared.split(","))
                return check_bounds((west, south, east, north))
        except ValueError:
            pass
        row = db.execute(  # no usable bounds: the tiles' own extent at the widest zoom
            "SELECT MIN(tile_column), MAX(tile_column), MIN(tile_row), MAX(tile_row) "
            "FROM tiles WHERE zoom_level = ?",
            (minzoom,),
        ).fetchone()
        if row is None or row[0] is None:
            return WORLD
        top, bottom = tms_row(minzoom, int(row[3])), tms_row(minzoom, int(row[2]))
        return range_bounds(TileRange(minzoom, int(row[0]), int(row[1]), top, bottom))

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The tile's image bytes, or None when the file has no such tile (or is closed)."""
        if not is_tile(z, x, y):
            return None
        with self._lock:
            if self._db is None:
                return None
            try:
                row = self._db.execute(
                    "SELECT tile_data FROM tiles "
                    "WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                    (z, x, tms_row(z, y)),
                ).fetchone()
            except sqlite3.Error:
                return None  # the file went away (USB stick pulled): no tile, not a crash
        return bytes(row[0]) if row and row[0] else None

    @property
    def content_type(self) -> str:
        return self.metadata.content_type

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> "MBTiles":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _int(value: Any, default: int) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default
