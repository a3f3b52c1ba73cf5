"""The street map under the wards, as the settings choose it: none, an MBTiles file, or an
online tile server seen through the on-disk tile cache; and "Save this area for offline use".

The window calls ``apply_basemap`` at start and whenever the settings change, and
``save_visible_area`` from its menu. Failures come back as sentences to show, never raised:
a broken street map must not stop anyone logging a report on the ward map.
"""

import html
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from wardapp.client.errors import ClientError
from wardapp.client.mbtiles import MBTiles
from wardapp.client.tilecache import TileCache
from wardapp.client.tilefetch import BulkFetchRefused, OnlineTiles, SaveAreaResult
from wardapp.core.tilemath import next_zooms
from wardapp.ui import background
from wardapp.ui.map_view import MapView, Viewport
from wardapp.ui.tile_scheme import TileSchemeHandler

MAP_MAX_ZOOM = 19  # the page's own limit (folium_page.build_map_page)
SAVE_LEVELS = 3  # the zoom on screen and the next two: about 250 tiles for a screenful
SAVE_MAX_ZOOM = 18
TAG = re.compile(r"<[^>]*>")
_running: set["SaveAreaDialog"] = set()  # kept alive while fetching, even without a parent


def default_tile_cache_folder() -> Path:
    return Path(user_cache_dir("wardapp", appauthor=False)) / "tiles"


def plain_text(text: str | None) -> str:
    """Attribution as plain text: tags dropped, entities decoded (the page escapes it)."""
    return " ".join(html.unescape(TAG.sub(" ", text or "")).split())


def mbtiles_config(url: str, tiles: MBTiles) -> dict[str, Any]:
    meta = tiles.metadata
    west, south, east, north = meta.bounds
    return {
        "url": url,
        "name": f"Street map ({plain_text(meta.name) or tiles.path.stem})",
        "attribution": plain_text(meta.attribution),
        "minZoom": meta.minzoom,
        "maxZoom": max(MAP_MAX_ZOOM, meta.maxzoom),
        "maxNativeZoom": meta.maxzoom,  # past the file's detail the last tiles are enlarged
        "bounds": [[south, west], [north, east]],
    }


def online_config(url: str, attribution: str) -> dict[str, Any]:
    return {
        "url": url,
        "name": "Street map (online)",
        "attribution": plain_text(attribution),
        "minZoom": 0,
        "maxZoom": MAP_MAX_ZOOM,
        "maxNativeZoom": MAP_MAX_ZOOM,
        "bounds": None,
    }


def apply_basemap(
    view: MapView,
    handler: TileSchemeHandler,
    kind: str,
    mbtiles_path: str | None,
    tile_url: str | None,
    attribution: str | None,
    cache_folder: Path,
    cache_mb: int,
    *,
    bulk_allowed: bool = False,
) -> str | None:
    """Shows the street map the settings ask for; a plain message when it cannot be shown.

    On failure the street map shown before stays as it was.
    """
    if kind == "none":
        handler.set_source(None)
        view.set_basemap(None)
        return None
    if kind == "mbtiles":
        if not mbtiles_path:
            return "Choose a street map file (.mbtiles) in Settings."
        try:
            tiles = MBTiles(Path(mbtiles_path).expanduser())
        except ClientError as exc:
            return str(exc)
        handler.set_source(tiles)
        view.set_basemap(mbtiles_config(_url(handler), tiles))
        return None
    if kind == "online":
        if not tile_url:
            return "Type the map server's address in Settings."
        if not plain_text(attribution):
            return (
                "Type the credit line the map server asks you to show (for example "
                "“© OpenStreetMap contributors”) in Settings."
            )
        try:
            cache_folder.mkdir(parents=True, exist_ok=True)
            cache = TileCache(cache_folder, max(1, cache_mb) * 1024 * 1024)
        except OSError as exc:
            return (
                "The street map cannot be shown: the folder for saved map pieces "
                f"({cache_folder}) could not be used ({exc.strerror or exc})."
            )
        try:
            online = OnlineTiles(tile_url, cache, bulk_allowed=bulk_allowed)
        except ClientError as exc:
            cache.close()
            return str(exc)
        handler.set_source(_OnlineSource(online))
        view.set_basemap(online_config(_url(handler), attribution or ""))
        return None
    return f"Unknown kind of street map “{kind}”: choose none, a file, or an online server."


def _url(handler: TileSchemeHandler) -> str:
    url = handler.url_template()
    assert url is not None  # a source was set just before
    return url


class _OnlineSource:
    """An online source whose cache is closed with it (the handler closes what it replaces)."""

    kind = OnlineTiles.kind

    def __init__(self, tiles: OnlineTiles) -> None:
        self.tiles = tiles

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        return self.tiles.tile(z, x, y)

    def close(self) -> None:
        self.tiles.close()
        self.tiles.cache.close()


def online_tiles(handler: TileSchemeHandler) -> OnlineTiles | None:
    """The online server being shown, if the street map comes from one."""
    source = handler.source
    return source.tiles if isinstance(source, _OnlineSource) else None


class _Relay(QObject):
    """Brings the worker thread's progress and result to the GUI thread."""

    progress = Signal(int, int)
    finished = Signal(object)


class SaveAreaDialog(QProgressDialog):
    """Progress and a Stop button while the tiles of an area are fetched into the cache.

    ``refusal`` is set (and ``start`` does nothing) when the area may not be saved.
    ``saved`` carries the SaveAreaResult (or a message string if the fetch broke).
    """

    saved = Signal(object)

    def __init__(
        self,
        tiles: OnlineTiles,
        viewport: Viewport,
        levels: int = SAVE_LEVELS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Saving the map of this area for offline use…", "Stop", 0, 1, parent)
        self.setWindowTitle("Save this area for offline use")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.tiles = tiles
        self.bounds = viewport.bounds
        self.zooms = next_zooms(viewport.zoom, levels, SAVE_MAX_ZOOM)
        self.refusal = tiles.bulk_refusal(self.bounds, self.zooms)
        self.outcome: SaveAreaResult | str | None = None
        self.cancel_event = threading.Event()
        self.worker: threading.Thread | None = None
        self._relay = _Relay()
        self._relay.progress.connect(self._on_progress)
        self._relay.finished.connect(self._on_finished)
        self.canceled.connect(self.cancel_event.set)
        event = self.cancel_event
        self.destroyed.connect(lambda *_: event.set())  # the window closed: stop fetching

    def start(self) -> bool:
        if self.refusal is not None or self.worker is not None:
            return False
        tiles, bounds, zooms = self.tiles, self.bounds, self.zooms
        cancel, relay = self.cancel_event, self._relay

        def run() -> None:  # captures no widget: the dialog may be gone before it ends
            outcome: SaveAreaResult | str
            try:
                outcome = tiles.save_area(bounds, zooms, relay.progress.emit, cancel)
            except BulkFetchRefused as exc:
                outcome = str(exc)
            except Exception as exc:  # told to the user, not lost in a thread
                outcome = f"Saving the area stopped because of an error: {exc}"
            relay.finished.emit(outcome)

        _running.add(self)
        self.show()
        self.worker = background.start(run, "save-area")
        return True

    def _on_progress(self, done: int, total: int) -> None:
        self.setMaximum(max(total, 1))
        self.setValue(done)
        self.setLabelText(
            f"Saving the map of this area for offline use… {done:,} of {total:,} map pieces"
        )

    def _on_finished(self, outcome: object) -> None:
        self.outcome = outcome if isinstance(outcome, SaveAreaResult | str) else None
        self.hide()
        self.saved.emit(outcome)
        _running.discard(self)
        self.deleteLater()


def outcome_message(outcome: object) -> str:
    return outcome.message if isinstance(outcome, SaveAreaResult) else str(outcome)


def save_visible_area(
    view: MapView,
    handler: TileSchemeHandler,
    parent: QWidget | None,
    report: Callable[[str], None],
    levels: int = SAVE_LEVELS,
) -> None:
    """Save this area for offline use: the map on screen, now and a few zooms closer.

    ``report`` gets one plain sentence: why it cannot start, or how it ended.
    """
    tiles = online_tiles(handler)
    if tiles is None:
        report(
            "Saving an area needs an online map server, chosen in Settings. (A map file "
            "works offline already.)"
        )
        return

    if _running:  # two at once would double the rate the server agreed to
        report("An area is already being saved. Wait for it to finish, or stop it.")
        return

    def got(viewport: Viewport | None) -> None:
        if viewport is None:
            report("The map is not ready yet. Try again in a moment.")
            return
        dialog = SaveAreaDialog(tiles, viewport, levels, parent)
        if dialog.refusal is not None:
            report(dialog.refusal)
            dialog.deleteLater()
            return
        dialog.saved.connect(lambda outcome: report(outcome_message(outcome)))
        dialog.start()

    view.read_view(got)
