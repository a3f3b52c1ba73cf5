"""A map server cannot fill the disk or the memory: oversized tiles are refused, not cached.

And tiles over HTTPS are checked against the system's trust store, never the environment's
REQUESTS_CA_BUNDLE. The servers are real, on 127.0.0.1.
"""

import gzip
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.support.loopback import LocalAuthority, LoopbackServer, send
from tests.support.tiles import png_tile
from wardapp.client.tilecache import TileCache
from wardapp.client.tilefetch import MAX_TILE_BYTES, OnlineTiles

TEMPLATE = "/{z}/{x}/{y}.png"
PNG = png_tile(12, 2000, 1300)
ENDLESS_BYTES = 64 * 1024 * 1024  # what the endless server would send if it were let


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[TileCache]:
    tiles = TileCache(tmp_path / "tiles", 64 * 1024 * 1024)
    yield tiles
    tiles.close()


def padded(size: int) -> bytes:
    return PNG + b"\0" * (size - len(PNG))


def fetch_from(server: LoopbackServer, cache: TileCache) -> bytes | None:
    online = OnlineTiles(server.url + TEMPLATE, cache)
    try:
        return online.tile(12, 2000, 1300)
    finally:
        online.close()


def test_a_tile_up_to_the_cap_is_kept(cache: TileCache) -> None:
    body = padded(MAX_TILE_BYTES)
    with LoopbackServer(lambda h: send(h, 200, body, Content_Type="image/png")) as server:
        assert fetch_from(server, cache) == body
    assert cache.stats().tiles == 1


def test_a_tile_past_the_cap_is_refused_and_not_cached(cache: TileCache) -> None:
    body = padded(MAX_TILE_BYTES + 1)
    with LoopbackServer(lambda h: send(h, 200, body, Content_Type="image/png")) as server:
        assert fetch_from(server, cache) is None
        assert len(server.seen) == 1
    assert cache.stats().tiles == 0
    assert not list((cache.folder / "tiles").rglob("*.tile"))


def test_a_tile_without_a_length_is_cut_off_at_the_cap(cache: TileCache) -> None:
    written: list[int] = []

    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "image/png")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        sent, block = 0, PNG + b"\0" * (256 * 1024 - len(PNG))
        try:
            while sent < ENDLESS_BYTES:
                handler.wfile.write(block)
                sent += len(block)
        except OSError:  # the app hung up, as it should
            pass
        written.append(sent)

    with LoopbackServer(endless) as server:
        assert fetch_from(server, cache) is None
        server.stop()  # waits for the handler to finish counting
    assert cache.stats().tiles == 0
    assert written and written[0] < ENDLESS_BYTES // 2  # it stopped reading early


def test_a_compressed_tile_is_capped_when_unpacked(cache: TileCache) -> None:
    """A few kilobytes of gzip that unpack to 50 MiB (a "zip bomb") are refused too."""
    bomb = gzip.compress(padded(50 * 1024 * 1024), 9)
    assert len(bomb) < 200_000

    def answer(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 200, bomb, Content_Type="image/png", Content_Encoding="gzip")

    with LoopbackServer(answer) as server:
        assert fetch_from(server, cache) is None
    assert cache.stats().tiles == 0


@pytest.mark.parametrize("length", ["-1", "lots", str(10**30)])
def test_a_nonsense_length_is_refused(cache: TileCache, length: str) -> None:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", length)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True
        handler.wfile.write(PNG)

    with LoopbackServer(answer) as server:
        assert fetch_from(server, cache) is None
    assert cache.stats().tiles == 0


# --- HTTPS tile servers --------------------------------------------------------------------
@pytest.fixture
def tls_tiles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[LoopbackServer, LocalAuthority]]:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    authority = LocalAuthority.make(tmp_path)
    answer = lambda h: send(h, 200, PNG, Content_Type="image/png")  # noqa: E731
    with LoopbackServer(answer, tls=authority.server_context()) as server:
        yield server, authority


def test_https_tiles_from_an_unknown_ca_are_refused_whatever_the_environment_says(
    tls_tiles: tuple[LoopbackServer, LocalAuthority],
    cache: TileCache,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, authority = tls_tiles
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(authority.bundle))
    assert fetch_from(server, cache) is None
    assert cache.stats().tiles == 0


@pytest.mark.skipif(sys.platform != "linux", reason="SSL_CERT_FILE is OpenSSL's, on Linux")
def test_https_tiles_are_checked_against_the_system_store(
    tls_tiles: tuple[LoopbackServer, LocalAuthority],
    cache: TileCache,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, authority = tls_tiles
    monkeypatch.setenv("SSL_CERT_FILE", str(authority.bundle))
    assert fetch_from(server, cache) == PNG
