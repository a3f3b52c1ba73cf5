"""Street maps in the real page: MBTiles through wardtiles:, online tiles through the cache.

The page's request guard must stay empty: every tile comes through the app's scheme handler,
never from the web. The online server is a loopback one, and it is taken away to prove the
cache shows the same area again (and a saved area one zoom closer) with no network at all.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from tests.support.tiles import WARDS_BOUNDS, WARDS_CENTRE, TileServer, make_mbtiles
from tests.ui.map_page import open_map_view, page_state, run_js
from wardapp.client.tilecache import TileCache
from wardapp.client.tilefetch import USER_AGENT, OnlineTiles, SaveAreaResult
from wardapp.core.tilemath import count_tiles
from wardapp.ui.basemap import (
    SaveAreaDialog,
    apply_basemap,
    online_tiles,
    save_visible_area,
)
from wardapp.ui.map_view import MapView, Viewport
from wardapp.ui.tile_scheme import TileSchemeHandler, parse_tile_url, tile_scheme_handler

ATTRIBUTION = "© Test Tiles contributors"


@pytest.fixture
def handler() -> Iterator[TileSchemeHandler]:
    handler = tile_scheme_handler()
    yield handler
    handler.set_source(None)
    handler.pool.waitForDone(5000)


@pytest.fixture
def view(qtbot: QtBot, tmp_path: Path, handler: TileSchemeHandler) -> MapView:
    return open_map_view(qtbot, tmp_path / "page")


def settled(qtbot: QtBot, view: MapView, handler: TileSchemeHandler) -> dict[str, Any]:
    """The page's state once the handler's current tile layer has stopped loading tiles."""

    def done() -> bool:
        state = page_state(qtbot, view)
        return (
            state["basemapUrl"] == handler.url_template()
            and not state["tilesLoading"]
            and state["tilesLoaded"] + state["tilesErrored"] > 0
        )

    qtbot.waitUntil(done, timeout=15_000)
    return page_state(qtbot, view)


def show_at(qtbot: QtBot, view: MapView, zoom: int) -> None:
    view.go_to(*WARDS_CENTRE, zoom)
    qtbot.waitUntil(lambda: run_js(qtbot, view, "wardmap.map.getZoom()") == zoom, timeout=5000)


def test_mbtiles_tiles_are_drawn_under_the_wards(
    qtbot: QtBot, view: MapView, handler: TileSchemeHandler, tmp_path: Path
) -> None:
    path = tmp_path / "streets.mbtiles"
    make_mbtiles(path)
    show_at(qtbot, view, 13)
    assert apply_basemap(view, handler, "mbtiles", str(path), None, None, tmp_path, 10) is None
    state = settled(qtbot, view, handler)
    assert state["basemap"] == "Street map (Test streets)"
    assert state["tilesLoaded"] > 0
    assert state["tilesErrored"] == 0
    assert state["errors"] == []
    assert view.map_page.console_errors == []
    assert view.guard.blocked == []
    assert handler.refused == []
    control = run_js(qtbot, view, "document.querySelector('.leaflet-control-layers').textContent")
    assert "Street map (Test streets)" in control
    credit = run_js(qtbot, view, "document.querySelector('.leaflet-control-attribution').innerHTML")
    assert "Test &amp; Co" in credit and "<a href='x'>" not in credit  # tags dropped, text kept


def test_a_file_that_is_not_mbtiles_gives_a_plain_message_and_keeps_the_map(
    qtbot: QtBot, view: MapView, handler: TileSchemeHandler, tmp_path: Path
) -> None:
    good = tmp_path / "streets.mbtiles"
    make_mbtiles(good)
    assert apply_basemap(view, handler, "mbtiles", str(good), None, None, tmp_path, 10) is None
    before = handler.source
    bad = tmp_path / "holiday.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not a map at all" * 100)
    message = apply_basemap(view, handler, "mbtiles", str(bad), None, None, tmp_path, 10)
    assert message is not None
    assert "holiday.jpg" in message and "not an MBTiles map file" in message
    assert "sqlite" not in message.lower() and "Traceback" not in message
    assert handler.source is before
    assert apply_basemap(view, handler, "mbtiles", None, None, None, tmp_path, 10) == (
        "Choose a street map file (.mbtiles) in Settings."
    )
    assert apply_basemap(view, handler, "none", None, None, None, tmp_path, 10) is None
    assert handler.source is None
    qtbot.waitUntil(lambda: page_state(qtbot, view)["basemap"] is None, timeout=5000)


@pytest.mark.parametrize(
    "url",
    [
        "wardtiles://mbtiles/../../etc/passwd",
        "wardtiles://mbtiles/%2e%2e/%2e%2e/etc/passwd",
        "wardtiles://mbtiles/13/4070",
        "wardtiles://mbtiles/13/4070/2594/extra",
        "wardtiles://mbtiles/13/99999/2594",
        "wardtiles://mbtiles/23/1/1",
        "wardtiles://mbtiles/-1/0/0",
        "wardtiles://files/13/4070/2594",
        "wardtiles://mbtiles/13/4070/2594?file=/etc/passwd",
        "wardtiles://user@mbtiles/13/4070/2594",
        "wardtiles://mbtiles:80/13/4070/2594",
        "file:///etc/passwd",
    ],
)
def test_only_urls_naming_one_tile_are_accepted(url: str) -> None:
    assert parse_tile_url(QUrl(url)) is None


def test_a_tile_url_is_parsed_with_its_generation() -> None:
    tile = parse_tile_url(QUrl("wardtiles://mbtiles/13/4070/2594?v=7"))
    assert tile is not None
    assert (tile.host, tile.z, tile.x, tile.y, tile.generation) == ("mbtiles", 13, 4070, 2594, 7)


def test_the_page_cannot_read_other_files_through_the_scheme(
    qtbot: QtBot, view: MapView, handler: TileSchemeHandler, tmp_path: Path
) -> None:
    path = tmp_path / "streets.mbtiles"
    make_mbtiles(path)
    assert apply_basemap(view, handler, "mbtiles", str(path), None, None, tmp_path, 10) is None
    bad = [
        "wardtiles://mbtiles/../../etc/passwd",
        "wardtiles://mbtiles/13/4070/2594/../../../etc/passwd",
        "wardtiles://mbtiles/" + str(path),
        "wardtiles://online/13/4070/2594",  # a source that is not set
    ]
    script = (
        "window.probe = {};" + json.dumps(bad) + ".forEach(function (url) {"
        "  var image = new Image();"
        "  image.onload = function () { window.probe[url] = 'loaded'; };"
        "  image.onerror = function () { window.probe[url] = 'refused'; };"
        "  image.src = url;"
        "}); true"
    )
    run_js(qtbot, view, script)

    def probe() -> dict[str, str]:
        found: dict[str, str] = json.loads(run_js(qtbot, view, "JSON.stringify(window.probe)"))
        return found

    qtbot.waitUntil(lambda: len(probe()) == len(bad), timeout=5000)
    assert set(probe().values()) == {"refused"}
    assert len(handler.refused) >= 2  # the malformed ones; the unset source is denied
    assert view.guard.blocked == []


def test_online_tiles_are_cached_and_shown_again_with_the_server_gone(
    qtbot: QtBot, view: MapView, handler: TileSchemeHandler, tmp_path: Path
) -> None:
    cache = tmp_path / "tiles"
    server = TileServer().start()
    template = server.url_template
    try:
        show_at(qtbot, view, 13)
        message = apply_basemap(
            view, handler, "online", None, template, ATTRIBUTION, cache, 50, bulk_allowed=True
        )
        assert message is None
        state = settled(qtbot, view, handler)
        assert state["tilesLoaded"] > 0 and state["tilesErrored"] == 0
        assert server.user_agents() == {USER_AGENT}
        viewed = len(server.requests)
        assert viewed == state["tilesLoaded"]

        # "Save this area for offline use": this screenful, at this zoom and the next
        found: list[Viewport | None] = []
        view.read_view(found.append)
        qtbot.waitUntil(lambda: bool(found), timeout=5000)
        viewport = found[0]
        assert viewport is not None and viewport.zoom == 13
        online = online_tiles(handler)
        assert online is not None
        online.rate_per_s = 500  # the polite 4 a second is proven in the client tests
        dialog = SaveAreaDialog(online, viewport, levels=2)
        qtbot.addWidget(dialog)
        assert dialog.refusal is None
        with qtbot.waitSignal(dialog.saved, timeout=15_000) as saved:
            assert dialog.start()
        result = saved.args[0]
        assert isinstance(result, SaveAreaResult)
        assert result.failed == 0 and not result.cancelled
        assert result.total == count_tiles(viewport.bounds, range(13, 15))
        assert result.already_saved > 0 and result.fetched > 0  # the tiles seen were not refetched
        assert len(server.requests) == viewed + result.fetched
    finally:
        server.stop()

    # the surgery: no server. The same view, and one zoom closer, come from the cache alone.
    for zoom in (13, 14):
        show_at(qtbot, view, zoom)
        message = apply_basemap(view, handler, "online", None, template, ATTRIBUTION, cache, 50)
        assert message is None
        state = settled(qtbot, view, handler)
        online = online_tiles(handler)
        assert online is not None
        stats = online.cache.stats()
        print(
            f"\noffline at zoom {zoom}: {stats.hits} cache hits, {stats.misses} misses, "
            f"hit rate {stats.hit_rate:.0%}; tiles drawn {state['tilesLoaded']}, "
            f"errors {state['tilesErrored']}"
        )
        assert state["tilesLoaded"] > 0
        assert state["tilesErrored"] == 0
        assert stats.hit_rate == 1.0
        assert online.fetched == 0
    assert view.guard.blocked == []


def test_save_this_area_from_the_menu_reports_how_it_went(
    qtbot: QtBot, view: MapView, handler: TileSchemeHandler, tmp_path: Path
) -> None:
    with TileServer() as server:
        show_at(qtbot, view, 14)
        message = apply_basemap(
            view, handler, "online", None, server.url_template, ATTRIBUTION, tmp_path, 50,
            bulk_allowed=True,
        )  # fmt: skip
        assert message is None
        online = online_tiles(handler)
        assert online is not None
        online.rate_per_s = 500
        reported: list[str] = []
        save_visible_area(view, handler, view, reported.append, levels=1)
        qtbot.waitUntil(lambda: bool(reported), timeout=15_000)
    assert reported[0].startswith("This area is saved for offline use (")
    assert view.findChildren(SaveAreaDialog) == [] or all(
        not d.isVisible() for d in view.findChildren(SaveAreaDialog)
    )


def test_saving_an_area_is_refused_for_public_servers_and_without_a_server(
    qtbot: QtBot, view: MapView, handler: TileSchemeHandler, tmp_path: Path
) -> None:
    public = "https://tile." + "openstreetmap.org/{z}/{x}/{y}.png"
    tiles = OnlineTiles(public, TileCache(tmp_path / "tiles", 10_000_000), bulk_allowed=True)
    west, south, east, north = WARDS_BOUNDS
    dialog = SaveAreaDialog(tiles, Viewport(west, south, east, north, 13))
    qtbot.addWidget(dialog)
    assert dialog.refusal is not None and "does not allow" in dialog.refusal
    assert dialog.start() is False

    reported: list[str] = []
    save_visible_area(view, handler, view, reported.append)
    assert reported and "online map server" in reported[0]
