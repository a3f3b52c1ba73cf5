"""police.uk street-level CSV files written as police.uk publishes them, for tests and benchmarks.

Column order, quoting and the empty Crime ID of anti-social behaviour rows follow the
published files (data.police.uk, "street" downloads: YYYY-MM-force-street.csv).
"""

import csv
import hashlib
from collections.abc import Iterable
from pathlib import Path

from wardapp.core.police_uk import COLUMNS
from wardapp.core.wards import WardSet

OUTSIDE = (51.501364, -0.14189)  # Buckingham Palace: in no Middlesbrough ward


def crime_id(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def row(
    month: str,
    lat: float | None,
    lon: float | None,
    crime_type: str,
    crime: str = "",
    location: str = "On or near Parking Area",
    outcome: str = "Investigation complete; no suspect identified",
) -> list[str]:
    where = "" if lat is None else f"{lat:.6f}"
    along = "" if lon is None else f"{lon:.6f}"
    return [
        crime,
        month,
        "Cleveland Police",
        "Cleveland Police",
        along,
        where,
        location if lat is not None else "No Location",
        "E01012000" if lat is not None else "",
        "Middlesbrough 001A" if lat is not None else "",
        crime_type,
        "" if crime_type == "Anti-social behaviour" else outcome,
        "",
    ]


def write(path: Path, rows: Iterable[list[str]], bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def inside(wards: WardSet, index: int = 0) -> tuple[float, float]:
    point = wards.wards[index % len(wards)].geometry.representative_point()
    return round(point.y, 6), round(point.x, 6)


def points(wards: WardSet, count: int) -> list[tuple[float, float]]:
    """``count`` distinct points inside the wards (a small grid inside each ward's box)."""
    found: list[tuple[float, float]] = []
    per = max(1, count // len(wards) + 1)
    for ward in wards.wards:
        minx, miny, maxx, maxy = ward.geometry.bounds
        steps = int(per**0.5) + 2
        candidates = [
            (miny + (maxy - miny) * (i + 0.5) / steps, minx + (maxx - minx) * (j + 0.5) / steps)
            for i in range(steps)
            for j in range(steps)
        ]
        located = wards.locate_many(candidates)
        found += [
            (round(lat, 6), round(lon, 6))
            for (lat, lon), w in zip(candidates, located, strict=True)
            if w is not None
        ][:per]
    return found[:count] if len(found) >= count else found


def generated(path: Path, wards: WardSet, count: int, month: str = "2026-09") -> Path:
    """A file of ``count`` rows: crimes with ids and ASB rows without, all inside the wards."""
    spots = points(wards, 2000)
    types = ["Violence and sexual offences", "Burglary", "Shoplifting", "Drugs", "Public order"]

    def rows() -> Iterable[list[str]]:
        for i in range(count):
            lat, lon = spots[i % len(spots)]
            if i % 3 == 0:
                yield row(month, lat, lon, "Anti-social behaviour")
            else:
                yield row(month, lat, lon, types[i % len(types)], crime_id(f"{month}:{i}"))

    return write(path, rows())
