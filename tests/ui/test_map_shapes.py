"""Markers told apart by shape as well as colour (resources/web/wardmap-shapes.js).

The page does not load the file yet (the page builder must add it), so each test runs it in
the real map page first, then reads pixels off the canvas Leaflet draws markers on.
"""

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.map_page import page_state, run_js
from wardapp.core.resources import read_text
from wardapp.ui.map_view import MapView

RADIUS = 20
# Marker (drawn at the map's centre) and the colour alpha at one pixel, off the centre by
# (dx, dy) radii: inside these shapes, but outside the circle of the same radius.
PAINTED = """
(function (shape, dx, dy) {
  var map = wardmap.map, renderer = L.canvas({ padding: 0 }), r = RADIUS;
  var marker = L.circleMarker(map.getCenter(), { renderer: renderer, radius: r,
    shape: shape, stroke: false, fillColor: "#000000", fillOpacity: 1 }).addTo(map);
  window.shapeProbe = function () {
    var b = renderer._bounds.min, p = marker._point, ratio = window.devicePixelRatio || 1;
    var x = Math.round((p.x - b.x + dx * r) * ratio), y = Math.round((p.y - b.y + dy * r) * ratio);
    return renderer._ctx.getImageData(x, y, 1, 1).data[3];
  };
  return true;
})
""".replace("RADIUS", str(RADIUS))


@pytest.fixture
def shaped(qtbot: QtBot, map_view: MapView) -> MapView:
    run_js(qtbot, map_view, read_text("web/wardmap-shapes.js") + "; true")
    return map_view


def alpha_at(qtbot: QtBot, view: MapView, shape: str | None, dx: float, dy: float) -> Any:
    run_js(qtbot, view, f"{PAINTED}({'null' if shape is None else repr(shape)}, {dx}, {dy})")
    qtbot.waitUntil(lambda: run_js(qtbot, view, "window.shapeProbe() !== undefined"), timeout=5000)
    qtbot.wait(100)  # the canvas draws on the next animation frame
    return run_js(qtbot, view, "window.shapeProbe()")


@pytest.mark.parametrize(
    ("shape", "dx", "dy"),
    [
        ("square", 0.8, 0.8),  # a corner
        ("triangle", 0.0, -1.3),  # the top point
        ("triangle-down", 0.0, 1.3),
        ("diamond", 0.0, 1.2),
        ("star", 0.0, -1.45),
        ("cross", 0.95, 0.95),
        ("plus", 0.0, 1.3),
    ],
)
def test_each_shape_reaches_where_a_circle_does_not(
    qtbot: QtBot, shaped: MapView, shape: str, dx: float, dy: float
) -> None:
    assert alpha_at(qtbot, shaped, None, dx, dy) == 0  # the plain circle leaves it empty
    assert alpha_at(qtbot, shaped, shape, dx, dy) == 255
    assert page_state(qtbot, shaped)["errors"] == []


def test_a_marker_without_a_shape_is_leaflets_own_circle(qtbot: QtBot, shaped: MapView) -> None:
    assert alpha_at(qtbot, shaped, None, 0.6, 0.6) == 255  # inside the circle
    assert alpha_at(qtbot, shaped, "circle", 0.8, 0.8) == 0


def test_the_legend_gets_the_same_shape_as_svg(qtbot: QtBot, shaped: MapView) -> None:
    svg = run_js(qtbot, shaped, "wardmapShapes.svg('triangle', '#e69f00', 16)")
    assert svg.startswith("<svg") and "<path d='M" in svg and "fill='#e69f00'" in svg
    hostile = run_js(qtbot, shaped, "wardmapShapes.svg('square', 'red\\' onload=\\'x', 16)")
    assert "onload" not in hostile  # only #rrggbb colours are written into the page
    names = run_js(qtbot, shaped, "wardmapShapes.names.join(',')")
    assert set(names.split(",")) >= {
        "circle",
        "square",
        "triangle",
        "diamond",
        "star",
        "cross",
        "plus",
    }
