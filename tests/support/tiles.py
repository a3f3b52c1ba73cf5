"""Street-map tiles for tests: real PNG bytes, a tiny MBTiles file, a tile server on loopback.

Everything is made here, from nothing, so the tests need no map data and no network.
"""

import re
import sqlite3
import struct
import threading
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from wardapp.core.tilemath import Bounds, tiles_in, tms_row

# The Middlesbrough wards (resources/wards), as west, south, east, north.
WARDS_BOUNDS: Bounds = (-1.2854, 54.5011, -1.1374, 54.5907)
WARDS_CENTRE = (54.5459, -1.2114)  # lat, lon
TILE_PATH = re.compile(r"/(\d+)/(\d+)/(\d+)\.png")


def png_tile(z: int, x: int, y: int, size: int = 256) -> bytes:
    """A valid 256 px PNG whose colour depends on the tile, so tiles can be told apart."""
    rgb = bytes(((z * 40 + x * 7) % 256, (x * 13 + y * 3) % 256, (y * 29 + z) % 256))
    row = b"\x00" + rgb * size
    raw = row * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def make_mbtiles(
    path: Path,
    bounds: Bounds = WARDS_BOUNDS,
    zooms: range = range(12, 15),
    metadata: dict[str, str] | None = None,
    tile_data: bytes | None = None,
) -> list[tuple[int, int, int]]:
    """Writes an MBTiles file covering ``bounds``; returns the XYZ tiles it holds."""
    meta = {
        "name": "Test streets",
        "format": "png",
        "bounds": ",".join(str(v) for v in bounds),
        "minzoom": str(zooms.start),
        "maxzoom": str(zooms.stop - 1),
        "attribution": "<a href='x'>Test &amp; Co</a>",
        "type": "baselayer",
        "version": "1",
    }
    meta.update(metadata or {})
    tiles = list(tiles_in(bounds, zooms))
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
            "tile_data BLOB)"
        )
        db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", [(k, v) for k, v in meta.items() if v])
        db.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            [(z, x, tms_row(z, y), tile_data or png_tile(z, x, y)) for z, x, y in tiles],
        )
    db.close()
    return tiles


@dataclass
class TileServer:
    """An HTTP tile server on 127.0.0.1 in a thread: ``/{z}/{x}/{y}.png``; ``stop()`` ends it.

    ``/html/...`` answers an HTML page with status 200 (a captive portal's trick);
    ``/redirect/...`` sends the client on to the same tile elsewhere.
    """

    requests: list[tuple[float, str, str]] = field(default_factory=list)  # (time, path, UA)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> "TileServer":
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append(
                    (time.monotonic(), self.path, self.headers.get("User-Agent", ""))
                )
                if self.path.startswith("/redirect/"):
                    self.send_response(302)
                    self.send_header("Location", self.path.removeprefix("/redirect"))
                    self.end_headers()
                    return
                match = TILE_PATH.fullmatch(self.path.removeprefix("/html"))
                if match is None:
                    self.send_error(404)
                    return
                if self.path.startswith("/html"):
                    body, kind = b"<html><body>Sign in to the Wi-Fi</body></html>", "text/html"
                else:
                    body, kind = png_tile(*(int(v) for v in match.groups())), "image/png"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    @property
    def base(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url_template(self) -> str:
        return self.base + "/{z}/{x}/{y}.png"

    def tile_paths(self) -> list[str]:
        return [path for _, path, _ in self.requests]

    def user_agents(self) -> set[str]:
        return {agent for _, _, agent in self.requests}

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "TileServer":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def paths_of(tiles: Iterable[tuple[int, int, int]]) -> set[str]:
    return {f"/{z}/{x}/{y}.png" for z, x, y in tiles}
