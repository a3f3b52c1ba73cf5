"""Text taken from the URL: short and printable, whether in the path or the query.

A NUL byte or a megabyte of text is refused (422) before it reaches the database, where
PostgreSQL refuses NUL in text and the request would end as a 500.
"""

from typing import Annotated

from fastapi import Path, Query

PRINTABLE = r"^[^\x00-\x1f\x7f]+$"

# Path parameters: every text one has this check (tests/aimstore/test_request_limits.py
# tries a NUL byte in each).
WardCodePath = Annotated[str, Path(min_length=1, max_length=16, pattern=PRINTABLE)]
AreaCodePath = WardCodePath
UsernamePath = Annotated[str, Path(min_length=1, max_length=64, pattern=PRINTABLE)]
# Report ids are UUIDs; a longer one is simply not found (404), as an unknown one is.
ReportIdPath = Annotated[str, Path(min_length=1, pattern=PRINTABLE)]

WardCodeQuery = Annotated[str | None, Query(max_length=16, pattern=PRINTABLE)]
CategoryCodeQuery = Annotated[str | None, Query(max_length=40, pattern=PRINTABLE)]
