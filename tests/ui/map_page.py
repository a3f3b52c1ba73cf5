"""The real map page in tests: open one and wait for it, read its state, run its script."""

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from wardapp.core.taxonomy import default_taxonomy
from wardapp.core.wards import default_ward_set
from wardapp.ui.map_view import MapView

READY_TIMEOUT_MS = 30_000


def open_map_view(qtbot: QtBot, page_folder: Path) -> MapView:
    """A shown MapView whose page and bridge are ready."""
    view = MapView(default_ward_set(), default_taxonomy(), page_folder)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=READY_TIMEOUT_MS):
        pass
    return view


def page_state(qtbot: QtBot, view: MapView) -> dict[str, Any]:
    found: list[dict[str, Any]] = []
    view.read_state(found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=5000)
    return found[0]


def run_js(qtbot: QtBot, view: MapView, script: str) -> Any:
    found: list[Any] = []
    view.map_page.runJavaScript(script, 0, lambda value: found.append(value))
    qtbot.waitUntil(lambda: bool(found), timeout=5000)
    return found[0]
