"""The ``wardapp:`` scheme serves the map page and the vendored files, and nothing else.

Crafted URLs (dot segments, encoded dots and slashes, absolute paths, other hosts, files
that exist but are not in its table) are tried through the real handler in Chromium.
"""

from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from pytestqt.qtbot import QtBot

from tests.support.tiles import make_mbtiles
from wardapp.client.mbtiles import MBTiles
from wardapp.ui.page_scheme import PageSchemeHandler, page_scheme_handler
from wardapp.ui.tile_scheme import tile_scheme_handler

SECRET = "not for the map page"
# Chromium drops a user part and a port before the handler sees them: these two load
# wardmap.js itself, which is harmless (the handler refuses them if they ever arrive).
USER_INFO = "wardapp://user@map/web/wardmap.js"
PORT = "wardapp://map:8080/web/wardmap.js"
CRAFTED = [
    "wardapp://map/page/../secret.txt",
    "wardapp://map/page/%2e%2e/secret.txt",
    "wardapp://map/page/..%2fsecret.txt",
    "wardapp://map/page/%2e%2e%2fsecret.txt",
    "wardapp://map/page/other.html",  # in the page folder, but never built as a map page
    "wardapp://map/page/secret.txt",
    "wardapp://map/web/../../pyproject.toml",
    "wardapp://map/web/%2e%2e/%2e%2e/pyproject.toml",
    "wardapp://map/web/..%2f..%2fpyproject.toml",
    "wardapp://map/web/VENDORED.md",  # under web/, but not a type the page uses
    "wardapp://map/web//etc/passwd",
    "wardapp://map//etc/passwd",
    "wardapp://map/etc/passwd",
    "wardapp://map/web/leaflet%2fleaflet.js",
    "wardapp://map/web/wardmap.js?x=/etc/passwd",
    "wardapp://elsewhere/web/wardmap.js",
    USER_INFO,
    PORT,
]


@pytest.fixture
def served(qtbot: QtBot, tmp_path: Path) -> tuple[PageSchemeHandler, Path]:
    handler = page_scheme_handler()
    (tmp_path / "secret.txt").write_text(SECRET)
    (tmp_path / "other.html").write_text(SECRET)
    page = tmp_path / "wardmap-test.html"
    page.write_text("<p>the map page</p>")
    handler.page_url(page)
    return handler, page


@pytest.mark.parametrize("url", CRAFTED)
def test_crafted_urls_name_no_file(served: tuple[PageSchemeHandler, Path], url: str) -> None:
    handler, _ = served
    assert handler.file_for(QUrl(url)) is None


def load(qtbot: QtBot, page: QWebEnginePage, url: str) -> tuple[bool, str]:
    with qtbot.waitSignal(page.loadFinished, timeout=10_000) as finished:
        page.load(QUrl(url))
    text: list[str] = []
    page.toPlainText(text.append)
    qtbot.waitUntil(lambda: bool(text), timeout=5000)
    return bool(finished.args[0]), text[0]


def test_through_chromium_only_the_table_is_served(
    qtbot: QtBot, served: tuple[PageSchemeHandler, Path]
) -> None:
    handler, page_file = served
    page = QWebEnginePage(QWebEngineProfile.defaultProfile())
    try:
        ok, text = load(qtbot, page, handler.page_url(page_file).toString())
        assert ok and "the map page" in text
        ok, text = load(qtbot, page, "wardapp://map/web/wardmap.js")
        assert ok and "window.wardmap" in text
        refused_before = len(handler.refused)
        for url in CRAFTED:
            ok, text = load(qtbot, page, url)
            assert SECRET not in text and "root:" not in text and "[project]" not in text, url
            assert not ok or url in (USER_INFO, PORT), url
        assert len(handler.refused) > refused_before
    finally:
        page.deleteLater()


TILE_CRAFTED = [
    "wardtiles://mbtiles/../../etc/passwd",
    "wardtiles://mbtiles/%2e%2e/%2e%2e/etc/passwd",
    "wardtiles://mbtiles/..%2f..%2fetc%2fpasswd",
    "wardtiles://mbtiles//etc/passwd",
    "wardtiles://mbtiles/13/4070/2594/..%2f..%2f..%2fetc%2fpasswd",
    "wardtiles://mbtiles/13/4070/2594%00.png",
    "wardtiles://mbtiles/13/4070/2594?file=%2fetc%2fpasswd",
    "wardtiles://etc/passwd",
]


def test_the_tile_scheme_serves_tiles_and_no_other_file(qtbot: QtBot, tmp_path: Path) -> None:
    """Through the real wardtiles: handler with an MBTiles file set: one tile in, no file out."""
    path = tmp_path / "streets.mbtiles"
    z, x, y = make_mbtiles(path)[0]
    handler = tile_scheme_handler()
    generation = handler.set_source(MBTiles(path))
    page = QWebEnginePage(QWebEngineProfile.defaultProfile())
    try:
        ok, _ = load(qtbot, page, f"wardtiles://mbtiles/{z}/{x}/{y}?v={generation}")
        assert ok  # the tile itself is served
        served = handler.served
        for url in [*TILE_CRAFTED, f"wardtiles://mbtiles/{path}"]:
            ok, text = load(qtbot, page, url)
            assert not ok and "root:" not in text, url
        assert handler.served == served
    finally:
        page.deleteLater()
        handler.set_source(None)
        handler.pool.waitForDone(5000)
