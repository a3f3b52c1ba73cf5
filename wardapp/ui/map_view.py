"""The map: the folium page in a QWebEngineView, and the QWebChannel bridge to it.

Calls made before the page and its channel are ready would be lost, so they wait in a queue
until the page says it is ready. Every request the page makes is checked: anything that
would leave the machine is blocked and remembered (the self-test reports it).
"""

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

from wardapp.client.reports import MyReport
from wardapp.core.taxonomy import Taxonomy
from wardapp.core.wards import WardSet
from wardapp.ui import background
from wardapp.ui.map_page import map_page, page_file
from wardapp.ui.page_scheme import SCHEME as PAGE_SCHEME
from wardapp.ui.page_scheme import page_scheme_handler
from wardapp.ui.report_rows import map_parts
from wardapp.ui.summary_map import choropleth_layer, hotspot_layer
from wardapp.ui.tile_scheme import SCHEME as TILE_SCHEME

log = logging.getLogger(__name__)
# The page and its files come over wardapp:, tiles over wardtiles:; a file:// or qrc:
# request is as unexpected as a web one, so it is blocked and reported too.
LOCAL_SCHEMES = frozenset({PAGE_SCHEME, TILE_SCHEME, "data", "blob", "about"})


class OfflineGuard(QWebEngineUrlRequestInterceptor):
    """Blocks every request that would leave the machine and keeps a list of them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.blocked: list[str] = []
        self.allowed = 0

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        if url.scheme() in LOCAL_SCHEMES:
            self.allowed += 1
            return
        self.blocked.append(url.toString())
        info.block(True)


class MapPage(QWebEnginePage):
    """Keeps the page's console errors; sends links the user clicks to the browser."""

    def __init__(self, profile: QWebEngineProfile, parent: QObject | None = None) -> None:
        super().__init__(profile, parent)
        self.console_errors: list[str] = []
        self.home: QUrl | None = None  # the only page the view may show

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.console_errors.append(f"{source}:{line}: {message}")

    def acceptNavigationRequest(
        self, url: QUrl | str, kind: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        target = QUrl(url)
        home = self.home
        if home is not None and (target.scheme(), target.path()) == (home.scheme(), home.path()):
            return True  # the map page itself; nothing else is ever shown in the view
        if (
            kind == QWebEnginePage.NavigationType.NavigationTypeLinkClicked
            and target.scheme() == "https"
        ):
            QDesktopServices.openUrl(target)  # the user asked for it, in their own browser
        return False


class MapBridge(QObject):
    """The object the page sees as ``bridge``: signals carry data in, slots carry clicks out."""

    reportsChanged = Signal(str)
    reportsPart = Signal(str)  # one part of a list of reports (``report_rows.map_parts``)
    pinRequested = Signal(float, float)
    pinCleared = Signal()
    boundsRequested = Signal(float, float, float, float)
    viewRequested = Signal(float, float, int)
    ownWardsChanged = Signal(str)
    reportFocused = Signal(str)
    basemapChanged = Signal(str)  # a street-map layer as JSON, or "" for none
    hotspotsChanged = Signal(str)  # hot-spot hexagons as GeoJSON, labelled
    choroplethChanged = Signal(str)  # every ward's fill, labels and legend
    summaryCleared = Signal()

    clicked = Signal(float, float)
    moved = Signal(float, float)
    reportChosen = Signal(str)
    ready = Signal()

    @Slot(float, float)
    def mapClicked(self, lat: float, lon: float) -> None:
        self.clicked.emit(lat, lon)

    @Slot(float, float)
    def pinMoved(self, lat: float, lon: float) -> None:
        self.moved.emit(lat, lon)

    @Slot(str)
    def reportClicked(self, report_id: str) -> None:
        self.reportChosen.emit(report_id)

    @Slot()
    def pageReady(self) -> None:
        self.ready.emit()


_guard: OfflineGuard | None = None


def offline_guard() -> OfflineGuard:
    """One guard on the process's web profile (off the record: nothing cached on disk)."""
    global _guard
    if _guard is None:
        profile = QWebEngineProfile.defaultProfile()
        _guard = OfflineGuard(profile)
        profile.setUrlRequestInterceptor(_guard)
    return _guard


@dataclass(frozen=True)
class Viewport:
    """What the map shows now: its edges in degrees and its zoom level."""

    west: float
    south: float
    east: float
    north: float
    zoom: float

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return self.west, self.south, self.east, self.north


class _PageBuilder(QObject):
    """Builds the map page on a thread of its own; ``built`` says so ("" or the problem)."""

    built = Signal(str)

    def start(self, wards: WardSet, taxonomy: Taxonomy, folder: Path | None) -> None:
        def work() -> None:
            try:
                map_page(wards, taxonomy, folder)
            except Exception as exc:
                log.exception("building the map page failed")
                self.built.emit(f"{type(exc).__name__}: {exc}")
            else:
                self.built.emit("")

        background.start(work, "map-page")


class MapView(QWebEngineView):
    """Emits ``clicked``/``moved`` (lat, lon) and ``reportChosen`` (id); ``ready`` once loaded."""

    def __init__(
        self,
        wards: WardSet,
        taxonomy: Taxonomy,
        page_folder: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.wards = wards
        self.guard = offline_guard()
        self.map_page = MapPage(QWebEngineProfile.defaultProfile(), self)
        self.setPage(self.map_page)
        self.bridge = MapBridge(self)
        self.channel = QWebChannel(self)
        self.channel.registerObject("bridge", self.bridge)
        self.map_page.setWebChannel(self.channel)
        self.is_ready = False
        self._queue: list[Callable[[], None]] = []
        self._sending = 0  # the list of reports being sent in parts; a newer one stops it
        self.bridge.ready.connect(self._on_ready)
        self.clicked = self.bridge.clicked
        self.moved = self.bridge.moved
        self.reportChosen = self.bridge.reportChosen
        self.ready = self.bridge.ready
        self.setAccessibleName("Map")
        self.setAccessibleDescription(
            "Ward map. Click a place to start a report there, or use the keyboard: arrow keys "
            "move the map under the crosshair, plus and minus zoom, Enter places the report."
        )
        self.page_path = page_file(wards, taxonomy, page_folder)
        self.home = page_scheme_handler().page_url(self.page_path)
        self.map_page.home = self.home
        if self.page_path.exists():
            self.load(self.home)
        else:  # folium takes a good part of a second: built once the window is up
            self._builder = _PageBuilder()
            self._builder.built.connect(self._page_built)
            QTimer.singleShot(0, self, lambda: self._builder.start(wards, taxonomy, page_folder))

    def _page_built(self, problem: str) -> None:
        if problem:
            self.map_page.console_errors.append(f"the map page could not be built: {problem}")
            return
        self.load(self.home)

    def _on_ready(self) -> None:
        self.is_ready = True
        queued, self._queue = self._queue, []
        for call in queued:
            call()

    def _when_ready(self, call: Callable[[], None]) -> None:
        if self.is_ready:
            call()
        else:
            self._queue.append(call)

    # --- data in --------------------------------------------------------------------------
    def show_reports(self, reports: Sequence[MyReport]) -> None:
        self.show_parts(map_parts(reports))

    def show_parts(self, parts: Sequence[str]) -> None:
        """Reports already in parts (made off the UI thread), one part per event-loop turn:
        the page gets a big list without the window waiting on one big message."""
        self._sending += 1
        sending = self._sending

        def send(index: int) -> None:
            if sending != self._sending:
                return  # a newer list has started; the page drops this one's parts
            self.bridge.reportsPart.emit(parts[index])
            if index + 1 < len(parts):
                QTimer.singleShot(0, self, lambda: send(index + 1))

        if parts:
            self._when_ready(lambda: send(0))

    def show_points_json(self, text: str) -> None:
        """Points already in the page's format (the benchmark's way in)."""
        self._sending += 1  # a list being sent in parts is superseded
        self._when_ready(lambda: self.bridge.reportsChanged.emit(text))

    def set_pin(self, lat: float, lon: float) -> None:
        self._when_ready(lambda: self.bridge.pinRequested.emit(lat, lon))

    def clear_pin(self) -> None:
        self._when_ready(self.bridge.pinCleared.emit)

    def set_own_wards(self, codes: Sequence[str]) -> None:
        text = json.dumps(list(codes))
        self._when_ready(lambda: self.bridge.ownWardsChanged.emit(text))

    def zoom_to_ward(self, code: str) -> bool:
        ward = self.wards.get(code)
        if ward is None:
            return False
        west, south, east, north = ward.geometry.bounds
        self._when_ready(lambda: self.bridge.boundsRequested.emit(south, west, north, east))
        return True

    def go_to(self, lat: float, lon: float, zoom: int = 17) -> None:
        self._when_ready(lambda: self.bridge.viewRequested.emit(lat, lon, zoom))

    def focus_report(self, report_id: str) -> None:
        self._when_ready(lambda: self.bridge.reportFocused.emit(report_id))

    def set_basemap(self, config: dict[str, Any] | None) -> None:
        """A street map under the wards (config from ``basemap.apply_basemap``); None: none."""
        text = json.dumps(config) if config else ""
        self._when_ready(lambda: self.bridge.basemapChanged.emit(text))

    def zoom_to_wards(self, codes: Sequence[str]) -> bool:
        """Fits the map to several wards (an area); False when none of them is known."""
        boxes = [w.geometry.bounds for c in codes if (w := self.wards.get(c)) is not None]
        if not boxes:
            return False
        west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
        east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
        self._when_ready(lambda: self.bridge.boundsRequested.emit(south, west, north, east))
        return True

    # --- anonymised summaries ---------------------------------------------------------------
    def show_hotspots(self, feature_collection: dict[str, Any]) -> None:
        """Hot-spot hexagons (GeoJSON with a ``count`` each; ``label``/``tooltip`` optional)."""
        text = json.dumps(hotspot_layer(feature_collection))
        self._when_ready(lambda: self.bridge.hotspotsChanged.emit(text))

    def show_choropleth(
        self, totals: dict[str, dict[str, Any]], title: str = "Reports", unit: int = 5
    ) -> None:
        """Wards filled by total, ``{code: {"count": int | None, "text": str}}``, with a legend;
        a ward whose count is None is hatched and labelled with its text."""
        text = json.dumps(choropleth_layer(totals, self.wards, title, unit))
        self._when_ready(lambda: self.bridge.choroplethChanged.emit(text))

    def clear_summary_layers(self) -> None:
        self._when_ready(self.bridge.summaryCleared.emit)

    # --- state out (self-test, tests) ---------------------------------------------------
    def read_state(self, callback: Callable[[dict[str, Any]], None]) -> None:
        """The page's own account of itself: Leaflet loaded, wards drawn, errors."""

        def parse(value: Any) -> None:
            callback(json.loads(value) if isinstance(value, str) else {})

        script = "JSON.stringify(window.wardmap ? window.wardmap.state : {leaflet: false})"
        self.map_page.runJavaScript(script, 0, parse)

    def read_view(self, callback: Callable[[Viewport | None], None]) -> None:
        """The area on screen now (None before the page is ready), e.g. to save it offline."""

        def parse(value: Any) -> None:
            try:
                found: dict[str, Any] = json.loads(value) if isinstance(value, str) else {}
                view = Viewport(**{k: float(found[k]) for k in Viewport.__dataclass_fields__})
            except (TypeError, KeyError, ValueError):
                view = None
            callback(view)

        script = "JSON.stringify(window.wardmap && wardmap.viewport ? wardmap.viewport() : null)"
        self.map_page.runJavaScript(script, 0, parse)
