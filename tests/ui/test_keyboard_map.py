"""The map without a mouse: real key presses go to Chromium through the view's focus proxy.

The page's keyboard layer (resources/web/wardmap-keyboard.js) shows a crosshair while the map
has keyboard focus, zooms one step on + and -, and places a report at the crosshair on
Enter, by the same path as a click, so the window sees ``clicked`` as it would for a mouse.
"""

import json
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.ui.map_page import page_state, run_js
from wardapp.ui.map_view import MapView

CONTAINER = "wardmap.map.getContainer()"


def key_target(view: MapView) -> QWidget:
    """The widget Chromium reads keys from: the view's focus proxy (its render widget)."""
    proxy = view.focusProxy()
    return proxy if proxy is not None else view


def focus_map(qtbot: QtBot, view: MapView) -> None:
    """Keyboard focus on the view, and inside the page on the map itself."""
    view.activateWindow()
    key_target(view).setFocus()
    run_js(qtbot, view, f"{CONTAINER}.focus(); true")
    qtbot.waitUntil(
        lambda: run_js(qtbot, view, f"document.activeElement === {CONTAINER}") is True,
        timeout=5000,
    )


def centre(qtbot: QtBot, view: MapView) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        run_js(qtbot, view, "JSON.stringify(wardmap.map.getCenter())")
    )
    return found


def zoom(qtbot: QtBot, view: MapView) -> float:
    return float(run_js(qtbot, view, "wardmap.map.getZoom()"))


def crosshair_shown(qtbot: QtBot, view: MapView) -> bool:
    script = "getComputedStyle(document.querySelector('.wardmap-crosshair')).display"
    return bool(run_js(qtbot, view, script) != "none")


def test_the_map_says_how_to_use_it_from_the_keyboard(qtbot: QtBot, map_view: MapView) -> None:
    qtbot.waitUntil(lambda: page_state(qtbot, map_view).get("keyboard") is True, timeout=5000)
    label = run_js(qtbot, map_view, f"{CONTAINER}.getAttribute('aria-label')")
    assert "Arrow keys" in label and "plus and minus" in label and "Enter" in label
    assert run_js(qtbot, map_view, f"{CONTAINER}.tabIndex") == 0
    assert page_state(qtbot, map_view)["errors"] == []


def test_the_crosshair_shows_only_while_the_map_has_keyboard_focus(
    qtbot: QtBot, map_view: MapView
) -> None:
    assert not crosshair_shown(qtbot, map_view)
    focus_map(qtbot, map_view)
    assert crosshair_shown(qtbot, map_view)
    run_js(qtbot, map_view, f"{CONTAINER}.blur(); true")
    assert not crosshair_shown(qtbot, map_view)


def test_enter_places_a_report_at_the_crosshair(qtbot: QtBot, map_view: MapView) -> None:
    focus_map(qtbot, map_view)
    expected = centre(qtbot, map_view)
    with qtbot.waitSignal(map_view.clicked, timeout=5000) as clicked:
        qtbot.keyClick(key_target(map_view), Qt.Key.Key_Return)
    lat, lon = clicked.args
    assert lat == pytest.approx(expected["lat"], abs=1e-9)
    assert lon == pytest.approx(expected["lng"], abs=1e-9)
    pins = "document.querySelectorAll('.leaflet-marker-icon').length"
    assert run_js(qtbot, map_view, pins) == 1  # the same pin a click makes
    said = run_js(qtbot, map_view, "document.querySelector('.wardmap-announce').textContent")
    assert "New report placed" in said


def test_plus_and_minus_zoom_one_step(qtbot: QtBot, map_view: MapView) -> None:
    focus_map(qtbot, map_view)
    start = zoom(qtbot, map_view)
    qtbot.keyClick(key_target(map_view), Qt.Key.Key_Plus, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: zoom(qtbot, map_view) == start + 1, timeout=5000)
    qtbot.keyClick(key_target(map_view), Qt.Key.Key_Minus)
    qtbot.waitUntil(lambda: zoom(qtbot, map_view) == start, timeout=5000)


def test_arrow_keys_still_pan(qtbot: QtBot, map_view: MapView) -> None:
    focus_map(qtbot, map_view)
    before = centre(qtbot, map_view)
    qtbot.keyClick(key_target(map_view), Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: centre(qtbot, map_view)["lng"] < before["lng"], timeout=5000)


def test_enter_on_a_focused_control_is_not_a_new_report(qtbot: QtBot, map_view: MapView) -> None:
    """Enter belongs to whatever has focus: only the map itself turns it into a report."""
    focus_map(qtbot, map_view)
    run_js(qtbot, map_view, "document.querySelector('.leaflet-control-zoom-in').focus(); true")
    placed: list[tuple[float, float]] = []
    map_view.clicked.connect(lambda lat, lon: placed.append((lat, lon)))
    qtbot.keyClick(key_target(map_view), Qt.Key.Key_Return)
    qtbot.wait(300)
    assert placed == []
