"""Reading an import file: refused whole before anything is written, then streamed row by row.

A file is checked end to end first (size, encoding, CSV structure, header), in one pass that
holds a single line at a time, so a problem on its last line refuses the file before its
first row is stored. The second pass yields records with the line each starts on (the
header is line 1), which is what an error message names.
"""

import codecs
import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

from wardapp.core.report import DESCRIPTION_MAX

# Imported text meets the wire format's rules, so every list and export that shows it works.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(value: str) -> str:
    """A description as the wire format takes it: no control characters, at most its length."""
    return _CONTROL.sub(" ", value.strip())[:DESCRIPTION_MAX].strip()


ENCODINGS = {"utf-8": "utf-8-sig", "utf-8-sig": "utf-8-sig", "cp1252": "cp1252"}
_CHUNK = 1 << 20


class FileRefused(ValueError):
    """The file as a whole cannot be imported; the message says what to fix. Nothing changed."""


@dataclass(frozen=True, slots=True)
class Row:
    """One record ready to store; ``lat``/``lon`` None means the file gave no location."""

    line: int
    key: str
    category: str
    occurred_on: date
    lat: float | None
    lon: float | None
    description: str = ""
    month_only: bool = False


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str


@dataclass(frozen=True)
class Checked:
    """What the first pass found: the header as written and how many records follow it."""

    header: list[str]
    records: int


def codec_of(encoding: str) -> str:
    try:
        return ENCODINGS[encoding.lower()]
    except KeyError:
        raise FileRefused(
            f"Unknown encoding {encoding!r}: use one of {', '.join(sorted(ENCODINGS))}."
        ) from None


@dataclass(frozen=True)
class FileLimits:
    """How large an import file may be (settings MAX_IMPORT_BYTES and MAX_IMPORT_ROWS)."""

    max_bytes: int
    max_rows: int


def check_file(
    path: Path, encoding: str, required: Sequence[str], limits: FileLimits, name: str = ""
) -> Checked:
    """Refuses an empty, oversized, undecodable or malformed file, or one missing a column."""
    shown = name or path.name
    size = path.stat().st_size
    if size == 0:
        raise FileRefused(f"{shown} is empty: export it again with its header row.")
    if size > limits.max_bytes:
        raise FileRefused(
            f"{shown} is {size:,} bytes, over the limit of {limits.max_bytes:,}: split it into "
            "smaller files (for example one per month)."
        )
    _check_encoding(path, codec_of(encoding), shown)
    with open_text(path, encoding) as text:
        reader = csv.reader(text, strict=True)
        try:
            header = next(reader, None)
            if header is None or not any(cell.strip() for cell in header):
                raise FileRefused(f"{shown} has no header row: the first line names the columns.")
            records = sum(1 for record in reader if record)
        except csv.Error as exc:
            raise FileRefused(
                f"{shown} is not a well-formed CSV file (line {reader.line_num}: {exc})."
            ) from None
    if records > limits.max_rows:
        raise FileRefused(
            f"{shown} has {records:,} rows, over the limit of {limits.max_rows:,}: split it "
            "into smaller files (for example one per month)."
        )
    header = [cell.strip() for cell in header]
    missing = [column for column in required if column not in header]
    if missing:
        raise FileRefused(
            f"{shown} lacks the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(m) for m in missing)}; its header has: "
            f"{', '.join(repr(h) for h in header[:20])}."
        )
    return Checked(header, records)


def _check_encoding(path: Path, codec: str, shown: str) -> None:
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    offset = 0
    with path.open("rb") as raw:
        while chunk := raw.read(_CHUNK):
            if b"\0" in chunk:
                raise FileRefused(f"{shown} is not a text CSV file (it holds NUL bytes).")
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise FileRefused(
                    f"{shown} is not {_said(codec)} text (byte 0x{chunk[exc.start]:02x} at "
                    f"offset {offset + exc.start:,}): save it as CSV UTF-8, or set the "
                    'mapping\'s encoding (for example encoding = "cp1252").'
                ) from None
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise FileRefused(
                f"{shown} ends in the middle of a {_said(codec)} character."
            ) from None


def _said(codec: str) -> str:
    return "UTF-8" if codec == "utf-8-sig" else codec


def open_text(path: Path, encoding: str) -> TextIO:
    return path.open(encoding=codec_of(encoding), newline="")


def records(path: Path, encoding: str) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line, cells by header name) for each non-blank record after the header, or (line,
    what is wrong) for a record with more or fewer cells than the header."""
    with open_text(path, encoding) as text:
        reader = csv.reader(text, strict=True)
        header = [cell.strip() for cell in next(reader)]
        last = reader.line_num
        for cells in reader:
            line, last = last + 1, reader.line_num
            if not cells:
                continue
            if len(cells) != len(header):
                yield (
                    line,
                    (
                        f"This line has {len(cells)} values where the header has {len(header)} "
                        "columns: check for a missing comma or an unquoted comma in a value."
                    ),
                )
            else:
                yield line, dict(zip(header, cells, strict=True))
