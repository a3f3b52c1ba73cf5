"""The map page built by folium from vendored files only, so it works with no network.

folium's own defaults name CDN hosts; the page class below replaces them with the copies
under ``resources/web``. Everything that changes while the app runs (reports, the pin, the
user's wards) travels over the QWebChannel bridge instead of rebuilding the page.
"""

import json
from pathlib import Path
from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from wardapp.core.taxonomy import Taxonomy
from wardapp.core.wards import WardSet
from wardapp.ui.map_page import (
    BOUNDARY_ATTRIBUTION,
    OTHER_WARD_STYLE,
    page_config,
    web_asset,
)


class OfflineMap(folium.Map):
    """folium's Map with Leaflet from disk and none of its CDN extras (jQuery, Bootstrap)."""

    default_js = [  # noqa: RUF012 (folium reads the class attribute)
        ("leaflet", web_asset("leaflet/leaflet.js")),
        ("wardmap_shapes", web_asset("wardmap-shapes.js")),
        ("supercluster", web_asset("supercluster/supercluster.min.js")),
        ("qwebchannel", "qrc:///qtwebchannel/qwebchannel.js"),
        ("wardmap", web_asset("wardmap.js")),
        ("wardmap_keyboard", web_asset("wardmap-keyboard.js")),
    ]
    default_css = [  # noqa: RUF012
        ("leaflet_css", web_asset("leaflet/leaflet.css")),
        ("wardmap_css", web_asset("wardmap.css")),
    ]


class WardMapSetup(MacroElement):
    """Hands the map, the ward layer and the legend's data to wardmap.js."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        wardmap.init({{ this.map_name }}, {{ this.wards_name }}, {{ this.config }});
        {% endmacro %}
        """
    )

    def __init__(self, map_name: str, wards_name: str, config: dict[str, Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "WardMapSetup"
        self.map_name = map_name
        self.wards_name = wards_name
        # Inside a <script>: no "<" may end it early, whatever a category is called.
        self.config = json.dumps(config).replace("<", "\\u003c")


def build_map_page(path: Path, wards: WardSet, taxonomy: Taxonomy) -> None:
    """Writes the page to ``path`` (a file, not setHtml: that fails silently above 2 MB)."""
    west, south, east, north = _bounds(wards)
    page = OfflineMap(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=13,
        tiles=None,
        control_scale=True,
        prefer_canvas=True,
        min_zoom=9,
        max_zoom=19,
    )
    ward_layer = folium.GeoJson(
        wards.to_geojson(),
        name="Wards",
        style_function=lambda _feature: OTHER_WARD_STYLE,
        highlight_function=lambda _feature: {"weight": 4, "fillOpacity": 0.15},
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False, sticky=True),
        attribution=BOUNDARY_ATTRIBUTION,
    )
    ward_layer.add_to(page)
    page.fit_bounds([[south, west], [north, east]])
    page.add_child(WardMapSetup(page.get_name(), ward_layer.get_name(), page_config(taxonomy)))
    path.write_text(page.get_root().render(), encoding="utf-8")


def _bounds(wards: WardSet) -> tuple[float, float, float, float]:
    boxes = [w.geometry.bounds for w in wards.wards]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
