"""The tile cache and online tiles, against a real tile server on loopback.

The cache is proven by taking the server away: what was seen (or saved) before still comes
back, and what was not comes back as None at once instead of hanging the map.
"""

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.tiles import WARDS_BOUNDS, TileServer, paths_of, png_tile
from wardapp import __version__
from wardapp.client.tilecache import TileCache
from wardapp.client.tilefetch import (
    USER_AGENT,
    BulkFetchRefused,
    OnlineTiles,
    TileServerInvalid,
    bulk_refused_host,
    check_tile_url,
)
from wardapp.core.tilemath import count_tiles, tile_range, tiles_in

FAST = 1000.0  # requests a second: no waiting in the tests that are not about the rate
PUBLIC_OSM = "https://tile." + "openstreetmap.org/{z}/{x}/{y}.png"
CENTRE = tile_range(WARDS_BOUNDS, 14)


@pytest.fixture
def server() -> Iterator[TileServer]:
    with TileServer() as running:
        yield running


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[TileCache]:
    cache = TileCache(tmp_path / "tiles", 50_000_000)
    yield cache
    cache.close()


def online(server: TileServer, cache: TileCache, **options: object) -> OnlineTiles:
    options.setdefault("rate_per_s", FAST)
    return OnlineTiles(server.url_template, cache, bulk_allowed=True, **options)  # type: ignore[arg-type]


# --- the cache --------------------------------------------------------------------------
def test_put_get_and_counts(cache: TileCache) -> None:
    assert cache.get("a/1/2/3") is None
    assert cache.put("a/1/2/3", b"tile bytes")
    assert cache.get("a/1/2/3") == b"tile bytes"
    assert "a/1/2/3" in cache and "a/1/2/4" not in cache
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.tiles, stats.bytes) == (1, 1, 1, 10)
    assert stats.hit_rate == 0.5


def test_tiles_survive_a_restart(tmp_path: Path) -> None:
    first = TileCache(tmp_path / "tiles", 1_000_000)
    first.put("k", b"kept")
    first.close()
    again = TileCache(tmp_path / "tiles", 1_000_000)
    assert again.get("k") == b"kept"
    assert again.total_bytes == 4
    again.close()


def test_least_recently_used_tiles_go_first_and_the_cap_holds(tmp_path: Path) -> None:
    cache = TileCache(tmp_path / "tiles", 10_000)
    for i in range(10):
        cache.put(f"t{i}", bytes(1000))
    assert cache.total_bytes == 10_000
    assert cache.get("t0") is not None  # t0 is now the most recently used
    for i in range(10, 15):
        cache.put(f"t{i}", bytes(1000))
        assert cache.total_bytes <= 10_000
    assert "t0" in cache
    assert [k for k in (f"t{i}" for i in range(1, 6)) if k in cache] == []  # the oldest went
    assert all(f"t{i}" in cache for i in range(6, 15))
    assert cache.stats().evicted == 5
    files = list((tmp_path / "tiles" / "tiles").rglob("*.tile"))
    assert len(files) == 10 and sum(f.stat().st_size for f in files) <= 10_000
    assert not cache.put("huge", bytes(20_000))  # bigger than the whole cache: not kept
    cache.close()
    smaller = TileCache(tmp_path / "tiles", 4_000)  # the cap was lowered in the settings
    assert smaller.total_bytes <= 4_000 and "t14" in smaller
    smaller.close()


def test_a_tile_file_deleted_by_hand_is_a_miss(cache: TileCache) -> None:
    cache.put("k", b"data")
    (cache.folder / "tiles" / cache.file_name("k")).unlink()
    assert cache.get("k") is None
    assert "k" not in cache


def test_the_cache_is_safe_to_use_from_many_threads(cache: TileCache) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                cache.put(f"{n}/{i}", bytes([n, i]) * 10)
                assert cache.get(f"{n}/{i}") == bytes([n, i]) * 10
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.stats().tiles == 300


# --- online tiles -------------------------------------------------------------------------
def test_tiles_come_from_the_server_once_then_from_the_cache(
    server: TileServer, cache: TileCache
) -> None:
    tiles = online(server, cache)
    assert tiles.tile(14, CENTRE.x0, CENTRE.y0) == png_tile(14, CENTRE.x0, CENTRE.y0)
    assert tiles.tile(14, CENTRE.x0, CENTRE.y0) == png_tile(14, CENTRE.x0, CENTRE.y0)
    assert server.tile_paths() == [f"/14/{CENTRE.x0}/{CENTRE.y0}.png"]
    assert server.user_agents() == {USER_AGENT}
    assert f"wardapp/{__version__} (community safety mapping)" == USER_AGENT
    assert (tiles.fetched, cache.hits) == (1, 1)


def test_redirects_are_not_followed(server: TileServer, cache: TileCache) -> None:
    """A redirect could lead past the address checks (plain http elsewhere, a refused host)."""
    moved = OnlineTiles(server.base + "/redirect/{z}/{x}/{y}.png", cache, rate_per_s=FAST)
    assert moved.tile(14, CENTRE.x0, CENTRE.y0) is None
    assert server.tile_paths() == [f"/redirect/14/{CENTRE.x0}/{CENTRE.y0}.png"]
    assert cache.stats().tiles == 0


def test_error_pages_and_missing_tiles_are_not_cached(server: TileServer, cache: TileCache) -> None:
    portal = OnlineTiles(server.base + "/html/{z}/{x}/{y}.png", cache, rate_per_s=FAST)
    assert portal.tile(14, CENTRE.x0, CENTRE.y0) is None  # an HTML page with status 200
    missing = OnlineTiles(server.base + "/nothing/{z}/{x}/{y}.png", cache, rate_per_s=FAST)
    assert missing.tile(14, CENTRE.x0, CENTRE.y0) is None
    assert cache.stats().tiles == 0
    assert (portal.not_found, missing.not_found) == (1, 1)


def test_with_the_server_gone_seen_tiles_still_show_and_others_fail_fast(
    tmp_path: Path,
) -> None:
    seen = list(CENTRE.tiles())
    with TileServer() as server:
        cache = TileCache(tmp_path / "tiles", 50_000_000)
        tiles = online(server, cache)
        assert all(tiles.tile(*t) is not None for t in seen)
        template = server.url_template
        cache.close()
    # the surgery: a new session, the same cache folder, no server
    cache = TileCache(tmp_path / "tiles", 50_000_000)
    offline = OnlineTiles(template, cache)
    for z, x, y in seen:
        assert offline.tile(z, x, y) == png_tile(z, x, y)
    started = time.monotonic()
    unseen = [(14, CENTRE.x1 + 1 + i, CENTRE.y0) for i in range(20)]
    assert [offline.tile(*t) for t in unseen] == [None] * 20
    assert time.monotonic() - started < 2.0  # no waiting on a server that is not there
    stats = cache.stats()
    print(
        f"\noffline: {stats.hits} cache hits, {stats.misses} misses "
        f"(hit rate {stats.hit_rate:.0%}; {len(seen)} of {len(seen) + len(unseen)} tiles "
        "had been seen before)"
    )
    assert stats.hits == len(seen) and offline.fetched == 0 and offline.offline == 20
    cache.close()


@pytest.mark.parametrize(
    "url",
    [
        "ftp://tiles.example.org/{z}/{x}/{y}.png",
        "file:///etc/{z}/{x}/{y}",
        "http://tiles.example.org/{z}/{x}/{y}.png",  # plain http off this computer
        "https://tiles.example.org/{z}/{x}.png",
        "https://tiles.example.org/{z}/{x}/{y}.png?key={apikey}",
        "https://{z}/{x}/{y}",
        "not a url",
        "https://[tiles.example.org/{z}/{x}/{y}.png",
    ],
)
def test_unusable_tile_server_addresses_are_refused(url: str, cache: TileCache) -> None:
    with pytest.raises(TileServerInvalid) as caught:
        OnlineTiles(url, cache)
    assert "Traceback" not in str(caught.value)


def test_usable_addresses() -> None:
    assert check_tile_url(" https://{s}.tiles.example.org/{z}/{x}/{y}.png ") == (
        "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    )
    assert check_tile_url("http://localhost:8080/{z}/{x}/{y}.png")


# --- saving an area -----------------------------------------------------------------------
def test_saving_an_area_fetches_each_missing_tile_once(
    server: TileServer, cache: TileCache
) -> None:
    tiles = online(server, cache)
    zooms = range(12, 15)
    tiles.tile(14, CENTRE.x0, CENTRE.y0)  # seen before: not fetched again
    seen: list[tuple[int, int]] = []
    result = tiles.save_area(
        WARDS_BOUNDS, zooms, lambda d, t: seen.append((d, t)), threading.Event()
    )
    total = count_tiles(WARDS_BOUNDS, zooms)
    assert (result.total, result.fetched, result.already_saved, result.failed) == (
        total, total - 1, 1, 0,
    )  # fmt: skip
    assert not result.cancelled and "saved for offline use" in result.message
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert sorted(server.tile_paths()) == sorted(paths_of(tiles_in(WARDS_BOUNDS, zooms)))
    again = tiles.save_area(WARDS_BOUNDS, zooms, lambda d, t: None, threading.Event())
    assert (again.fetched, again.already_saved) == (0, total)
    assert len(server.requests) == total


def test_saving_is_refused_for_public_servers_that_forbid_it(cache: TileCache) -> None:
    tiles = OnlineTiles(PUBLIC_OSM, cache, bulk_allowed=True)
    with pytest.raises(BulkFetchRefused) as caught:
        tiles.save_area(WARDS_BOUNDS, range(12, 13), lambda d, t: None, threading.Event())
    assert "does not allow whole areas to be saved" in str(caught.value)
    assert bulk_refused_host("https://a.tile." + "openstreetmap.fr/{z}/{x}/{y}.png")
    assert bulk_refused_host("https://{s}.tile." + "openstreetmap.org/{z}/{x}/{y}.png")
    assert not bulk_refused_host("https://tiles.teesvalley.example/{z}/{x}/{y}.png")
    assert not bulk_refused_host("https://notopenstreetmap.org.example/{z}/{x}/{y}.png")


def test_saving_is_refused_unless_the_settings_allow_it(
    server: TileServer, cache: TileCache
) -> None:
    tiles = OnlineTiles(server.url_template, cache)  # bulk_allowed defaults to False
    with pytest.raises(BulkFetchRefused, match="switched off for this map server"):
        tiles.save_area(WARDS_BOUNDS, range(12, 13), lambda d, t: None, threading.Event())
    assert server.requests == []


def test_too_big_an_area_is_refused_with_the_numbers(server: TileServer, cache: TileCache) -> None:
    tiles = online(server, cache)
    refusal = tiles.bulk_refusal(WARDS_BOUNDS, range(12, 19))
    assert refusal is not None and "more than the 5,000 that can be saved at once" in refusal
    small = online(server, TileCache(cache.folder.parent / "small", 100_000))
    refusal = small.bulk_refusal(WARDS_BOUNDS, range(12, 15))
    assert refusal is not None and "not enough disk space set aside" in refusal
    small.cache.close()
    assert server.requests == []


def test_saving_stops_when_cancelled(server: TileServer, cache: TileCache) -> None:
    tiles = online(server, cache)
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        if done == 5:
            cancel.set()

    result = tiles.save_area(WARDS_BOUNDS, range(12, 15), progress, cancel)
    assert result.cancelled and result.fetched == 5
    assert len(server.requests) == 5
    assert result.message.startswith("Stopped. 5 of")


def test_a_waiting_save_is_cancelled_at_once(server: TileServer, cache: TileCache) -> None:
    tiles = online(server, cache, rate_per_s=0.2)  # one request every five seconds
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    result = tiles.save_area(WARDS_BOUNDS, range(12, 14), lambda d, t: None, cancel)
    assert result.cancelled and result.fetched == 1
    assert time.monotonic() - started < 2.5


def test_saving_keeps_a_polite_rate(server: TileServer, cache: TileCache) -> None:
    rate = 20.0
    tiles = online(server, cache, rate_per_s=rate)
    result = tiles.save_area(WARDS_BOUNDS, range(12, 14), lambda d, t: None, threading.Event())
    times = [t for t, _, _ in server.requests]
    assert result.fetched == len(times) >= 8
    span = times[-1] - times[0]
    expected = (len(times) - 1) / rate
    print(f"\n{len(times)} requests in {span:.2f} s at {rate:g} a second (expected {expected:.2f})")
    assert span >= expected / 2  # loosely: never faster than twice the rate


def test_saving_with_the_server_gone_stops_at_once(tmp_path: Path) -> None:
    with TileServer() as server:
        template = server.url_template
    cache = TileCache(tmp_path / "tiles", 50_000_000)
    tiles = OnlineTiles(template, cache, bulk_allowed=True, rate_per_s=FAST)
    result = tiles.save_area(WARDS_BOUNDS, range(12, 15), lambda d, t: None, threading.Event())
    assert result.unreachable and result.fetched == 0
    assert "could not be reached" in result.message
    cache.close()


def test_a_damaged_index_is_started_again(tmp_path: Path) -> None:
    cache = TileCache(tmp_path / "tiles", 1_000_000)
    cache.put("k", b"data")
    cache.close()
    (tmp_path / "tiles" / "index.sqlite3").write_bytes(b"this is not a database at all" * 100)
    for name in ("index.sqlite3-wal", "index.sqlite3-shm"):
        (tmp_path / "tiles" / name).unlink(missing_ok=True)
    again = TileCache(tmp_path / "tiles", 1_000_000)
    assert again.get("k") is None and again.total_bytes == 0
    assert again.put("k", b"data") and again.get("k") == b"data"
    again.close()
