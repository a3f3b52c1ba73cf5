"""The summary layers as the map page draws them: hexagons with labels, wards by their total.

Pure functions: the page gets texts, colours and a legend ready to draw, so what a colour
means is decided (and tested) here, not in JavaScript.
"""

import math
from collections.abc import Mapping
from typing import Any

from wardapp.core.wards import WardSet

HOTSPOT_STYLE = {"color": "#a63603", "weight": 2, "fillColor": "#fd8d3c", "fillOpacity": 0.45}
# ColorBrewer "Blues", 5 classes: ordered light to dark, readable in grey and by the colour-blind.
CHOROPLETH_FILLS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")


def hotspot_layer(feature_collection: Mapping[str, Any]) -> dict[str, Any]:
    """Each hexagon with a label and a tooltip (its count, when the caller gave none)."""
    features = []
    for feature in feature_collection.get("features", []):
        properties = dict(feature.get("properties") or {})
        count = properties.get("count")
        properties.setdefault("label", str(count))
        properties.setdefault("tooltip", f"About {count} reports in this hexagon")
        features.append({**feature, "properties": properties})
    title = str(feature_collection.get("title") or "Hot spots")
    return {"type": "FeatureCollection", "features": features, "title": title}


def classes(counts: list[int], unit: int = 5) -> list[tuple[int, int]]:
    """Up to five equal ranges from 0 to the largest count, in steps of ``unit`` (the rounding)."""
    largest = max(counts, default=0)
    if largest <= 0:
        return [(0, 0)]
    step = unit * math.ceil(largest / (unit * len(CHOROPLETH_FILLS)))
    return [(i * step, (i + 1) * step) for i in range(math.ceil(largest / step))]


def _range_text(index: int, low: int, high: int, unit: int) -> str:
    if high == 0:
        return "0"
    return f"{low if index == 0 else low + unit} to {high}"


def choropleth_layer(
    totals: Mapping[str, Mapping[str, Any]], wards: WardSet, title: str, unit: int = 5
) -> dict[str, Any]:
    """Wards coloured by total; a ward whose total is hidden is hatched and says why in words.

    ``totals`` maps a ward code to ``{"count": int | None, "text": str}`` (None: hidden;
    ``text`` is what to write on the ward, such as "fewer than 5").
    """
    shown = [int(t["count"]) for t in totals.values() if t.get("count") is not None]
    ranges = classes(shown, unit)

    def fill(count: int) -> str:
        index = next((i for i, (_, high) in enumerate(ranges) if count <= high), len(ranges) - 1)
        return CHOROPLETH_FILLS[index]

    paint: dict[str, dict[str, Any]] = {}
    labels = []
    for code, total in totals.items():
        count = total.get("count")
        text = str(total.get("text") or (count if count is not None else "not shown"))
        paint[code] = {"fill": None if count is None else fill(int(count)), "hidden": count is None}
        ward = wards.get(code)
        if ward is not None:
            point = ward.geometry.representative_point()
            labels.append({"code": code, "lat": point.y, "lon": point.x, "text": text})
    legend: list[dict[str, Any]] = [
        {"fill": CHOROPLETH_FILLS[i], "hidden": False, "text": _range_text(i, low, high, unit)}
        for i, (low, high) in enumerate(ranges)
    ]
    hidden_texts = {str(t.get("text")) for t in totals.values() if t.get("count") is None}
    for text in sorted(hidden_texts, key=lambda text: (text == "not shown", text)):
        legend.append({"fill": None, "hidden": True, "text": f"Hatched: {text}"})
    return {"title": title, "wards": paint, "labels": labels, "legend": legend}
