"""The map's summary layers on the real page: hot-spot hexagons and every ward by its total."""

import json
from typing import Any

from pytestqt.qtbot import QtBot

from tests.ui.map_page import page_state, run_js
from wardapp.core.wards import default_ward_set
from wardapp.ui.map_view import MapView
from wardapp.ui.summary_map import CHOROPLETH_FILLS, choropleth_layer, classes

WARDS = default_ward_set()


def page_texts(qtbot: QtBot, view: MapView, selector: str) -> list[str]:
    """The text of every element the selector finds on the map page."""
    script = (
        f"JSON.stringify(Array.from(document.querySelectorAll('{selector}'), e => e.textContent))"
    )
    found: list[str] = json.loads(run_js(qtbot, view, script))
    return found


def hexagon(lon: float, lat: float, count: int) -> dict[str, Any]:
    d = 0.004
    ring = [[lon - d, lat], [lon - d / 2, lat + d], [lon + d / 2, lat + d], [lon + d, lat]]
    ring += [[lon + d / 2, lat - d], [lon - d / 2, lat - d], [lon - d, lat]]
    return {
        "type": "Feature",
        "properties": {"cell": f"{lon}{lat}", "count": count},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_hexagons_are_drawn_with_their_counts_and_cleared(qtbot: QtBot, map_view: MapView) -> None:
    middle = WARDS.wards[0].geometry.representative_point()
    hexes = [hexagon(middle.x, middle.y, 10), hexagon(middle.x + 0.01, middle.y, 25)]
    map_view.show_hotspots({"type": "FeatureCollection", "features": hexes, "title": "Hot spots"})
    qtbot.waitUntil(lambda: page_state(qtbot, map_view)["hotspots"] == 2, timeout=5000)
    state = page_state(qtbot, map_view)
    assert state["hotspotLabels"] == ["10", "25"]
    assert page_texts(qtbot, map_view, ".wardmap-hex-label") == ["10", "25"]
    assert "Hot spots" in run_js(
        qtbot, map_view, "document.querySelector('.leaflet-control-layers').textContent"
    )

    map_view.clear_summary_layers()
    qtbot.waitUntil(lambda: page_state(qtbot, map_view)["hotspots"] == 0, timeout=5000)
    assert run_js(qtbot, map_view, "document.querySelectorAll('.wardmap-hex-label').length") == 0
    assert state["errors"] == []


def test_wards_are_coloured_by_total_and_hidden_ones_hatched_with_a_legend(
    qtbot: QtBot, map_view: MapView
) -> None:
    codes = [w.code for w in WARDS.wards]
    totals: dict[str, dict[str, Any]] = {
        c: {"count": 5 * i, "text": str(5 * i)} for i, c in enumerate(codes)
    }
    totals[codes[1]] = {"count": None, "text": "fewer than 5"}
    totals[codes[2]] = {"count": None, "text": "not shown"}
    map_view.show_choropleth(totals, "Reports, October 2026")
    qtbot.waitUntil(lambda: page_state(qtbot, map_view)["choropleth"] is not None, timeout=5000)
    state = page_state(qtbot, map_view)["choropleth"]
    assert state["title"] == "Reports, October 2026" and state["wards"] == 20
    assert "fewer than 5" in state["labels"] and "not shown" in state["labels"]
    assert state["legend"][-2:] == ["Hatched: fewer than 5", "Hatched: not shown"]
    fills = json.loads(run_js(qtbot, map_view, "JSON.stringify(wardmap.wardFills())"))
    assert fills[codes[1]] == fills[codes[2]] == "hatched"
    assert fills[codes[0]] == CHOROPLETH_FILLS[0]  # a total of 0: the lightest
    assert fills[codes[-1]] == CHOROPLETH_FILLS[-1]  # the largest: the darkest
    legend = run_js(
        qtbot, map_view, "document.querySelector('.wardmap-choropleth-legend').textContent"
    )
    assert legend.startswith("Reports, October 2026")

    map_view.clear_summary_layers()
    qtbot.waitUntil(lambda: page_state(qtbot, map_view)["choropleth"] is None, timeout=5000)
    fills = json.loads(run_js(qtbot, map_view, "JSON.stringify(wardmap.wardFills())"))
    assert set(fills.values()) == {None}
    assert page_texts(qtbot, map_view, ".wardmap-choropleth-legend, .wardmap-ward-total") == []
    assert page_state(qtbot, map_view)["errors"] == []


def test_colour_classes_are_whole_steps_of_the_rounding() -> None:
    assert classes([0, 5, 75]) == [(0, 15), (15, 30), (30, 45), (45, 60), (60, 75)]
    assert classes([10]) == [(0, 5), (5, 10)]
    assert classes([]) == [(0, 0)]
    layer = choropleth_layer({"x": {"count": 0, "text": "0"}}, WARDS, "Reports")
    assert [item["text"] for item in layer["legend"]] == ["0"]
    ranges = choropleth_layer(
        {w.code: {"count": 75, "text": "75"} for w in WARDS.wards[:1]}
        | {WARDS.wards[1].code: {"count": 5, "text": "5"}},
        WARDS,
        "Reports",
    )
    assert [item["text"] for item in ranges["legend"]] == [
        "0 to 15",
        "20 to 30",
        "35 to 45",
        "50 to 60",
        "65 to 75",
    ]
