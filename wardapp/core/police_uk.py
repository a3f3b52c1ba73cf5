"""police.uk street-level crime and anti-social behaviour CSV, exactly as published.

Each force publishes one file a month. Crimes carry a ``Crime ID``; anti-social behaviour
rows do not, so their key is a hash of the columns a later download does not revise, plus
how many identical rows came before it in the file: two identical rows are two incidents,
and the same file imported again gives the same keys. The crime-type mapping is data
(resources/sources/police_uk_categories.json). Contains public sector information licensed
under the Open Government Licence v3.0.
"""

import hashlib
import math
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import date
from functools import cache
from pathlib import Path

from wardapp.core.importfile import Row, RowError, plain_text, records
from wardapp.core.resources import read_json

SOURCE = "police_uk"
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
CATEGORIES = "sources/police_uk_categories.json"
COLUMNS = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)
# Not revised by later downloads (LSOA and outcome columns are), so they identify an ASB row.
_IDENTITY = (
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "Crime type",
)
KEY_MAX = 200


@cache
def crime_type_categories() -> tuple[Mapping[str, str], str]:
    data = read_json(CATEGORIES)
    return dict(data["crime_types"]), str(data["default"])


def parse_rows(path: Path) -> Iterator[Row | RowError]:
    """Every record of a checked file (``importfile.check_file`` with ``COLUMNS``)."""
    types, default = crime_type_categories()
    seen: Counter[bytes] = Counter()  # identical ASB rows so far: 16 bytes each, not the row
    for line, cells in records(path, "utf-8"):
        if isinstance(cells, str):
            yield RowError(line, cells)
            continue
        yield _parse(line, cells, types, default, seen)


def _parse(
    line: int, cells: dict[str, str], types: Mapping[str, str], default: str, seen: Counter[bytes]
) -> Row | RowError:
    crime_id = cells["Crime ID"].strip()
    crime_type = cells["Crime type"].strip()
    if not crime_type:
        return RowError(line, "Crime type is empty: give the police.uk crime type of this row.")
    try:
        month = parse_month(cells["Month"])
        point = parse_point(cells["Latitude"], cells["Longitude"])
    except ValueError as exc:
        return RowError(line, str(exc))
    if crime_id:
        if len(crime_id) > KEY_MAX:
            return RowError(line, f"Crime ID is longer than {KEY_MAX} characters.")
        key = crime_id
    else:
        identity = hashlib.blake2b(
            "\x1f".join(cells[c].strip() for c in _IDENTITY).encode(), digest_size=16
        ).digest()
        key = f"asb:{identity.hex()}:{seen[identity]}"
        seen[identity] += 1
    location = cells["Location"].strip()
    return Row(
        line=line,
        key=key,
        category=types.get(crime_type, default),
        occurred_on=month,
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        description=plain_text(f"{crime_type}, {location}" if location else crime_type),
        month_only=True,
    )


def parse_month(text: str) -> date:
    value = text.strip()
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(f"Month {value!r} is not a month written as YYYY-MM.") from None


def parse_point(lat_text: str, lon_text: str) -> tuple[float, float] | None:
    """(lat, lon), or None when the file gives no location ("No Location" rows)."""
    lat_text, lon_text = lat_text.strip(), lon_text.strip()
    if not lat_text and not lon_text:
        return None
    lat = _number("Latitude", lat_text, 90)
    lon = _number("Longitude", lon_text, 180)
    return lat, lon


def _number(name: str, text: str, bound: float) -> float:
    if not text:
        raise ValueError(f"{name} is empty while the other coordinate is given: give both.")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} {text!r} is not a number: write decimal degrees.") from None
    if not math.isfinite(value) or abs(value) > bound:
        raise ValueError(f"{name} {text!r} is out of range (-{bound} to {bound}).")
    return value
