"""The map page, built once per boundary set and taxonomy, then reused from the cache.

Building it needs folium, which takes a noticeable part of a second to import; a page that
is already built for the same wards, categories and app version is loaded as it is.
"""

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from wardapp import __version__
from wardapp.core.taxonomy import Taxonomy
from wardapp.core.wards import WardSet
from wardapp.ui.page_scheme import web_asset_url
from wardapp.ui.report_status import STATUS_STYLES
from wardapp.ui.summary_map import HOTSPOT_STYLE

PAGE_FORMAT = 6  # bump when the page's structure changes
BOUNDARY_ATTRIBUTION = (
    "Ward boundaries: Office for National Statistics, Open Government Licence v3.0; "
    "contains OS data © Crown copyright and database right 2021"
)
OWN_WARD_STYLE = {"color": "#1b4f9c", "weight": 3, "fillColor": "#1b4f9c", "fillOpacity": 0.08}
OTHER_WARD_STYLE = {"color": "#555555", "weight": 1.5, "fillColor": "#888888", "fillOpacity": 0.03}


def web_asset(relative_path: str) -> str:
    """The ``wardapp:`` URL of a vendored asset (page_scheme serves it, never file://)."""
    return web_asset_url(relative_path)


def page_config(taxonomy: Taxonomy) -> dict[str, Any]:
    """What wardmap.js needs to draw the legend and the reports."""
    return {
        "statuses": {
            key: {"label": s.label, "colour": s.colour, "shape": s.shape}
            for key, s in STATUS_STYLES.items()
        },
        "categories": {c.code: c.label for c in taxonomy.categories},
        "ownWardStyle": OWN_WARD_STYLE,
        "otherWardStyle": OTHER_WARD_STYLE,
        "hotspotStyle": HOTSPOT_STYLE,
        "markerImages": web_asset("leaflet/images") + "/",
    }


def default_page_folder() -> Path:
    return Path(user_cache_dir("wardapp", appauthor=False)) / "map"


def page_file(wards: WardSet, taxonomy: Taxonomy, folder: Path | None = None) -> Path:
    """Where the page for these wards and categories is (or will be) cached."""
    folder = folder or default_page_folder()
    identity = json.dumps(
        [PAGE_FORMAT, __version__, wards.version, page_config(taxonomy), web_asset("")]
    )
    return folder / f"wardmap-{hashlib.sha256(identity.encode()).hexdigest()[:16]}.html"


def map_page(wards: WardSet, taxonomy: Taxonomy, folder: Path | None = None) -> Path:
    """The page for these wards and categories: from the cache, or built and cached now."""
    path = page_file(wards, taxonomy, folder)
    if path.exists():
        return path
    from wardapp.ui.folium_page import build_map_page

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    build_map_page(partial, wards, taxonomy)
    os.replace(partial, path)  # another process (or thread) may be building the same page
    return path
