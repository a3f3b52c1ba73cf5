"""The Ward summary tab on a real AIM store with the demo's year of reports.

Each test opens the tab as a ward member would and checks what they see: the charts and
their tables, "fewer than 5" and why, the actions the AIM hub recorded, the hexagons and the
overview on the map, the copy kept for offline use, and the PDF.
"""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCharts import QBarCategoryAxis, QChart
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.support.live_store import LiveStore
from tests.support.seeded_store import (
    ACKLAM,
    BERWICK_HILLS,
    PARK_END,
    analyst_adds_action,
    last_month,
)
from tests.ui.fixtures import READY_TIMEOUT_MS, SYNC_TIMEOUT_MS, open_window
from tests.ui.map_page import page_state, run_js
from tests.ui.readability import assert_nothing_clipped, double_text  # noqa: F401 (fixture)
from tests.ui.test_main_window import _access_keys, _internal, _named
from tests.ui.test_tab_order import name_of, reachable, tab_chain
from wardapp.client.profile import Profile
from wardapp.core.periods import latest_published, uk_today
from wardapp.core.summary_schemas import WardSummary
from wardapp.ui.main_window import MainWindow
from wardapp.ui.summary_charts import period_in_words
from wardapp.ui.summary_pdf import day_words
from wardapp.ui.summary_table_model import CellTableModel
from wardapp.ui.ward_summary import WardSummaryView

LOAD_TIMEOUT_MS = 30_000
SMALL_WHY = "Counts of 1 to 4 are not shown, so that nobody can be identified."


@pytest.fixture
def window(
    qtbot: QtBot, tmp_path: Path, warnings: list[str], demo_profile: Profile
) -> Iterator[MainWindow]:
    """The demo councillor's window, once its first sync (which keeps summaries) is done."""
    folder = tmp_path / "page"
    folder.mkdir()
    made = open_window(demo_profile, folder)
    qtbot.waitUntil(lambda: made.sync_status.connection.text() == "Online", timeout=SYNC_TIMEOUT_MS)
    qtbot.waitUntil(lambda: made.map.is_ready, timeout=READY_TIMEOUT_MS)
    yield made
    made.close()
    made.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def open_tab(qtbot: QtBot, window: MainWindow) -> WardSummaryView:
    """View > Ward summary, as from the menu; waits for the first summary."""
    window.summary_action.trigger()
    view = window.summary
    assert window.tabs.currentWidget() is view
    qtbot.waitUntil(lambda: view.review is not None, timeout=LOAD_TIMEOUT_MS)
    return view


def choose(qtbot: QtBot, view: WardSummaryView, kind: str, code: str, period: str) -> None:
    view.choose(kind, code, period)
    qtbot.waitUntil(
        lambda: view.review is not None and view.review.request == (kind, code, period),
        timeout=LOAD_TIMEOUT_MS,
    )


def texts(model: CellTableModel, column: int) -> list[str]:
    return model.column_texts(column)


def with_a_small_count(profile: Profile) -> tuple[str, str, WardSummary]:
    """A ward of the councillor's and a recent month with a category of 1 to 4 reports."""
    for month in latest_published(uk_today(), "month")[:6]:
        for code in (BERWICK_HILLS, PARK_END):
            summary = profile.summaries.ward(code, month.label).value
            if any(c.reason == "small" for c in summary.categories):
                return code, month.label, summary
    raise AssertionError("the demo data has no small count in six months")


def test_the_tab_opens_on_my_ward_for_last_month_with_charts_and_tables(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_tab(qtbot, window)
    assert view.scope.currentText() == "Berwick Hills & Pallister (your ward)"
    assert view.scope.itemText(1) == "Park End & Beckfield (your ward)"
    assert (view.kind.currentText(), view.period.currentText()) == (
        "Month",
        period_in_words(last_month()),
    )
    qtbot.waitUntil(lambda: view.scope.findData("area:west") != -1)
    choices = [view.scope.itemText(i) for i in range(view.scope.count())]
    assert [c.split(" area")[0] for c in choices[-4:]] == ["East", "North", "South", "West"]
    assert choices[-4].startswith("East area (") and choices[-5] == ""  # a separator
    assert choices[3] == "Acklam"  # then every other ward, by name

    assert view.heading.text() == f"Berwick Hills & Pallister, {period_in_words(last_month())}"
    assert view.total.text().startswith(f"Reports in {period_in_words(last_month())}: ")
    assert view.status.text().startswith("Published ")  # the day the month was published
    assert "Last refreshed: " in view.status.text()
    assert "copy kept on this computer" not in view.status.text()
    bars = view.category_chart.chart()
    assert bars.title() == f"Reports by category, {period_in_words(last_month())}"
    assert view.trend_chart.chart().title().startswith("Reports per month, 12 months to ")
    assert texts(view.category_model, 0)[0] == "Anti-social behaviour"
    assert len(texts(view.trend_model, 0)) == 12
    assert texts(view.trend_model, 0)[0] == period_in_words(last_month())


def test_a_small_count_reads_fewer_than_5_with_the_reason(
    qtbot: QtBot, window: MainWindow, demo_profile: Profile
) -> None:
    code, month, summary = with_a_small_count(demo_profile)
    view = open_tab(qtbot, window)
    choose(qtbot, view, "ward", code, month)
    small = next(c for c in summary.categories if c.reason == "small")
    row = texts(view.category_model, 0).index(small.label)
    cell = view.category_model.index(row, 1)
    assert cell.data() == "fewer than 5"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == SMALL_WHY
    axis = view.category_chart.chart().axes(Qt.Orientation.Vertical)[0]
    assert isinstance(axis, QBarCategoryAxis)
    # The bar is empty and its label says why (a long name may be shortened, never the why).
    assert any(
        label.endswith(" — fewer than 5") and small.label.startswith(label[:-15].rstrip("…"))
        for label in axis.categories()
    ), axis.categories()
    withheld = [c for c in summary.categories if c.reason == "withheld"]
    for category in withheld:
        row = texts(view.category_model, 0).index(category.label)
        assert view.category_model.index(row, 1).data() == "not shown"
        assert "cannot be worked out" in view.category_model.cell(row, 1).tooltip
    assert "shown as “fewer than 5”" in view.note.text()


def test_the_actions_table_lists_what_the_hub_recorded(
    qtbot: QtBot, window: MainWindow, seeded_store: LiveStore
) -> None:
    analyst_adds_action(
        seeded_store, [BERWICK_HILLS], "Joint patrols on Pallister Park", note="Bikes seized."
    )
    view = open_tab(qtbot, window)
    view.sections.setCurrentIndex(2)
    assert view.sections.tabText(2) == "Act&ions"
    choose(qtbot, view, "ward", BERWICK_HILLS, last_month())
    model = view.action_model
    rows = [[model.index(r, c).data() for c in range(5)] for r in range(model.rowCount())]
    [row] = [r for r in rows if r[0] == "Joint patrols on Pallister Park"]
    assert row[1] == "Cleveland Police"
    assert row[3] == "On track"
    assert row[4] == f"{day_words(uk_today())}: Bikes seized."
    assert view.action_note.text() == ""

    choose(qtbot, view, "ward", ACKLAM, last_month())  # no action was ever agreed there
    assert model.rowCount() == 0
    assert view.action_note.text() == "No Task and Finish actions are recorded for this ward yet."


def test_the_hexagons_reach_the_map_and_leave_it_with_the_tab(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_tab(qtbot, window)
    assert view.review is not None
    hexes = view.review.summary.hotspots["features"]
    assert hexes, "the demo's busiest ward has hot spots"
    qtbot.waitUntil(lambda: page_state(qtbot, window.map)["hotspots"] == len(hexes))
    state = page_state(qtbot, window.map)
    assert state["hotspotLabels"] == [str(f["properties"]["count"]) for f in hexes]
    assert not state["reportsShown"]  # the councillor's own markers step aside
    assert state["errors"] == []

    window.tabs.setCurrentWidget(window.my_reports)  # the map is for reports again
    qtbot.waitUntil(lambda: page_state(qtbot, window.map)["hotspots"] == 0)
    assert page_state(qtbot, window.map)["reportsShown"]
    window.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: page_state(qtbot, window.map)["hotspots"] == len(hexes))

    choose(qtbot, view, "area", "north", last_month())  # an area: its wards' hexagons
    assert view.heading.text() == f"North area, {period_in_words(last_month())}"
    assert view.review is not None
    area_hexes = view.review.summary.hotspots["features"]
    assert len(area_hexes) >= len(hexes)
    qtbot.waitUntil(lambda: page_state(qtbot, window.map)["hotspots"] == len(area_hexes))


def test_the_overview_colours_every_ward_and_lists_their_totals(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_tab(qtbot, window)
    view.compare.setChecked(True)
    qtbot.waitUntil(lambda: view.overview_model.rowCount() == 20, timeout=LOAD_TIMEOUT_MS)
    assert view.sections.currentIndex() == 3  # All wards
    qtbot.waitUntil(lambda: page_state(qtbot, window.map)["choropleth"] is not None)
    state = page_state(qtbot, window.map)
    assert state["choropleth"]["title"] == f"Reports, {period_in_words(last_month())}"
    assert state["hotspots"] == 0  # one layer at a time
    fills = json.loads(run_js(qtbot, window.map, "JSON.stringify(wardmap.wardFills())"))
    assert view.overview is not None
    for ward in view.overview.value.wards:
        if ward.suppressed:
            assert fills[ward.code] == "hatched", ward.name
        else:
            assert fills[ward.code].startswith("#"), ward.name
    shown = set(texts(view.overview_model, 1))
    hidden = {t for t in shown if not t.isdigit()}
    assert hidden <= {"fewer than 5", "not shown"}
    assert {f"Hatched: {t}" for t in hidden} <= set(state["choropleth"]["legend"])
    assert set(state["choropleth"]["labels"]) == shown

    view.compare.setChecked(False)
    qtbot.waitUntil(lambda: page_state(qtbot, window.map)["choropleth"] is None)
    qtbot.waitUntil(lambda: page_state(qtbot, window.map)["hotspots"] > 0)


def test_offline_the_kept_summary_is_shown_with_when_it_was_refreshed(
    qtbot: QtBot, window: MainWindow, seeded_store: LiveStore
) -> None:
    view = open_tab(qtbot, window)
    online = view.status.text()
    heading = view.heading.text()
    seeded_store.stop()

    view.update_button.click()
    qtbot.waitUntil(lambda: "copy kept on this computer" in view.status.text())
    assert view.status.text().startswith(online)  # the same "Last refreshed: …" as before
    assert "The AIM store cannot be reached." in view.status.text()
    assert view.heading.text() == heading and view.content.isVisible()

    choose_offline = ("ward", "E05009853", last_month())  # Acklam: never fetched here
    view.choose(*choose_offline)
    qtbot.waitUntil(lambda: not view.content.isVisible(), timeout=LOAD_TIMEOUT_MS)
    assert view.status.text() == (
        "The AIM store cannot be reached. No copy of this summary is kept on this computer "
        "yet: try again when you are online."
    )
    assert not view.export_button.isEnabled()
    qtbot.waitUntil(lambda: page_state(qtbot, window.map)["hotspots"] == 0)


def test_export_writes_a_one_page_pdf(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    view = open_tab(qtbot, window)
    target = tmp_path / "ward summary.pdf"
    assert view.export_pdf(target)
    assert target.read_bytes().startswith(b"%PDF")
    assert view.message.text() == f"Saved the summary as {target}."
    assert not view.export_pdf(tmp_path / "no such folder" / "x.pdf")
    assert view.message.text().startswith("The folder ")


def test_every_control_is_named_reachable_by_tab_and_its_access_key_unique(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_tab(qtbot, window)
    buddies = {id(label.buddy()) for label in view.findChildren(QLabel) if label.buddy()}
    focusable = [
        w
        for w in view.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus and _internal(w) is None
    ]
    assert view.scope in focusable and view.action_table in focusable
    assert [w for w in focusable if not _named(w, buddies)] == []

    chain = tab_chain(window, window.place_finder.ward)
    for widget in (view.scope, view.kind, view.period, view.update_button, view.export_button):
        assert widget in chain
    assert view.compare in chain and view.category_table in chain
    assert [w for w in chain if not name_of(w)] == []
    missed = [w for w in view.findChildren(QWidget) if reachable(w, window) and w not in chain]
    assert [m for m in missed if m.focusProxy() is None and _internal(m) is None] == []
    assert {k: v for k, v in _access_keys(window).items() if len(v) > 1} == {}


@pytest.mark.usefixtures("double_text")
def test_at_double_text_size_nothing_is_cut_off(qtbot: QtBot, window: MainWindow) -> None:
    view = open_tab(qtbot, window)
    QApplication.processEvents()
    assert_nothing_clipped(view)
    chart: QChart = view.category_chart.chart()
    assert chart.titleFont().pointSizeF() >= QApplication.font().pointSizeF()
