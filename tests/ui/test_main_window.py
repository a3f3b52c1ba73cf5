"""The whole window on a real profile and a real AIM store: capture, refusals, drafts, feedback.

Each test drives the window as a councillor would (map click, keyboard, shortcuts) and checks
what they would see, then what ended up in the local store and on the server.
"""

import re
from datetime import timedelta

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QTabBar,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.client.conftest import wire_report
from tests.support.live_store import LiveStore
from tests.ui.fixtures import (
    BERWICK_HILLS,
    READY_TIMEOUT_MS,
    SYNC_TIMEOUT_MS,
    WindowMaker,
    analyst_sets_status,
    fill_report,
    panel_status,
    run_js,
    save_with_keyboard,
    wait_for_sync,
    ward_named,
)
from wardapp.client.profile import Profile
from wardapp.core.report import uk_today
from wardapp.ui.main_window import MainWindow
from wardapp.ui.map_view import MapView
from wardapp.ui.my_reports_model import NOTE
from wardapp.ui.report_form import NO_LOCATION

BIKES = "Two off-road bikes on the field every evening"
SAVE_TIMEOUT_MS = 10_000


def window_widgets(window: QWidget) -> list[QWidget]:
    """Every widget under ``window`` that can take keyboard focus."""
    return [w for w in window.findChildren(QWidget) if w.focusPolicy() != Qt.FocusPolicy.NoFocus]


def tick(qtbot: QtBot, button: QAbstractButton) -> None:
    """Clicks a check box on its box, where a person clicks it."""
    middle = button.height() // 2
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(middle, middle))


# --- capture ----------------------------------------------------------------------------------


def test_a_report_placed_on_the_map_is_saved_then_sent(
    qtbot: QtBot, make_window: WindowMaker, signed_in_profile: Profile, live_store: LiveStore
) -> None:
    """The everyday path: click the map, fill in, Ctrl+S; "Saved", then "Saved and sent"."""
    window = make_window()
    with qtbot.waitSignal(window.map.ready, timeout=READY_TIMEOUT_MS):
        pass
    ward = ward_named(BERWICK_HILLS)
    point = ward.geometry.representative_point()
    with qtbot.waitSignal(window.map.clicked, timeout=SAVE_TIMEOUT_MS):
        run_js(
            qtbot,
            window,
            f"wardmap.map.fire('click', {{latlng: L.latLng({point.y}, {point.x})}}); true",
        )
    form = window.form
    assert window.tabs.currentWidget() is form
    assert form.place.text().endswith(f"— {BERWICK_HILLS}")

    form.category.setFocus()
    qtbot.keyClicks(form.category, "Motorbike")
    assert form.category.currentData() == "motorbike_misuse"
    qtbot.keyClicks(form.description, BIKES)
    with qtbot.waitSignal(window.engine.saved, timeout=SAVE_TIMEOUT_MS) as saved:
        save_with_keyboard(qtbot, window)
    report_id = saved.args[0]
    assert form.saved_line.isVisible() and form.saved_line.text() == "✓ Saved — will sync"
    assert form.description.toPlainText() == "" and form.place.text() == NO_LOCATION, (
        "the form is ready for the next report"
    )
    qtbot.waitUntil(lambda: form.saved_line.text() == "✓ Saved and sent", timeout=SYNC_TIMEOUT_MS)

    mine = signed_in_profile.report(report_id)
    assert mine is not None and mine.sync_state == "sent"
    assert mine.report["category"] == "motorbike_misuse"
    assert mine.report["description"] == BIKES
    assert mine.ward_code == ward.code
    assert report_id in live_store.report_ids()


# --- refusals ---------------------------------------------------------------------------------


def test_a_contact_without_consent_is_refused_beside_the_consent_box(
    qtbot: QtBot, window: MainWindow, signed_in_profile: Profile
) -> None:
    """Resident details are kept only with consent: the message sits by the tick box."""
    form = window.form
    fill_report(qtbot, window, ward_named(BERWICK_HILLS), BIKES)
    qtbot.keyClick(form.contact, Qt.Key.Key_Space)
    qtbot.keyClicks(form.contact_name, "Pat Resident")
    qtbot.keyClicks(form.contact_phone, "01642 000000")
    with qtbot.waitSignal(window.engine.saveRefused, timeout=SAVE_TIMEOUT_MS):
        save_with_keyboard(qtbot, window)
    assert "consent" in form.error_text("contact")
    for slot in ("category", "occurred_on", "place", "description", "contact_name"):
        assert form.error_text(slot) == "", slot
    assert form.focusWidget() is form.consent
    assert not form.saved_line.isVisible()
    assert form.description.toPlainText() == BIKES, "nothing typed is lost"
    assert signed_in_profile.my_reports() == [] and signed_in_profile.pending_count() == 0

    tick(qtbot, form.consent)
    assert form.error_text("contact") == ""
    with qtbot.waitSignal(window.engine.saved, timeout=SAVE_TIMEOUT_MS) as saved:
        save_with_keyboard(qtbot, window)
    mine = signed_in_profile.report(saved.args[0])
    assert mine is not None and mine.report["resident_contact"]["consent"] is True


def test_a_date_in_the_future_is_refused_beside_the_date(
    qtbot: QtBot, window: MainWindow, signed_in_profile: Profile
) -> None:
    """The date field stops at today; past that limit the engine's own check still holds."""
    form = window.form
    today = uk_today()
    tomorrow = today + timedelta(days=1)
    assert form.occurred_on.maximumDate() == QDate(today.year, today.month, today.day)
    fill_report(qtbot, window, ward_named(BERWICK_HILLS), BIKES)
    # Lift the field's limit to reach the check the AIM store applies too.
    form.occurred_on.setMaximumDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    form.occurred_on.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    with qtbot.waitSignal(window.engine.saveRefused, timeout=SAVE_TIMEOUT_MS):
        save_with_keyboard(qtbot, window)
    assert "future" in form.error_text("occurred_on")
    assert form.error_text("contact") == "" and form.error_text("description") == ""
    assert form.focusWidget() is form.occurred_on
    assert not form.saved_line.isVisible()
    assert signed_in_profile.my_reports() == [] and signed_in_profile.pending_count() == 0


# --- drafts -----------------------------------------------------------------------------------


def test_a_report_being_written_survives_a_crash(
    qtbot: QtBot, window: MainWindow, make_window: WindowMaker, signed_in_profile: Profile
) -> None:
    """What was typed is on disk within a second; the next start offers it back."""
    fill_report(qtbot, window, ward_named(BERWICK_HILLS), BIKES)
    qtbot.waitUntil(
        lambda: [d["description"] for d in signed_in_profile.drafts().values()] == [BIKES],
        timeout=SAVE_TIMEOUT_MS,
    )
    (draft_id,) = signed_in_profile.drafts()
    # A crashed app never closes its store: the first window stays open, as if it had died,
    # and a new process opens the same profile folder.
    again = make_window(Profile.open(signed_in_profile.directory))
    form = again.form
    qtbot.waitUntil(lambda: form.description.toPlainText() == BIKES, timeout=SAVE_TIMEOUT_MS)
    assert form.category.currentData() == "motorbike_misuse"
    assert form.place.text().endswith(f"— {BERWICK_HILLS}")
    assert again.tabs.currentWidget() is form
    assert again.statusBar().currentMessage() == "Restored a report you had not saved yet."

    with qtbot.waitSignal(again.engine.saved, timeout=SAVE_TIMEOUT_MS) as saved:
        save_with_keyboard(qtbot, again)
    assert saved.args[0] == draft_id, "the restored report keeps its id"
    assert signed_in_profile.drafts() == {}


# --- feedback ---------------------------------------------------------------------------------


def test_an_analysts_assessment_reaches_my_reports(
    qtbot: QtBot, make_window: WindowMaker, signed_in_profile: Profile, live_store: LiveStore
) -> None:
    """Received, then Assessed with the analyst's note; no withdrawing after that."""
    report_id = signed_in_profile.save_report(wire_report(signed_in_profile))
    window = make_window()
    panel = window.my_reports
    qtbot.waitUntil(
        lambda: (
            panel.model.row_of(report_id) is not None
            and panel_status(window, report_id) == "Received"
        ),
        timeout=SYNC_TIMEOUT_MS,
    )
    window.tabs.setCurrentWidget(panel)
    panel.select_report(report_id)
    assert panel.withdraw_button.isEnabled() and panel.correct_button.isEnabled()

    note = "Passed to the neighbourhood team for the evening patrol"
    analyst_sets_status(live_store, report_id, "assessed", note)
    assert wait_for_sync(qtbot, window).ok
    qtbot.waitUntil(lambda: panel_status(window, report_id) == "Assessed", timeout=SAVE_TIMEOUT_MS)
    row = panel.model.row_of(report_id)
    assert row is not None
    assert panel.model.data(panel.model.index(row, NOTE)) == note
    assert panel.selected_id() == report_id, "the chosen report stays chosen after a sync"
    assert f"Analyst's note: {note}" in panel.details.toPlainText()
    assert "Status: Assessed" in panel.details.toPlainText()
    assert not panel.withdraw_button.isEnabled() and not panel.correct_button.isEnabled()


# --- keyboard and accessibility ---------------------------------------------------------------


def _internal(widget: QWidget) -> str | None:
    """Why a focusable widget needs no name of its own (None: it does)."""
    parent = widget.parentWidget()
    if isinstance(parent, MapView):
        # QtWebEngine's render surface (a QQuickWidget): the map view around it carries the
        # name and description, and the page's own content is exposed through it.
        return "web view render surface"
    if parent is not None and parent.metaObject().className() == "QComboBoxPrivateContainer":
        return "a combo box's drop-down list, named after its combo box"
    return None


def _named(widget: QWidget, buddies: set[int]) -> bool:
    """A screen reader has something to say: a name, button text, a label or tab texts."""
    if widget.accessibleName().strip():
        return True
    if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
        return True
    if id(widget) in buddies:
        return True
    if isinstance(widget, QTabBar):
        return widget.count() > 0 and all(widget.tabText(i).strip() for i in range(widget.count()))
    proxy = widget.focusProxy()  # focus goes on to the proxy, which must be named
    return proxy is not None and _named(proxy, buddies)


def test_every_focusable_widget_has_a_name(window: MainWindow) -> None:
    """Whatever takes keyboard focus tells a screen reader what it is."""
    buddies = {
        id(label.buddy())
        for label in window.findChildren(QLabel)
        if label.buddy() is not None and label.text().replace("&", "").strip()
    }
    checked = [w for w in window_widgets(window) if _internal(w) is None]
    assert len(checked) > 30, "the walk found the form, the panel and the toolbar"
    assert window.form.category in checked and window.my_reports.table in checked
    nameless = [
        f"{w.metaObject().className()} {w.objectName()!r} in {w.parentWidget()!r}"
        for w in checked
        if not _named(w, buddies)
    ]
    assert nameless == []


def test_ctrl_n_starts_an_empty_report_at_the_category(qtbot: QtBot, window: MainWindow) -> None:
    """From anywhere (here the My reports tab), Ctrl+N opens an empty form, ready to type;
    a half-written report is thrown away only when the user agrees."""
    fill_report(qtbot, window, ward_named(BERWICK_HILLS), BIKES)
    questions: list[str] = []
    answer = False
    window.confirm = lambda question: questions.append(question) or answer  # type: ignore[method-assign]
    window.tabs.setCurrentWidget(window.my_reports)
    window.my_reports.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = window.form
    assert len(questions) == 1
    assert form.description.toPlainText() == BIKES  # "No": nothing lost

    answer = True
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert len(questions) == 2
    assert window.tabs.currentWidget() is form
    assert QApplication.focusWidget() is form.category
    assert form.category.currentData() is None
    assert form.description.toPlainText() == "" and form.place.text() == NO_LOCATION


def test_f5_syncs_even_with_the_map_focused(qtbot: QtBot, window: MainWindow) -> None:
    """The shortcut is the window's: keys typed into the web view do not swallow it."""
    qtbot.waitUntil(lambda: window.map.is_ready, timeout=READY_TIMEOUT_MS)
    (surface,) = [w for w in window.map.findChildren(QWidget) if _internal(w)]
    surface.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is surface, timeout=5000)
    with qtbot.waitSignal(window.engine.syncStarted, timeout=SYNC_TIMEOUT_MS):
        qtbot.keyClick(surface, Qt.Key.Key_F5)
    with qtbot.waitSignal(window.engine.syncStarted, timeout=SYNC_TIMEOUT_MS):
        qtbot.keyClick(window.form.description, Qt.Key.Key_F5)


def _access_texts(widget: QWidget) -> list[str]:
    """The texts whose "&" letter gives ``widget`` an Alt+letter key."""
    if isinstance(widget, QToolButton):
        return []  # toolbar buttons show their action's text without an access key
    if isinstance(widget, QAbstractButton):
        return [widget.text()]
    if isinstance(widget, QLabel):
        return [widget.text()] if widget.buddy() is not None else []
    if isinstance(widget, QGroupBox):
        return [widget.title()] if widget.isCheckable() else []
    if isinstance(widget, QTabBar):
        return [widget.tabText(i) for i in range(widget.count())]
    return []


def _access_keys(window: MainWindow) -> dict[str, list[str]]:
    """Alt+letter keys of what is on screen and usable now, letter -> the texts that use it."""
    texts: list[str] = [action.text() for action in window.menuBar().actions()]
    for widget in window.findChildren(QWidget):
        if widget.isVisible() and widget.isEnabled():
            texts += _access_texts(widget)
    keys: dict[str, list[str]] = {}
    for text in texts:
        if found := re.search(r"&([^&])", text):
            keys.setdefault(found.group(1).lower(), []).append(text)
    return keys


def test_each_access_key_does_one_thing(
    qtbot: QtBot, window: MainWindow, signed_in_profile: Profile
) -> None:
    """Alt+letter must reach one control; a clash makes Qt cycle focus instead of acting."""
    qtbot.keyClick(window.form.contact, Qt.Key.Key_Space)  # its fields become usable
    on_form = {k: v for k, v in _access_keys(window).items() if len(v) > 1}
    report = wire_report(signed_in_profile)
    window.engine.save_report(report, report["id"])
    panel = window.my_reports
    qtbot.waitUntil(lambda: panel.model.row_of(report["id"]) is not None, timeout=SAVE_TIMEOUT_MS)
    window.tabs.setCurrentWidget(panel)
    panel.select_report(report["id"])  # its buttons become usable
    on_list = {k: v for k, v in _access_keys(window).items() if len(v) > 1}
    assert {"form": on_form, "my reports": on_list} == {"form": {}, "my reports": {}}
