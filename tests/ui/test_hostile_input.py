"""Script and markup in what people type, or a store sends, shown as the literal text.

Descriptions, notes, action titles, usernames, error messages, ward, area and category
names each get markup that Qt's rich text, Chromium or a PDF writer would act on; the test
reads back what a person would see: the label's text and format, the chart's labels, the
words on the rendered PDF page, the map page's DOM.
"""

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.map_page import READY_TIMEOUT_MS, page_state, run_js
from tests.ui.test_my_reports import mine
from tests.ui.test_summary_pdf import (
    make_actions,
    make_summary,
    map_picture,
    page_text,
    read_pdf,
)
from wardapp.client.summaries import Review
from wardapp.client.sync import SyncResult
from wardapp.core.schemas import ActionUpdateOut, WardActions
from wardapp.core.summary_schemas import WardSummary
from wardapp.core.taxonomy import Category, Taxonomy, default_taxonomy
from wardapp.core.wards import default_ward_set
from wardapp.ui import plain_text
from wardapp.ui.map_view import MapView
from wardapp.ui.my_reports import MyReportsPanel
from wardapp.ui.report_form import ReportForm
from wardapp.ui.sign_in import SignInDialog
from wardapp.ui.summary_pdf import export_summary_pdf
from wardapp.ui.summary_table_model import CellTableModel
from wardapp.ui.summary_text import Cell
from wardapp.ui.sync_status import SyncStatus
from wardapp.ui.ward_summary import WardSummaryView


def hostile(field: str) -> str:
    """Markup a rich-text renderer would act on: bold, an image from disk, a link."""
    return f"{field} <b>bold</b><img src='file:///etc/hostname'><a href='https://e.example'>go</a>"


def flat(text: str) -> str:
    """Text with all white space removed: the PDF wraps long words wherever it must."""
    return "".join(text.split())


def shows_literally(label: QLabel, text: str) -> bool:
    return label.textFormat() == Qt.TextFormat.PlainText and text in label.text()


# --- Qt labels and message boxes ------------------------------------------------------------


def test_a_store_error_in_the_sync_bar_is_plain_text(qtbot: QtBot) -> None:
    bar = SyncStatus()
    qtbot.addWidget(bar)
    message = hostile("Store error")
    bar.finished(SyncResult(error=message))
    assert shows_literally(bar.error, message)


def test_a_sign_in_refusal_is_plain_text(qtbot: QtBot) -> None:
    dialog = SignInDialog(server_url="https://aim.example")
    qtbot.addWidget(dialog)
    message = hostile("Unknown user")
    dialog.show_error(message)
    assert shows_literally(dialog.error, message)


def test_category_help_and_the_ward_name_on_the_form_are_plain_text(qtbot: QtBot) -> None:
    categories = default_taxonomy().categories
    first = Category(code=categories[0].code, label=hostile("Label")[:80], help=hostile("Help"))
    form = ReportForm(Taxonomy(version=99, categories=(first, *categories[1:])))
    qtbot.addWidget(form)
    form.category.setCurrentIndex(form.category.findData(first.code))
    assert shows_literally(form.category_help, hostile("Help"))
    form.set_location(54.55, -1.2, hostile("Ward"))
    assert shows_literally(form.place, hostile("Ward"))
    form.show_errors(hostile("Refused"), {})
    assert shows_literally(form.form_error, hostile("Refused"))
    form.show_errors("Fix the report", {"description": hostile("Too long")})
    assert every_label_with_markup_is_plain(form) == []


def every_label_with_markup_is_plain(widget: QWidget) -> list[str]:
    """Labels that hold "<" but would draw it as rich text: none may exist."""
    return [
        label.text()
        for label in widget.findChildren(QLabel)
        if "<" in label.text() and label.textFormat() != Qt.TextFormat.PlainText
    ]


def short(field: str) -> str:
    """Markup short enough to be printed whole in the PDF's narrower places."""
    return f"{field}<b>b</b><img src=x>"


def hostile_summary() -> WardSummary:
    summary = make_summary(ward={"code": "E05009855", "name": short("Ward")})
    categories = [
        c.model_copy(update={"label": f"Cat{i} <b>x</b><img src=x>"})
        for i, c in enumerate(summary.categories)
    ]
    return summary.model_copy(update={"categories": categories})


def hostile_actions() -> WardActions:
    actions = make_actions()
    at = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    items = [
        item.model_copy(
            update={
                "title": hostile(f"Action{i}"),
                "lead_agency": short(f"Agency{i}"),
                "last_update": ActionUpdateOut(at=at, on=at.date(), note=short(f"Note{i}")),
            }
        )
        for i, item in enumerate(actions.items)
    ]
    return actions.model_copy(update={"items": items, "ward_name": short("Ward")})


def test_the_ward_summary_shows_names_titles_and_notes_as_text(qtbot: QtBot) -> None:
    view = WardSummaryView(default_ward_set())
    qtbot.addWidget(view)
    view.show()
    view.set_user_wards(["E05009855"])
    period = view.period.itemData(0)
    view.choose("ward", "E05009855", period)
    summary = hostile_summary().model_copy(update={"period": period})
    problem = hostile("Offline because")
    review = Review(
        "ward",
        "E05009855",
        period,
        summary,
        hostile_actions(),
        datetime(2026, 11, 27, tzinfo=UTC),
        True,
        problem,
    )
    view.show_review(review)
    assert shows_literally(view.heading, short("Ward"))
    assert shows_literally(view.status, problem)
    view.show_problem(hostile("Store says"))
    assert shows_literally(view.message, hostile("Store says"))
    assert every_label_with_markup_is_plain(view) == []
    # Tool tips guess the format: the action's title is escaped, so it reads as written.
    model = view.action_model
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;" in tip and "<b>" not in tip


def test_table_tool_tips_escape_markup_and_keep_plain_sentences() -> None:
    model = CellTableModel(["Title"])
    model.set_rows([[Cell("x", hostile("Title"))], [Cell("y", "Counts of 1 to 4 are hidden.")]])
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;img" in tip and "<img" not in tip
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole) == (
        "Counts of 1 to 4 are hidden."
    )


@pytest.mark.parametrize("show", [plain_text.warn, plain_text.fail, plain_text.ask])
def test_message_boxes_show_store_text_as_plain_text(
    monkeypatch: pytest.MonkeyPatch, qapp: QApplication, show: Callable[..., object]
) -> None:
    shown: list[QMessageBox] = []

    def record(box: QMessageBox) -> int:
        shown.append(box)
        return int(QMessageBox.StandardButton.No)

    monkeypatch.setattr(QMessageBox, "exec", record)
    show(None, "wardapp", hostile("Sync failed"))
    assert shown[0].textFormat() == Qt.TextFormat.PlainText
    assert shown[0].text() == hostile("Sync failed")


def test_my_reports_show_descriptions_notes_and_problems_as_text(qtbot: QtBot) -> None:
    """The analyst's note and the store's refusal are shown in the table, its tool tips and
    the details box exactly as written."""
    report = mine(
        "2026-03-01",
        note=hostile("Note"),
        problem=hostile("Problem"),
        sync_state="rejected",
        description=hostile("Description"),
    )
    panel = MyReportsPanel()
    qtbot.addWidget(panel)
    panel.set_reports(
        [report], {w.code: w.name for w in default_ward_set().wards}, default_taxonomy()
    )
    panel.show()
    proxy = panel.proxy
    for column in range(proxy.columnCount()):
        shown_text = str(proxy.index(0, column).data() or "")
        tip = str(proxy.index(0, column).data(Qt.ItemDataRole.ToolTipRole) or "")
        if "<b>" in shown_text:  # the table's cells are drawn as text; the tool tip escaped
            assert "<b>" not in tip and "&lt;b&gt;" in tip
    assert any("<b>bold</b>" in str(proxy.index(0, c).data()) for c in range(proxy.columnCount()))
    panel.table.selectRow(0)
    qtbot.waitUntil(lambda: "Description" in panel.details.toPlainText(), timeout=2000)
    assert hostile("Description") in panel.details.toPlainText()
    assert every_label_with_markup_is_plain(panel) == []


# --- charts and the PDF ---------------------------------------------------------------------


def test_the_pdf_prints_hostile_names_titles_and_notes_as_text(
    qapp: QApplication, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.pdf"
    summary = hostile_summary()
    export_summary_pdf(
        path,
        summary,
        hostile_actions(),
        map_picture(),
        datetime(2026, 11, 27, 11, 59, tzinfo=UTC),
    )
    text = flat(page_text(read_pdf(path)))
    expected = [short("Ward"), hostile("Action0"), short("Agency0"), short("Note0")]
    expected += [c.label for c in summary.categories]  # drawn by the category chart
    for words in expected:
        assert flat(words) in text, words


# --- the map page -----------------------------------------------------------------------------

PWNED = "window.__pwned=1;document.title='pwned'"


def test_category_names_and_summary_labels_in_the_map_are_text(
    qtbot: QtBot, tmp_path: Path
) -> None:
    categories = default_taxonomy().categories
    evil = f'<img src=x onerror="{PWNED}">'
    first = categories[0].model_copy(update={"label": evil})
    view = MapView(
        default_ward_set(), Taxonomy(version=98, categories=(first, *categories[1:])), tmp_path
    )
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=READY_TIMEOUT_MS):
        pass
    point = {"id": "r1", "lat": 54.55, "lon": -1.2, "status": "received", "date": "2026-10-01"}
    view.show_points_json(json.dumps([{**point, "category": first.code}]))
    view.focus_report("r1")
    code = default_ward_set().wards[0].code
    view.show_choropleth({code: {"count": None, "text": evil}}, title=evil)
    qtbot.waitUntil(lambda: page_state(qtbot, view)["choropleth"] is not None, timeout=5000)
    qtbot.wait(300)
    assert run_js(qtbot, view, "String(window.__pwned || '')") == ""
    legend = run_js(qtbot, view, "document.querySelector('.wardmap-legend').textContent")
    assert evil in legend
    assert run_js(qtbot, view, "document.querySelectorAll('img[src=x]').length") == 0
