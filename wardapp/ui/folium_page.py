"""The map page built by folium from vendored files only, so it works with no network.

folium's own defaults name CDN hosts; the page class below replaces them with the copies
under ``resources/web``. Everything that changes while the app runs (reports, the pin, the
user's wards) travels over the QWebChannel bridge instead of rebuilding the page.
"""

import base64
import hashlib
import json
import re
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
from wardapp.ui.page_scheme import QWEBCHANNEL_URL, SCHEME
from wardapp.ui.tile_scheme import SCHEME as TILE_SCHEME

# folium writes the map's set-up as inline <script> blocks (without attributes); the policy
# allows exactly those, by hash, and scripts from the app's own scheme: nothing else runs.
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


class OfflineMap(folium.Map):
    """folium's Map with Leaflet from disk and none of its CDN extras (jQuery, Bootstrap)."""

    default_js = [  # noqa: RUF012 (folium reads the class attribute)
        ("leaflet", web_asset("leaflet/leaflet.js")),
        ("wardmap_shapes", web_asset("wardmap-shapes.js")),
        ("supercluster", web_asset("supercluster/supercluster.min.js")),
        ("qwebchannel", QWEBCHANNEL_URL),
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
        # No folium tooltip: it puts names in as HTML. wardmap.js writes them as text.
        attribution=BOUNDARY_ATTRIBUTION,
    )
    ward_layer.add_to(page)
    page.fit_bounds([[south, west], [north, east]])
    page.add_child(WardMapSetup(page.get_name(), ward_layer.get_name(), page_config(taxonomy)))
    path.write_text(with_policy(page.get_root().render()), encoding="utf-8")


def content_security_policy(html: str) -> str:
    """Scripts from the app's scheme and the page's own inline blocks (by hash); images
    from the app and its tiles; styles from the app (and inline: Leaflet positions every
    element with style attributes); no network origin, no plug-in, no form, no frame."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'none'; script-src {SCHEME}: {hashes}; "
        f"style-src {SCHEME}: 'unsafe-inline'; img-src {SCHEME}: {TILE_SCHEME}: data:; "
        "connect-src 'none'; font-src 'none'; object-src 'none'; frame-src 'none'; "
        "worker-src 'none'; base-uri 'none'; form-action 'none'"
    )


def with_policy(html: str) -> str:
    """The page with its Content-Security-Policy as the first thing in its head."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(html)}">'
    head = html.index("<head>") + len("<head>")
    return html[:head] + "\n    " + meta + html[head:]


def _bounds(wards: WardSet) -> tuple[float, float, float, float]:
    boxes = [w.geometry.bounds for w in wards.wards]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
