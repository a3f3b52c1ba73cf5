"""Access to the data files under ``resources/``, wherever the package is installed."""

import json
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

DEFAULT_WARDS = "wards/middlesbrough_wards.geojson"
DEFAULT_TAXONOMY = "taxonomy/categories.json"
BOUNDARY_LICENCE = "wards/LICENCE-boundaries.txt"


def resource(relative_path: str) -> Traversable:
    """A file under resources/, found through importlib so wheels and bundles work."""
    node = files("wardapp.resources")
    for part in relative_path.split("/"):
        node = node / part
    return node


def read_json(relative_path: str) -> Any:
    return json.loads(resource(relative_path).read_text(encoding="utf-8"))


def read_text(relative_path: str) -> str:
    return resource(relative_path).read_text(encoding="utf-8")
