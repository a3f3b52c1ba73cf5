"""The councillor's own reports: filters, counts, details and what may still change."""

import uuid
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from wardapp.client.reports import MyReport
from wardapp.core.taxonomy import Taxonomy, default_taxonomy
from wardapp.core.wards import default_ward_set
from wardapp.ui.my_reports import MyReportsPanel
from wardapp.ui.my_reports_model import STATUS, status_text

WARDS = {w.code: w.name for w in default_ward_set().wards}
ACKLAM, AYRESOME = "E05009853", "E05009854"


def mine(
    day: str,
    category: str = "asb",
    ward: str | None = ACKLAM,
    sync_state: str = "sent",
    server_status: str | None = "received",
    problem: str | None = None,
    note: str | None = None,
    **report: Any,
) -> MyReport:
    body = {
        "id": str(uuid.uuid4()),
        "category": category,
        "occurred_on": day,
        "occurred_time": None,
        "time_band": "evening",
        "lat": 54.5445,
        "lon": -1.2472,
        "observed_by": "resident",
        "description": f"Seen on {day}",
        "repeat_issue": False,
        "resident_contact": None,
        "captured_at": f"{day}T20:00:00Z",
        "version": 1,
        **report,
    }
    return MyReport(
        report=body,
        sync_state=sync_state,
        problem=problem,
        problem_fields={"occurred_on": problem} if problem else {},
        server_status=server_status,
        status_note=note,
        ward_code=ward,
    )


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return default_taxonomy()


@pytest.fixture
def reports() -> list[MyReport]:
    return [
        mine("2026-03-01", "asb", sync_state="pending", server_status=None),
        mine("2026-05-20", "fly_tipping", AYRESOME, server_status="assessed", note="Passed on"),
        mine("2026-04-11", "graffiti_damage", AYRESOME, sync_state="rejected", problem="Bad date"),
        mine("2026-02-02", "asb", server_status="received"),
        mine("2026-01-05", "drug_use", sync_state="conflict", server_status="closed", problem="x"),
        mine("2026-06-30", "asb", server_status="withdrawn", withdrawn=True),
    ]


@pytest.fixture
def panel(qtbot: QtBot, reports: list[MyReport], taxonomy: Taxonomy) -> MyReportsPanel:
    widget = MyReportsPanel()
    qtbot.addWidget(widget)
    widget.confirm = lambda question: pytest.fail(f"unexpected question: {question}")
    widget.set_reports(reports, WARDS, taxonomy)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def shown(panel: MyReportsPanel, column: int) -> list[str]:
    proxy = panel.proxy
    return [str(proxy.index(row, column).data()) for row in range(proxy.rowCount())]


def choose(panel: MyReportsPanel, combo_text: str, combo: Any) -> None:
    index = combo.findText(combo_text)
    assert index >= 0, f"{combo_text!r} is not offered"
    combo.setCurrentIndex(index)


def click_row(qtbot: QtBot, panel: MyReportsPanel, row: int) -> None:
    rect = panel.table.visualRect(panel.proxy.index(row, 1))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_newest_first_with_status_in_plain_words(panel: MyReportsPanel) -> None:
    assert shown(panel, 0) == [
        "30 Jun 2026",
        "20 May 2026",
        "11 Apr 2026",
        "1 Mar 2026",
        "2 Feb 2026",
        "5 Jan 2026",
    ]
    assert shown(panel, STATUS) == [
        "Withdrawn",
        "Assessed",
        "Not accepted: Bad date",
        "Waiting to send",
        "Received",
        "Changed on the server: x",
    ]
    assert shown(panel, 2)[1] == "Ayresome" and shown(panel, 4)[1] == "Passed on"
    assert panel.count_label.text() == "Showing 6 of 6 reports"


def test_sent_without_a_server_status_is_sent() -> None:
    assert status_text(mine("2026-01-01", server_status=None)) == "Sent"


def test_filters_by_status_ward_and_category(panel: MyReportsPanel) -> None:
    choose(panel, "Needs your attention", panel.status_filter)
    assert shown(panel, STATUS) == ["Not accepted: Bad date", "Changed on the server: x"]
    assert panel.count_label.text() == "Showing 2 of 6 reports"
    choose(panel, "All", panel.status_filter)
    choose(panel, "Ayresome", panel.ward_filter)
    assert panel.count_label.text() == "Showing 2 of 6 reports"
    choose(panel, "Graffiti and criminal damage", panel.category_filter)
    assert shown(panel, 1) == ["Graffiti and criminal damage"]
    assert panel.count_label.text() == "Showing 1 of 6 reports"
    choose(panel, "Waiting to send", panel.status_filter)
    assert panel.count_label.text() == "Showing 0 of 6 reports"


def test_filters_offer_only_what_is_there(panel: MyReportsPanel) -> None:
    wards = [panel.ward_filter.itemText(i) for i in range(panel.ward_filter.count())]
    assert wards == ["All wards", "Acklam", "Ayresome"]
    categories = [panel.category_filter.itemText(i) for i in range(panel.category_filter.count())]
    assert categories[0] == "All categories" and len(categories) == 5


def test_choosing_a_report_shows_it_and_tells_the_window(
    qtbot: QtBot, panel: MyReportsPanel, reports: list[MyReport]
) -> None:
    with qtbot.waitSignal(panel.reportSelected) as chosen:
        click_row(qtbot, panel, 1)
    assert chosen.args == [reports[1].id]
    text = panel.details.toPlainText()
    assert "Category: Fly-tipping" in text and "When: 20 May 2026, in the evening" in text
    assert "Analyst's note: Passed on" in text and "Place: 54.54450, -1.24720 — Ayresome" in text
    with qtbot.waitSignal(panel.showOnMap) as shown_on_map:
        qtbot.mouseClick(panel.map_button, Qt.MouseButton.LeftButton)
    assert shown_on_map.args == [reports[1].id]


def test_an_assessed_report_can_no_longer_change(
    qtbot: QtBot, panel: MyReportsPanel, reports: list[MyReport]
) -> None:
    panel.select_report(reports[1].id)
    assert not reports[1].can_change
    assert not panel.withdraw_button.isEnabled() and not panel.correct_button.isEnabled()
    assert panel.map_button.isEnabled()
    assert "can no longer be corrected" in panel.details.toPlainText()


def test_withdraw_asks_first(qtbot: QtBot, panel: MyReportsPanel, reports: list[MyReport]) -> None:
    received = reports[3]
    panel.select_report(received.id)
    assert panel.withdraw_button.isEnabled() and panel.correct_button.isEnabled()
    questions: list[str] = []
    panel.confirm = lambda question: questions.append(question) is not None
    with qtbot.assertNotEmitted(panel.withdrawRequested):
        qtbot.mouseClick(panel.withdraw_button, Qt.MouseButton.LeftButton)
    assert "Withdraw your report of Anti-social behaviour on 2 February 2026?" in questions[0]
    panel.confirm = lambda _question: True
    with qtbot.waitSignal(panel.withdrawRequested) as withdrawn:
        qtbot.mouseClick(panel.withdraw_button, Qt.MouseButton.LeftButton)
    assert withdrawn.args == [received.id]
    with qtbot.waitSignal(panel.correctRequested) as corrected:
        qtbot.mouseClick(panel.correct_button, Qt.MouseButton.LeftButton)
    assert corrected.args == [received.id]


def test_which_reports_may_change(reports: list[MyReport]) -> None:
    assert [r.can_change for r in reports] == [True, False, True, True, False, False]


def test_selection_survives_a_refresh(
    qtbot: QtBot, panel: MyReportsPanel, reports: list[MyReport], taxonomy: Taxonomy
) -> None:
    panel.select_report(reports[2].id)
    newer = [mine("2026-07-01"), *reports]
    with qtbot.assertNotEmitted(panel.reportSelected):
        panel.set_reports(newer, WARDS, taxonomy)
    assert panel.selected_id() == reports[2].id
    assert "To fix — Date: Bad date" in panel.details.toPlainText()
    panel.set_reports(newer[:1], WARDS, taxonomy)
    assert panel.selected_id() is None and not panel.map_button.isEnabled()


def test_refresh_keeps_the_filters(
    panel: MyReportsPanel, reports: list[MyReport], taxonomy: Taxonomy
) -> None:
    choose(panel, "Ayresome", panel.ward_filter)
    panel.set_reports(reports[:3], WARDS, taxonomy)
    assert panel.ward_filter.currentText() == "Ayresome"
    assert panel.count_label.text() == "Showing 2 of 3 reports"


def test_selecting_from_the_map_clears_a_hiding_filter(
    panel: MyReportsPanel, reports: list[MyReport]
) -> None:
    choose(panel, "Ayresome", panel.ward_filter)
    panel.select_report(reports[0].id)
    assert panel.ward_filter.currentText() == "All wards"
    assert panel.selected_id() == reports[0].id


def test_no_reports_yet(qtbot: QtBot, taxonomy: Taxonomy) -> None:
    panel = MyReportsPanel()
    qtbot.addWidget(panel)
    panel.set_reports([], WARDS, taxonomy)
    assert "No reports yet" in panel.count_label.text()
    assert not panel.map_button.isEnabled()


def test_every_focusable_widget_has_a_name(panel: MyReportsPanel) -> None:
    unnamed = [
        type(w).__name__
        for w in panel.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and w.focusProxy() is None
        and w.window() is panel.window()
        and not w.accessibleName().strip()
    ]
    assert unnamed == []
