"""Wire-format reports and small GeoJSON documents for the core tests."""

import copy
from datetime import date
from typing import Any

# The day the tests pretend it is (UK date), so "not in the future" never depends on the clock.
TODAY = date(2026, 10, 15)

# The example report of docs/api.md, "A report on the wire", with a real UUID.
EXAMPLE_REPORT: dict[str, Any] = {
    "id": "1b4e28ba-2fa1-41d2-883f-0016d3cca427",
    "category": "motorbike_misuse",
    "occurred_on": "2026-10-14",
    "occurred_time": "21:30",
    "time_band": None,
    "lat": 54.5541,
    "lon": -1.2001,
    "accuracy_m": 30,
    "observed_by": "resident",
    "description": "Two off-road bikes on the field every evening",
    "repeat_issue": True,
    "resident_contact": None,
    "captured_at": "2026-10-15T10:02:11Z",
}


def wire_report(**overrides: Any) -> dict[str, Any]:
    """A fresh copy of the design's example report with some fields replaced."""
    report = copy.deepcopy(EXAMPLE_REPORT)
    report.update(overrides)
    return report


def square(x0: float, y0: float, size: float = 0.01) -> dict[str, Any]:
    """A GeoJSON polygon: an axis-aligned square with its lower-left corner at (x0, y0)."""
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code: Any, name: Any, geometry: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}


def collection(*features: Any, name: str = "test_wards") -> dict[str, Any]:
    return {"type": "FeatureCollection", "name": name, "features": list(features)}
