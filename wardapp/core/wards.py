"""Ward boundaries as data: validated loading and fast point-in-ward lookup."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from wardapp.core.names import name_problem, shown
from wardapp.core.resources import DEFAULT_WARDS, read_json


class WardSetError(ValueError):
    """A boundary file that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
    geometry: BaseGeometry


class WardSet:
    """One boundary set (for example ONS December 2022 wards), with a content-derived version."""

    def __init__(self, wards: list[Ward], name: str, version: str) -> None:
        self.wards = sorted(wards, key=lambda w: w.code)
        self.name = name
        self.version = version
        self._by_code = {w.code: w for w in self.wards}
        geometries = [w.geometry for w in self.wards]
        for geometry in geometries:
            shapely.prepare(geometry)
        self._tree = shapely.STRtree(geometries)

    def __len__(self) -> int:
        return len(self.wards)

    def get(self, code: str) -> Ward | None:
        return self._by_code.get(code)

    def locate(self, lat: float, lon: float) -> Ward | None:
        """The ward containing the point (boundary points go to the lowest code), or None."""
        return self.locate_many([(lat, lon)])[0]

    def locate_many(self, points: list[tuple[float, float]]) -> list[Ward | None]:
        """``locate`` for many (lat, lon) points in one query of the tree, for whole batches."""
        found: list[Ward | None] = [None] * len(points)
        if not points:
            return found
        lats, lons = zip(*points, strict=True)
        which, hits = self._tree.query(shapely.points(lons, lats), predicate="intersects")
        for point, index in zip(which.tolist(), hits.tolist(), strict=True):
            ward, seen = self.wards[index], found[point]
            if seen is None or ward.code < seen.code:
                found[point] = ward
        return found

    def to_geojson(self) -> dict[str, Any]:
        return {
            "type": "FeatureCollection",
            "name": self.name,
            "features": [
                {
                    "type": "Feature",
                    "properties": {"code": w.code, "name": w.name},
                    "geometry": mapping(w.geometry),
                }
                for w in self.wards
            ],
        }

    @classmethod
    def from_geojson(cls, data: Any, name: str | None = None) -> "WardSet":
        """Validate a FeatureCollection of wards; raises WardSetError saying what is wrong."""
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
            raise WardSetError("The file is not a GeoJSON FeatureCollection.")
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise WardSetError("The FeatureCollection has no features.")
        wards: list[Ward] = []
        seen: set[str] = set()
        for index, feature in enumerate(features, start=1):
            wards.append(_parse_feature(index, feature, seen))
        set_name = name or str(data.get("name") or "wards")
        canonical = json.dumps(
            [[w.code, w.name, w.geometry.wkb_hex] for w in sorted(wards, key=lambda w: w.code)]
        )
        version = f"{set_name}@{hashlib.sha256(canonical.encode()).hexdigest()[:12]}"
        return cls(wards, set_name, version)


def _parse_feature(index: int, feature: Any, seen: set[str]) -> Ward:
    where = f"Feature {index}"
    if not isinstance(feature, dict):
        raise WardSetError(f"{where} is not a GeoJSON Feature.")
    props = feature.get("properties") or {}
    code = props.get("code") if isinstance(props, dict) else None
    ward_name = props.get("name") if isinstance(props, dict) else None
    if not isinstance(code, str) or not code.strip():
        raise WardSetError(f"{where} has no 'code' property (the ONS ward code).")
    # Compare the stripped code, the one the ward is stored under: " E05..." is "E05...".
    code = code.strip()
    code_problem = name_problem(code)
    if code_problem is not None:
        raise WardSetError(f"{where} has the ward code {shown(code)}, which {code_problem}.")
    where = f"Feature {index} ({code})"
    if not isinstance(ward_name, str) or not ward_name.strip():
        raise WardSetError(f"{where} has no 'name' property.")
    ward_name = ward_name.strip()
    problem = name_problem(ward_name)
    if problem is not None:
        raise WardSetError(f"{where} has the name {shown(ward_name)}, which {problem}.")
    if code in seen:
        raise WardSetError(f"Ward code {code} appears more than once; each ward needs its own.")
    seen.add(code)
    if not isinstance(feature.get("geometry"), dict):
        raise WardSetError(f"{where} has no geometry.")
    try:
        geometry = shape(feature.get("geometry"))
    except Exception as exc:
        raise WardSetError(f"{where} has no readable geometry: {exc}") from exc
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise WardSetError(f"{where} is a {geometry.geom_type}; wards must be polygons.")
    if geometry.is_empty:
        raise WardSetError(f"{where} has an empty geometry.")
    if not geometry.is_valid:
        raise WardSetError(f"{where} has an invalid polygon: {explain_validity(geometry)}.")
    return Ward(code=code, name=ward_name, geometry=geometry)


def default_ward_set() -> WardSet:
    """The current Middlesbrough wards shipped in resources/ (ONS, December 2022)."""
    return WardSet.from_geojson(read_json(DEFAULT_WARDS))
