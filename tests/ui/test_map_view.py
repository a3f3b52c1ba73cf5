"""The real map page in a real QWebEngineView: drawn from disk, talking over the bridge."""

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.ui.map_page import READY_TIMEOUT_MS, page_state, run_js
from wardapp.core.taxonomy import default_taxonomy
from wardapp.core.wards import WardSet, default_ward_set
from wardapp.ui.map_view import MapView


def test_map_draws_every_ward_from_disk_without_errors(qtbot: QtBot, map_view: MapView) -> None:
    qtbot.waitUntil(lambda: page_state(qtbot, map_view)["wardsDrawn"] == 20, timeout=5000)
    state = page_state(qtbot, map_view)
    assert state["leaflet"] is True
    assert state["errors"] == []
    assert map_view.map_page.console_errors == []
    assert map_view.guard.blocked == []
    assert map_view.guard.allowed > 0


def test_a_click_on_the_map_comes_out_as_lat_lon(
    qtbot: QtBot, map_view: MapView, wards: WardSet
) -> None:
    ward = next(w for w in wards.wards if w.name == "Berwick Hills & Pallister")
    point = ward.geometry.representative_point()
    with qtbot.waitSignal(map_view.clicked, timeout=5000) as clicked:
        run_js(
            qtbot,
            map_view,
            f"wardmap.map.fire('click', {{latlng: L.latLng({point.y}, {point.x})}}); true",
        )
    lat, lon = clicked.args
    assert wards.locate(lat, lon) == ward
    assert run_js(qtbot, map_view, "document.querySelectorAll('.leaflet-marker-icon').length") == 1


def test_thousands_of_points_are_clustered_not_one_element_each(
    qtbot: QtBot, map_view: MapView, wards: WardSet
) -> None:
    west, south, east, north = (-1.28, 54.51, -1.14, 54.58)
    points = [
        {
            "id": str(i),
            "lat": south + (north - south) * ((i * 7919) % 1000) / 1000,
            "lon": west + (east - west) * ((i * 104729) % 1000) / 1000,
            "status": "received",
            "category": "asb",
            "date": "2026-10-01",
        }
        for i in range(5000)
    ]
    map_view.show_points_json(json.dumps(points))
    qtbot.waitUntil(lambda: page_state(qtbot, map_view)["reports"] == 5000, timeout=10_000)
    state = page_state(qtbot, map_view)
    assert state["drawnClusters"] > 0
    assert state["drawnClusters"] + state["drawnPoints"] < 1000
    assert (
        run_js(qtbot, map_view, "document.querySelectorAll('.leaflet-marker-icon').length") < 1000
    )


def test_calls_made_before_the_page_is_ready_are_delivered(qtbot: QtBot, tmp_path: Path) -> None:
    view = MapView(default_ward_set(), default_taxonomy(), tmp_path)
    qtbot.addWidget(view)
    view.show()
    view.set_pin(54.55, -1.2)  # before loadFinished: must wait in the queue, not vanish
    with qtbot.waitSignal(view.ready, timeout=READY_TIMEOUT_MS):
        pass
    qtbot.waitUntil(
        lambda: (
            run_js(qtbot, view, "document.querySelectorAll('.leaflet-marker-icon').length") == 1
        ),
        timeout=5000,
    )


def test_the_view_shows_only_its_own_page(qtbot: QtBot, map_view: MapView) -> None:
    """A script or a link cannot take the view to another local file or a web page."""
    home = map_view.url()
    run_js(qtbot, map_view, "location.href = 'file:///etc/hostname'; true")
    qtbot.wait(1000)  # a navigation, if allowed, would have replaced the page by now
    assert map_view.url() == home
    assert page_state(qtbot, map_view)["wardsDrawn"] == 20


def test_report_labels_go_into_the_page_as_text(qtbot: QtBot, map_view: MapView) -> None:
    point = {"id": "x", "lat": 54.55, "lon": -1.2, "status": "received", "date": "2026-10-01"}
    hostile = {**point, "category": "<img src=x onerror=window.pwned=1>"}
    map_view.show_points_json(json.dumps([hostile]))
    map_view.focus_report("x")  # opens a popup with the category's name
    qtbot.waitUntil(lambda: page_state(qtbot, map_view)["reports"] == 1, timeout=5000)
    qtbot.waitUntil(
        lambda: run_js(qtbot, map_view, "document.querySelectorAll('.leaflet-popup').length") == 1,
        timeout=5000,
    )
    assert run_js(qtbot, map_view, "String(window.pwned)") == "undefined"
    assert run_js(qtbot, map_view, "document.querySelectorAll('.leaflet-popup img').length") == 0
