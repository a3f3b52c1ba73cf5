"""Reports prepared off the UI thread: the snapshot says what the table and map show, and a
sync that only changes statuses updates the table in place."""

import dataclasses
import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.ui.map_page import page_state
from tests.ui.test_my_reports import WARDS, mine
from wardapp.client.reports import mine_from_record, record_of
from wardapp.core.taxonomy import default_taxonomy
from wardapp.core.wards import default_ward_set
from wardapp.ui.map_view import MapView
from wardapp.ui.my_reports import MyReportsPanel
from wardapp.ui.my_reports_model import STATUS
from wardapp.ui.report_rows import make_snapshot, map_parts


def test_a_record_is_the_report_it_came_from() -> None:
    report = mine("2026-03-01", sync_state="rejected", problem="Bad date", note="Look again")
    assert mine_from_record(record_of(report)) == report


def test_map_parts_put_together_are_every_point() -> None:
    reports = [mine(f"2026-01-{day:02d}") for day in range(1, 26)]
    parts = [json.loads(part) for part in map_parts(reports, size=10)]
    assert [p["index"] for p in parts] == [0, 1, 2] and {p["count"] for p in parts} == {3}
    ids = [report_id for part in parts for report_id in part["id"]]
    assert ids == [r.id for r in reports]
    assert parts[0]["status"][0] == "received" and parts[0]["date"][0] == "2026-01-01"
    assert json.loads(map_parts([])[0]) == {
        "index": 0,
        "count": 1,
        **{name: [] for name in ("id", "lat", "lon", "status", "category", "date")},
    }


def test_a_sync_changes_the_table_in_place_keeping_the_choice(qtbot: QtBot) -> None:
    """Same reports, new statuses: a data change, not a reset or a new layout."""
    taxonomy = default_taxonomy()
    pending = [mine(f"2026-02-{day:02d}", sync_state="pending") for day in range(1, 21)]
    panel = MyReportsPanel()
    qtbot.addWidget(panel)
    panel.set_snapshot(make_snapshot(pending, WARDS, taxonomy))
    panel.select_report(pending[5].id)
    resets: list[str] = []
    panel.proxy.modelReset.connect(lambda: resets.append("reset"))
    panel.proxy.layoutChanged.connect(lambda: resets.append("layout"))
    sent = [dataclasses.replace(r, sync_state="sent") for r in pending]
    with qtbot.waitSignal(panel.proxy.dataChanged):
        panel.set_snapshot(make_snapshot(sent, WARDS, taxonomy))
    assert resets == []
    assert panel.selected_id() == pending[5].id
    shown = [panel.proxy.index(row, STATUS).data() for row in range(panel.proxy.rowCount())]
    assert shown == ["Received"] * 20
    assert "Status: Received" in panel.details.toPlainText()


def test_a_long_list_reaches_the_map_in_parts(qtbot: QtBot, tmp_path: Path) -> None:
    view = MapView(default_ward_set(), default_taxonomy(), tmp_path)
    qtbot.addWidget(view)
    view.show()
    view.show_reports([mine("2026-03-01")])  # before the page is ready: waits, then replaced
    reports = [mine(f"2026-03-{1 + i % 28:02d}") for i in range(2500)]
    view.show_reports(reports)
    qtbot.waitUntil(lambda: view.is_ready, timeout=30_000)
    qtbot.waitUntil(lambda: page_state(qtbot, view)["reports"] == 2500, timeout=10_000)
    assert page_state(qtbot, view)["errors"] == []
