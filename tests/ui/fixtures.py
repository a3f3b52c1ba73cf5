"""The whole window on a real profile, signed in to a real AIM store process.

The live-store fixtures (``live_store``, ``signed_in_profile``) are the client tests' own,
brought in by tests/ui/conftest.py, so the window is tested against the same
``wardapp-aimstore serve`` the engine is. ``open_window`` builds the window the way
``wardapp.ui.launch.show_window`` does, with the map page in a test folder.
"""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.support.live_store import ANALYST, PASSWORD, LiveStore
from wardapp.client.profile import Profile
from wardapp.client.sync import SyncResult
from wardapp.core.wards import Ward, default_ward_set
from wardapp.ui.engine import Engine
from wardapp.ui.main_window import MainWindow
from wardapp.ui.my_reports_model import STATUS

READY_TIMEOUT_MS = 30_000
SYNC_TIMEOUT_MS = 30_000
BERWICK_HILLS = "Berwick Hills & Pallister"

WindowMaker = Callable[..., MainWindow]


def ward_named(name: str) -> Ward:
    return next(w for w in default_ward_set().wards if w.name == name)


def open_window(profile: Profile, page_folder: Path) -> MainWindow:
    """As ``show_window``: shown, then the engine started (first sync at once)."""
    engine = Engine(profile)
    window = MainWindow(engine, profile.ward_set(), profile.taxonomy(), page_folder=page_folder)
    window.show()
    engine.start()
    return window


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The engine's ``failed`` messages; the real message box would block the test."""
    shown: list[str] = []
    monkeypatch.setattr(
        "wardapp.ui.main_window.warn",
        lambda _parent, _title, text: shown.append(text),
    )
    return shown


@pytest.fixture
def make_window(
    qtbot: QtBot, tmp_path: Path, warnings: list[str], signed_in_profile: Profile
) -> Iterator[WindowMaker]:
    """Opens windows (on the signed-in profile unless given another); closes each at the end.

    Depending on ``signed_in_profile`` makes the windows close (stopping their engines)
    before that fixture closes the profile under a running sync.
    """
    windows: list[MainWindow] = []

    def make(profile: Profile | None = None) -> MainWindow:
        folder = tmp_path / f"page-{len(windows)}"
        folder.mkdir()
        window = open_window(profile or signed_in_profile, folder)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
        window.deleteLater()
    # Delete the web pages now: one left for exit makes QtWebEngine warn about its profile.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def window(qtbot: QtBot, make_window: WindowMaker) -> MainWindow:
    """The signed-in councillor's window, once its first sync has gone through."""
    made = make_window()
    qtbot.waitUntil(lambda: made.sync_status.connection.text() == "Online", timeout=SYNC_TIMEOUT_MS)
    return made


def fill_report(qtbot: QtBot, window: MainWindow, ward: Ward, description: str) -> None:
    """What a councillor does before saving: a click in ``ward``, a category, a description."""
    point = ward.geometry.representative_point()
    window.map.bridge.mapClicked(point.y, point.x)  # the slot the page calls on a click
    form = window.form
    form.category.setFocus()
    qtbot.keyClicks(form.category, "Motorbike")
    assert form.category.currentData() == "motorbike_misuse"
    qtbot.keyClicks(form.description, description)


def run_js(qtbot: QtBot, window: MainWindow, script: str) -> Any:
    """Runs ``script`` in the map page and returns its value."""
    found: list[Any] = []
    window.map.map_page.runJavaScript(script, 0, found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=10_000)
    return found[0]


def save_with_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def wait_for_sync(qtbot: QtBot, window: MainWindow) -> SyncResult:
    """Asks for a sync (F5) and returns its result once the window has shown it."""
    with qtbot.waitSignal(window.engine.syncFinished, timeout=SYNC_TIMEOUT_MS) as done:
        qtbot.keyClick(window, Qt.Key.Key_F5)
    result = done.args[0]
    assert isinstance(result, SyncResult)
    return result


def panel_status(window: MainWindow, report_id: str) -> str:
    """The Status column of one report in the My reports table, as displayed."""
    model = window.my_reports.model
    row = model.row_of(report_id)
    assert row is not None, f"{report_id} is not in My reports"
    return str(model.data(model.index(row, STATUS)))


def analyst_sets_status(store: LiveStore, report_id: str, status: str, note: str) -> None:
    """What an analyst does in their own tool: sign in, then PATCH the report."""
    token = requests.post(
        f"{store.url}/v1/auth/token",
        json={"username": ANALYST, "password": PASSWORD, "device_name": "analyst desk"},
        timeout=30,
    )
    assert token.status_code == 200, token.text
    answer = requests.patch(
        f"{store.url}/v1/reports/{report_id}",
        json={"status": status, "status_note": note},
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
