"""The window councillors live in: the map, the report form, their reports, sync status.

It wires signals between the engine and the widgets and holds no rules of its own: what a
valid report is, what may be corrected, and how sync behaves are decided in the engine.
"""

import gc
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget, QToolBar

from wardapp.client.reports import MyReport
from wardapp.client.sync import SyncResult
from wardapp.core.taxonomy import Taxonomy
from wardapp.core.wards import WardSet
from wardapp.ui.about import AboutDialog
from wardapp.ui.engine import SAVED_AND_SENT, Engine
from wardapp.ui.map_view import MapView
from wardapp.ui.my_reports import MyReportsPanel
from wardapp.ui.place_finder import PlaceFinder
from wardapp.ui.plain_text import ask, warn
from wardapp.ui.preferences import Preferences
from wardapp.ui.report_form import ReportForm
from wardapp.ui.report_rows import ReportsFeed, ReportsSnapshot, make_snapshot, release
from wardapp.ui.settings import AppSettings, SettingsStore
from wardapp.ui.sign_in import SignInDialog
from wardapp.ui.sync_status import SyncStatus
from wardapp.ui.ward_summary import WardSummaryView

_frozen = False


def freeze_startup_objects() -> None:
    """Moves what exists once the first window is built (modules, widgets: ~100,000 objects
    that live as long as the process) out of the garbage collector's sight. A full collection
    walks every tracked object while holding the GIL; walking these took 100-170 ms, a stall
    of the UI thread whichever thread it ran on. Once per process: a later window's garbage
    must stay collectable."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


class MainWindow(QMainWindow):
    def __init__(
        self,
        engine: Engine,
        wards: WardSet,
        taxonomy: Taxonomy,
        page_folder: Path | None = None,
        settings: AppSettings | None = None,
        settings_store: SettingsStore | None = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.wards = wards
        self.taxonomy = taxonomy
        self.user: dict[str, Any] | None = None
        self.current_id = str(uuid.uuid4())  # the report the form is editing
        self.last_saved_id: str | None = None
        self._shown = make_snapshot([], {}, taxonomy)  # the reports on screen
        self.sign_in_dialog: SignInDialog | None = None
        self.setWindowTitle("wardapp")
        self.resize(1280, 800)

        self.map = MapView(wards, taxonomy, page_folder)
        self.form = ReportForm(taxonomy)
        self.my_reports = MyReportsPanel()
        self.summary = WardSummaryView(wards, self.map)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Report panels")
        self.tabs.addTab(self.form, "&New report")
        self.tabs.addTab(self.my_reports, "&My reports")
        # No access key of its own: the form already uses every letter of "Ward summary";
        # View > Ward summary (Alt+V, S) and Ctrl+Tab reach it.
        self.tabs.addTab(self.summary, "Ward summary")
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.map)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        # The panel gets room for about 65 characters, so larger text is not cut off.
        panel = min(max(520, self.fontMetrics().averageCharWidth() * 65), 1280 * 3 // 5)
        splitter.setSizes([1280 - panel, panel])
        self.setCentralWidget(splitter)
        self.preferences = Preferences(
            self, self.map, engine, settings or AppSettings(), settings_store
        )
        self.place_finder = PlaceFinder(wards)
        self.sync_status = SyncStatus()
        self.ward_names = {w.code: w.name for w in wards.wards}
        self.feed = ReportsFeed(self.ward_names, taxonomy, self)
        self.statusBar().addPermanentWidget(self.sync_status, 1)
        self._build_actions()
        self._connect()
        self.preferences.apply_at_start()
        freeze_startup_objects()

    # --- building -------------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.new_action = QAction("&New report", self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(self.new_report)
        self.save_action = QAction("&Save report", self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.form.save_button.click)
        self.sync_action = QAction("S&ync now", self)
        self.sync_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.sync_action.triggered.connect(self.engine.sync_now)
        self.sign_in_action = QAction("Sign &in…", self)
        self.sign_in_action.triggered.connect(self.show_sign_in)
        self.sign_out_action = QAction("Sign &out", self)
        self.sign_out_action.triggered.connect(self.engine.sign_out)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        about_action = QAction("&About wardapp", self)
        about_action.triggered.connect(lambda: AboutDialog(self).open())
        settings_action = QAction("S&ettings…", self)
        settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        settings_action.triggered.connect(self.preferences.edit)
        self.save_area_action = QAction("Save this &area for offline use…", self)
        self.save_area_action.triggered.connect(self.preferences.save_area)
        self.summary_action = QAction("Ward &summary", self)
        self.summary_action.triggered.connect(self.show_summary)

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.sign_in_action, self.sign_out_action])
        file_menu.addSeparator()
        file_menu.addAction(settings_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        report_menu = menu.addMenu("&Report")
        report_menu.addActions([self.new_action, self.save_action, self.sync_action])
        menu.addMenu("&View").addActions([self.summary_action, self.save_area_action])
        menu.addMenu("&Help").addAction(about_action)

        toolbar = QToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setAccessibleName("Main toolbar")
        toolbar.addActions([self.new_action, self.sync_action])
        toolbar.addSeparator()
        toolbar.addWidget(self.place_finder)
        self.addToolBar(toolbar)

    def _connect(self) -> None:
        engine, form = self.engine, self.form
        self.map.clicked.connect(self.place_report)
        self.map.moved.connect(self.move_report)
        self.map.reportChosen.connect(self.show_in_list)
        form.saveRequested.connect(lambda values: engine.save_report(values, self.current_id))
        form.edited.connect(self._keep_draft)
        form.discardRequested.connect(self.discard_report)
        self.my_reports.showOnMap.connect(self.map.focus_report)
        self.my_reports.correctRequested.connect(self.correct_report)
        self.my_reports.withdrawRequested.connect(engine.withdraw)
        self.place_finder.wardChosen.connect(self.map.zoom_to_ward)
        self.place_finder.pointChosen.connect(self.go_to_point)
        self.place_finder.problem.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.sync_status.retryRequested.connect(engine.sync_now)
        self.sync_status.signInRequested.connect(self.show_sign_in)
        self.summary.summaryRequested.connect(engine.load_summary)
        self.summary.overviewRequested.connect(engine.load_overview)
        self.summary.areasRequested.connect(engine.load_areas)
        engine.summaryLoaded.connect(self.summary.show_review)
        engine.overviewLoaded.connect(self.summary.show_overview)
        engine.areasLoaded.connect(self.summary.set_areas)
        engine.summaryFailed.connect(self.summary.show_problem)

        # Prepared on the engine's thread that read the reports; shown on the UI thread.
        engine.reportsChanged.connect(self.feed.prepare, Qt.ConnectionType.DirectConnection)
        self.feed.ready.connect(self.show_snapshot)
        engine.pendingChanged.connect(self.sync_status.set_pending)
        engine.saved.connect(self.report_saved)
        engine.saveRefused.connect(form.show_errors)
        engine.withdrawn.connect(
            lambda _id: self.statusBar().showMessage("Report withdrawn — will sync", 8000)
        )
        engine.draftsFound.connect(self.restore_draft)
        engine.syncStarted.connect(self.sync_status.started)
        engine.syncProgress.connect(self.sync_status.advanced)
        engine.syncFinished.connect(self.sync_finished)
        engine.lastSync.connect(self.sync_status.set_last_sync)
        engine.userChanged.connect(self.user_changed)
        engine.signInFailed.connect(self._sign_in_failed)
        engine.failed.connect(lambda text: warn(self, "wardapp", text))

    # --- map and form -----------------------------------------------------------------------
    def _ward_name(self, lat: float, lon: float) -> str | None:
        ward = self.wards.locate(lat, lon)
        return ward.name if ward else None

    def place_report(self, lat: float, lon: float) -> None:
        self.form.set_location(lat, lon, self._ward_name(lat, lon))
        self.tabs.setCurrentWidget(self.form)

    def move_report(self, lat: float, lon: float) -> None:
        self.form.set_location(lat, lon, self._ward_name(lat, lon))

    def go_to_point(self, lat: float, lon: float) -> None:
        self.map.go_to(lat, lon)
        self.map.set_pin(lat, lon)
        self.place_report(lat, lon)

    def new_report(self) -> None:
        """An empty form; a half-written report is thrown away only if the user says so."""
        if self._has_unsaved_text() and not self.confirm(
            "Throw away the report you are writing and start a new one?"
        ):
            return
        self.engine.discard_draft(self.current_id)
        self.current_id = str(uuid.uuid4())
        self.form.clear()
        self.map.clear_pin()
        self.tabs.setCurrentWidget(self.form)
        self.form.focus_first()

    def discard_report(self) -> None:
        self.form.clear()
        self.new_report()  # drops the draft; the emptied form needs no confirmation

    def _has_unsaved_text(self) -> bool:
        values = self.form.values()
        return bool(values.get("category") or values.get("description"))

    def confirm(self, question: str) -> bool:
        return ask(self, "wardapp", question)

    def _keep_draft(self, values: dict[str, Any]) -> None:
        self.engine.save_draft(self.current_id, values)

    def restore_draft(self, drafts: dict[str, dict[str, Any]]) -> None:
        """A report being written when the app stopped comes back, to finish or discard."""
        report_id, values = list(drafts.items())[-1]  # the newest
        self.current_id = report_id
        self.form.load(values)
        if values.get("lat") is not None and values.get("lon") is not None:
            lat, lon = float(values["lat"]), float(values["lon"])
            self.form.set_location(lat, lon, self._ward_name(lat, lon))
            self.map.set_pin(lat, lon)
        self.tabs.setCurrentWidget(self.form)
        self.statusBar().showMessage("Restored a report you had not saved yet.", 10000)

    def correct_report(self, report_id: str) -> None:
        mine = self.engine_report(report_id)
        if mine is None:
            return
        if self._has_unsaved_text() and not self.confirm(
            "Throw away the report you are writing and correct this one instead?"
        ):
            return
        self.engine.discard_draft(self.current_id)
        self.current_id = report_id
        self.form.load(mine.report)
        lat, lon = float(mine.report["lat"]), float(mine.report["lon"])
        self.form.set_location(lat, lon, self._ward_name(lat, lon))
        self.map.set_pin(lat, lon)
        self.map.focus_report(report_id)
        self.tabs.setCurrentWidget(self.form)

    def engine_report(self, report_id: str) -> MyReport | None:
        row = self._shown.row_of.get(report_id)
        return None if row is None else self._shown.mine(row)

    def report_saved(self, report_id: str, message: str) -> None:
        self.last_saved_id = report_id
        self.current_id = str(uuid.uuid4())
        self.form.clear()
        self.form.show_saved(message)
        self.map.clear_pin()

    def show_snapshot(self, snapshot: ReportsSnapshot) -> None:
        box, self._shown = [self._shown], snapshot  # the old one is freed elsewhere, at the end
        self.map.show_parts(snapshot.map_parts)
        self.my_reports.set_snapshot(snapshot)
        saved = self.engine_report(self.last_saved_id) if self.last_saved_id else None
        if saved is not None and saved.sync_state == "sent":
            self.form.show_saved(SAVED_AND_SENT)
            self.last_saved_id = None
        release(box)  # nothing here refers to the old snapshot any more

    def show_summary(self) -> None:
        self.tabs.setCurrentWidget(self.summary)
        self.summary.scope.setFocus()

    def show_in_list(self, report_id: str) -> None:
        self.tabs.setCurrentWidget(self.my_reports)
        self.my_reports.select_report(report_id)

    # --- account and sync -------------------------------------------------------------------
    def user_changed(self, user: dict[str, Any] | None) -> None:
        self.user = user
        self.sync_status.set_user(user)
        self.sign_in_action.setEnabled(user is None)
        self.sign_out_action.setEnabled(user is not None)
        who = f" — {user['username']} ({user['role']})" if user else " — not signed in"
        self.setWindowTitle(f"wardapp{who}")
        self.map.set_own_wards(user.get("wards", []) if user else [])
        self.summary.set_user_wards(user.get("wards", []) if user else [])
        if user and self.sign_in_dialog is not None:
            self.sign_in_dialog.accept()

    def show_sign_in(self) -> None:
        dialog = SignInDialog(self, server_url=self.engine.server_url)
        # This profile belongs to one AIM store; its reports must not go to another.
        dialog.server_url.setReadOnly(True)
        dialog.server_url.setAccessibleDescription(
            "The AIM store this profile belongs to; it cannot be changed here."
        )
        dialog.signInRequested.connect(self._sign_in_requested)
        self.sign_in_dialog = dialog
        dialog.finished.connect(lambda _result: setattr(self, "sign_in_dialog", None))
        dialog.open()

    def _sign_in_requested(self, _url: str, username: str, password: str) -> None:
        if self.sign_in_dialog is not None:
            self.sign_in_dialog.set_busy(True)
        self.engine.sign_in(username, password)

    def _sign_in_failed(self, message: str) -> None:
        if self.sign_in_dialog is not None:
            self.sign_in_dialog.show_error(message)

    def sync_finished(self, result: SyncResult) -> None:
        self.sync_status.finished(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.form.flush_draft()  # the last keystrokes are kept before the engine stops
        self.engine.close()
        super().closeEvent(event)
