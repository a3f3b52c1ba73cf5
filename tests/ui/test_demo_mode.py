"""`wardapp demo`: the window opens at once, signs in once the embedded store is seeded, and
closing it leaves nothing listening.

Each test seeds a real EmbeddedStore (6,000 synthetic reports, a few seconds).
"""

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from wardapp.aimstore.embedded import EmbeddedStore
from wardapp.aimstore.seed import DEMO_PASSWORD, DEMO_USER
from wardapp.ui.demo import start_demo
from wardapp.ui.main_window import MainWindow

DEMO_TIMEOUT_MS = 90_000  # seeding plus the first sync of several hundred reports


def store_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "wardapp-aimstore"]


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    folder = tmp_path / "aimstore"
    folder.mkdir()
    embedded = EmbeddedStore(folder)
    yield embedded
    embedded.stop()


def close(window: MainWindow) -> None:
    """As the user closing the window: the engine stops, then the web page is deleted."""
    window.close()
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_demo_signs_in_shows_seeded_reports_and_stops_cleanly(
    qtbot: QtBot, tmp_path: Path, store: EmbeddedStore, warnings: list[str]
) -> None:
    """The demo councillor sees their seeded reports; afterwards the port is free again."""
    window = start_demo(tmp_path / "profile", store.url, store.start, (DEMO_USER, DEMO_PASSWORD))
    try:
        assert window.isVisible()
        assert window.statusBar().currentMessage().startswith("Starting the demo AIM store")
        qtbot.waitUntil(lambda: "demo" in window.windowTitle(), timeout=DEMO_TIMEOUT_MS)
        assert window.windowTitle() == f"wardapp — {DEMO_USER} (councillor)"
        panel = window.my_reports
        qtbot.waitUntil(lambda: panel.model.rowCount() > 100, timeout=DEMO_TIMEOUT_MS)
        qtbot.waitUntil(
            lambda: window.sync_status.connection.text() == "Online", timeout=DEMO_TIMEOUT_MS
        )
        total = panel.model.rowCount()
        assert panel.count_label.text() == f"Showing {total} of {total} reports"
        assert window.sync_status.pending.text() == "Nothing waiting to send"
        assert warnings == []
    finally:
        close(window)
        store.stop()
    assert store_threads() == []
    assert refuses_connections(store.port)


def test_closing_the_demo_before_the_store_is_up_leaves_no_server(
    qtbot: QtBot, tmp_path: Path, store: EmbeddedStore, warnings: list[str]
) -> None:
    """A window closed while the store still seeds: the store never starts serving."""
    window = start_demo(tmp_path / "profile", store.url, store.start, (DEMO_USER, DEMO_PASSWORD))
    close(window)
    store.stop(timeout=60)  # seeding cannot be interrupted; serving must not begin after it
    assert store_threads() == []
    assert refuses_connections(store.port)
    assert not store.wait_ready(0)
