"""The councillor's reports made ready to show, off the UI thread, in one snapshot.

Turning 10,000 reports into table texts, sort keys, filter choices and map data takes a
noticeable part of a second in Python. ``ReportsFeed`` does it on the engine's thread that
read the reports and hands the finished snapshot to the window, whose own work is then a
few list swaps and one message to the map per part.
"""

import json
import queue
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal

from wardapp.client.reports import MyReport, mine_from_record, record_of
from wardapp.core.taxonomy import Taxonomy
from wardapp.ui import background
from wardapp.ui.report_status import STATUS_STYLES, status_key

COLUMNS = ("Date", "Category", "Ward", "Status", "Analyst's note")
DATE, CATEGORY, WARD, STATUS, NOTE = range(len(COLUMNS))
MAP_PART_SIZE = 1000  # points per message to the map: a few ms of the UI thread each
_EMPTY: tuple[tuple[str, ...], ...] = ((),) * len(COLUMNS)
RELEASE_CHUNK = 256  # objects freed at a time when a snapshot is let go


def status_text(mine: MyReport) -> str:
    """Where the report is, in the words a councillor would use."""
    if mine.sync_state == "pending" and mine.report.get("withdrawn") is True:
        return "Withdrawal waiting to send"
    if mine.sync_state == "rejected":
        return f"Not accepted: {mine.problem or 'the AIM store refused it'}"
    if mine.sync_state == "conflict":
        return f"Changed on the server: {mine.problem or 'the AIM store has another version'}"
    return STATUS_STYLES[status_key(mine)].label


def category_label(code: Any, taxonomy: Taxonomy) -> str:
    category = taxonomy.get(str(code))
    return category.label if category is not None else str(code or "No category")


def ward_label(code: str | None, ward_names: Mapping[str, str]) -> str:
    if code is None:
        return "Not yet known"
    return ward_names.get(code, code)


def nice_date(value: Any, long: bool = False) -> str:
    """ "14 Oct 2026" in the table, "14 October 2026" in the detail; as given if not a date."""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    return f"{day.day} {day:%B %Y}" if long else f"{day.day} {day:%b %Y}"


def row_texts(
    mine: MyReport, ward_names: Mapping[str, str], taxonomy: Taxonomy
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """One row's texts as displayed, and its sort keys, one of each per column."""
    report = mine.report
    texts = (
        nice_date(report.get("occurred_on")),
        category_label(report.get("category"), taxonomy),
        ward_label(mine.ward_code, ward_names),
        status_text(mine),
        mine.status_note or "",
    )
    date_key = f"{report.get('occurred_on', '')} {report.get('captured_at', '')}"
    return texts, (date_key, *(text.casefold() for text in texts[1:]))


Point = tuple[str, Any, Any, str, Any, Any]  # id, lat, lon, status key, category, date


def point(mine: MyReport) -> Point:
    r = mine.report
    return (mine.id, r["lat"], r["lon"], status_key(mine), r["category"], r["occurred_on"])


def map_parts(reports: Sequence[MyReport], size: int = MAP_PART_SIZE) -> list[str]:
    """The reports' points for wardmap.js in parts of ``size``, column by column (compact)."""
    return points_parts([point(r) for r in reports], size)


def points_parts(points: Sequence[Point], size: int = MAP_PART_SIZE) -> list[str]:
    parts = [points[start : start + size] for start in range(0, len(points), size)] or [[]]
    names = ("id", "lat", "lon", "status", "category", "date")
    return [
        json.dumps(
            {
                "index": index,
                "count": len(parts),
                **{name: [p[i] for p in part] for i, name in enumerate(names)},
            },
            separators=(",", ":"),
        )
        for index, part in enumerate(parts)
    ]


def _ranks(keys: Sequence[str]) -> tuple[int, ...]:
    """Dense ranks (equal keys, equal rank): sorting rows by rank is sorting them by key, but
    with a C-level key function, so the UI thread sorts 10,000 rows in a millisecond or two."""
    rank = {key: i for i, key in enumerate(sorted(set(keys)))}
    return tuple(rank[key] for key in keys)


@dataclass(frozen=True)
class ReportsSnapshot:
    """Everything the window shows of the reports at one moment, column by column.

    Reports are kept as tuples of their fields and columns as tuples of strings: the garbage
    collector stops tracking those, where 10,000 objects (a MyReport or a row object per
    report) would be walked by every full collection, holding the GIL, whatever thread runs it.
    """

    records: tuple[tuple[Any, ...], ...]  # ``reports.RECORD_FIELDS`` (``mine`` makes a MyReport)
    category_codes: tuple[Any, ...]  # each row's category code, for the filter
    ids: tuple[str, ...]
    row_of: Mapping[str, int]
    texts: tuple[tuple[str, ...], ...]  # per column, each row's text as displayed
    keys: tuple[tuple[str, ...], ...]  # per column, each row's sort key
    ranks: tuple[tuple[int, ...], ...]  # per column, each row's place in sorted order
    newest_first: tuple[int, ...]  # the rows in the table's first order (by date, descending)
    distinct: tuple[frozenset[str], ...]  # per column, every text shown (to size columns)
    statuses: tuple[str, ...]  # each row's status key, for the filter
    wards: Mapping[str | None, str]  # the ward filter's choices
    categories: Mapping[Any, str]  # the category filter's choices
    map_parts: tuple[str, ...]
    ward_names: Mapping[str, str]
    taxonomy: Taxonomy

    def mine(self, row: int) -> MyReport:
        return mine_from_record(self.records[row])

    def ward_code(self, row: int) -> str | None:
        code: str | None = self.records[row][6]
        return code

    def category(self, row: int) -> Any:
        return self.category_codes[row]


def make_snapshot(
    reports: Sequence[MyReport], ward_names: Mapping[str, str], taxonomy: Taxonomy
) -> ReportsSnapshot:
    return snapshot_of_records([record_of(r) for r in reports], ward_names, taxonomy)


def snapshot_of_records(
    records: Sequence[tuple[Any, ...]], ward_names: Mapping[str, str], taxonomy: Taxonomy
) -> ReportsSnapshot:
    """From ``ReportBook.all_records``: each report is read once, its texts and point kept,
    and let go at once (nothing big to free, nothing for the collector to walk)."""
    rows_texts: list[tuple[str, ...]] = []
    rows_keys: list[tuple[str, ...]] = []
    points: list[Point] = []
    for record in records:
        mine = mine_from_record(record)
        row, sort_keys = row_texts(mine, ward_names, taxonomy)
        rows_texts.append(row)
        rows_keys.append(sort_keys)
        points.append(point(mine))
    texts: tuple[tuple[str, ...], ...] = tuple(zip(*rows_texts, strict=True)) or _EMPTY
    keys: tuple[tuple[str, ...], ...] = tuple(zip(*rows_keys, strict=True)) or _EMPTY
    ids = tuple(p[0] for p in points)
    ranks = tuple(_ranks(column) for column in keys)
    ward_codes = [record[6] for record in records]
    category_codes = tuple(p[4] for p in points)
    return ReportsSnapshot(
        records=tuple(records),
        category_codes=category_codes,
        ids=ids,
        row_of={report_id: i for i, report_id in enumerate(ids)},
        texts=texts,
        keys=keys,
        ranks=ranks,
        newest_first=tuple(sorted(range(len(ids)), key=ranks[DATE].__getitem__, reverse=True)),
        distinct=tuple(frozenset(column) for column in texts),
        statuses=tuple(p[3] for p in points),
        wards=dict(zip(ward_codes, texts[WARD], strict=True)),
        categories=dict(zip(category_codes, texts[CATEGORY], strict=True)),
        map_parts=tuple(points_parts(points)),
        ward_names=ward_names,
        taxonomy=taxonomy,
    )


class ReportsFeed(QObject):
    """Prepares snapshots on the thread that calls ``prepare``; ``ready`` reaches the UI.

    Connect the engine's ``reportsChanged`` to ``prepare`` with a direct connection, so the
    work happens on the engine's thread, never the UI thread.
    """

    ready = Signal(object)  # ReportsSnapshot

    def __init__(
        self, ward_names: Mapping[str, str], taxonomy: Taxonomy, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ward_names = dict(ward_names)
        self.taxonomy = taxonomy

    def prepare(self, records: list[tuple[Any, ...]]) -> None:
        """``records`` as ``ReportBook.all_records`` gives them."""
        self.ready.emit(snapshot_of_records(records, self.ward_names, self.taxonomy))


_released: "queue.SimpleQueue[list[ReportsSnapshot]]" = queue.SimpleQueue()
_releaser: list[threading.Thread] = []
_releaser_lock = threading.Lock()


def release(box: list[ReportsSnapshot]) -> None:
    """Lets go of a snapshot on another thread, a few hundred objects at a time.

    Freeing 10,000 reports at once is one C call that holds the GIL for tens of ms, a stall
    of the UI thread wherever it happens. The caller puts its last reference in ``box`` and
    keeps no other; the releaser takes it out of the box, so it is freed over there.
    """
    with _releaser_lock:
        if not _releaser:
            _releaser.append(background.start(_release_forever, "release"))
    _released.put(box)


def _release_forever() -> None:
    while True:
        box = _released.get()
        snapshot = box.pop()
        del box
        pieces: list[list[object]] = [list(snapshot.records), list(snapshot.ids)]
        for columns in (snapshot.texts, snapshot.keys, snapshot.ranks):
            pieces.extend(list(column) for column in columns)
        del snapshot  # only the containers go now: what they held lives on in ``pieces``
        for piece in pieces:
            while piece:
                del piece[-RELEASE_CHUNK:]
