"""Any CSV extract (warden logs, 101 calls, council systems) through a TOML mapping file.

The mapping names the source, which header holds each field, how dates are written, the
file's encoding and how the file's category values map to the taxonomy's codes. A mapping
that cannot work refuses the import before a row is read; a row it cannot place is
rejected with its line and what to fix, and the rest are kept.
"""

import re
import tomllib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from wardapp.core.gridref import to_lat_lon
from wardapp.core.importfile import ENCODINGS, FileRefused, Row, RowError, plain_text, records
from wardapp.core.police_uk import KEY_MAX, parse_point

# Lower case letters, digits, '_' and '-'; the names the store gives itself are not offered.
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
RESERVED_SOURCES = ("wardapp", "councillor", "police_uk")
_FIELDS = ("id", "occurred_on", "category", "lat", "lon", "easting", "northing", "description")


@dataclass(frozen=True)
class CsvMapping:
    source: str
    date_format: str
    encoding: str
    columns: Mapping[str, str]
    categories: Mapping[str, str] = field(default_factory=dict)

    @property
    def required(self) -> list[str]:
        return list(self.columns.values())

    @property
    def grid(self) -> bool:
        return "easting" in self.columns


def load_mapping(text: str, codes: Collection[str]) -> CsvMapping:
    """Parses and checks a mapping file's text against the taxonomy's category codes."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FileRefused(f"The mapping is not valid TOML: {exc}.") from None
    source = _text(data, "source")
    if not _SOURCE.fullmatch(source) or source in RESERVED_SOURCES or source.startswith("open311"):
        raise FileRefused(
            f"The mapping's source {source!r} cannot be used: give a short name of lower-case "
            "letters, digits, '_' or '-' (such as \"warden\" or \"101\"), not "
            f"{', '.join(RESERVED_SOURCES)} or open311."
        )
    date_format = _text(data, "date_format", "%Y-%m-%d")
    encoding = _text(data, "encoding", "utf-8").lower()
    if encoding not in ENCODINGS:
        raise FileRefused(f"The mapping's encoding {encoding!r} is not one of: utf-8, cp1252.")
    columns = _table(data, "columns")
    unknown = sorted(set(columns) - set(_FIELDS))
    if unknown:
        raise FileRefused(
            f"[columns] names unknown field(s) {', '.join(unknown)}; known: {', '.join(_FIELDS)}."
        )
    for needed in ("id", "occurred_on", "category"):
        if needed not in columns:
            raise FileRefused(f'[columns] needs {needed} = "the header of that column".')
    located = ("lat" in columns and "lon" in columns) or (
        "easting" in columns and "northing" in columns
    )
    if not located or (("lat" in columns) == ("easting" in columns)):
        raise FileRefused("[columns] needs either lat and lon, or easting and northing.")
    categories = _table(data, "categories") if "categories" in data else {}
    wrong = sorted({code for code in categories.values() if code not in codes})
    if wrong:
        raise FileRefused(
            f"[categories] maps to unknown code(s) {', '.join(wrong)}; "
            f"the codes are: {', '.join(sorted(codes))}."
        )
    try:
        datetime.now().strftime(date_format)
    except ValueError:
        raise FileRefused(f"date_format {date_format!r} is not a strftime format.") from None
    return CsvMapping(source, date_format, encoding, columns, categories)


def _text(data: dict[str, Any], name: str, default: str | None = None) -> str:
    value = data.get(name, default)
    if not isinstance(value, str) or not value:
        raise FileRefused(f'The mapping needs {name} = "..." (a text value).')
    return value


def _table(data: dict[str, Any], name: str) -> dict[str, str]:
    table = data.get(name)
    if not isinstance(table, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in table.items()
    ):
        raise FileRefused(f'The mapping needs a [{name}] table of "name" = "value" lines.')
    return table


def parse_rows(path: Path, mapping: CsvMapping, codes: Collection[str]) -> Iterator[Row | RowError]:
    """Every record of a file already checked with ``mapping.required`` and its encoding."""
    for line, cells in records(path, mapping.encoding):
        if isinstance(cells, str):
            yield RowError(line, cells)
            continue
        try:
            yield _parse(line, cells, mapping, codes)
        except ValueError as exc:
            yield RowError(line, str(exc))


def _parse(line: int, cells: dict[str, str], m: CsvMapping, codes: Collection[str]) -> Row:
    column = m.columns
    key = cells[column["id"]].strip()
    if not key:
        raise ValueError(f"{column['id']} is empty: every row needs its reference.")
    if len(key) > KEY_MAX:
        raise ValueError(f"{column['id']} is longer than {KEY_MAX} characters.")
    value = cells[column["category"]].strip()
    category = m.categories.get(value) if m.categories else (value if value in codes else None)
    if category is None:
        raise ValueError(
            f"{column['category']} {value!r} is not in the mapping's [categories]: add "
            f'"{value}" = "<code>" there.'
        )
    occurred_on = _date(cells[column["occurred_on"]].strip(), column["occurred_on"], m)
    point = _point(cells, m)
    description = cells[column["description"]].strip() if "description" in column else ""
    return Row(
        line=line,
        key=key,
        category=category,
        occurred_on=occurred_on,
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        description=plain_text(description),
        month_only="%d" not in m.date_format and "%j" not in m.date_format,
    )


def _date(text: str, header: str, m: CsvMapping) -> date:
    try:
        return datetime.strptime(text, m.date_format).date()
    except ValueError:
        example = date(2026, 10, 14).strftime(m.date_format)
        raise ValueError(
            f"{header} {text!r} is not a date written as {m.date_format} (such as {example})."
        ) from None


def _point(cells: dict[str, str], m: CsvMapping) -> tuple[float, float] | None:
    column = m.columns
    if not m.grid:
        return parse_point(cells[column["lat"]], cells[column["lon"]])
    east, north = cells[column["easting"]].strip(), cells[column["northing"]].strip()
    if not east and not north:
        return None
    try:
        easting, northing = float(east), float(north)
    except ValueError:
        raise ValueError(
            f"{column['easting']} {east!r} / {column['northing']} {north!r} is not a pair of "
            "numbers: write grid eastings and northings in metres."
        ) from None
    return to_lat_lon(easting, northing)
