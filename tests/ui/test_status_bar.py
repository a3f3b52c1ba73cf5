"""The status bar follows the engine: offline with a way to retry, online again, signed out.

The AIM store is a real process that the tests stop and start, as a councillor's network
comes and goes.
"""

import re

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.support.live_store import LiveStore
from tests.ui.fixtures import (
    BERWICK_HILLS,
    SYNC_TIMEOUT_MS,
    WindowMaker,
    fill_report,
    save_with_keyboard,
    ward_named,
)
from wardapp.client.profile import Profile
from wardapp.client.sync import SyncResult
from wardapp.ui.main_window import MainWindow

NOTHING_WAITING = "Nothing waiting to send"


def save_one_report(qtbot: QtBot, window: MainWindow) -> SyncResult:
    """Saves a report from the form; returns the result of the sync the save sets off."""
    fill_report(qtbot, window, ward_named(BERWICK_HILLS), "Bikes on the field again")
    with qtbot.waitSignal(window.engine.syncFinished, timeout=SYNC_TIMEOUT_MS) as synced:
        save_with_keyboard(qtbot, window)
    result = synced.args[0]
    assert isinstance(result, SyncResult)
    return result


def test_offline_then_retry_brings_it_online(
    qtbot: QtBot,
    make_window: WindowMaker,
    signed_in_profile: Profile,
    live_store: LiveStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Offline: the plain reason, what waits, a Retry button; Retry once back: all sent."""
    # No automatic retry within the test, so it is the Retry button that brings it online.
    monkeypatch.setattr("wardapp.client.scheduler.backoff_delay", lambda *_args: 3600.0)
    live_store.stop()
    window = make_window()
    status = window.sync_status
    qtbot.waitUntil(lambda: status.connection.text() == "Offline", timeout=SYNC_TIMEOUT_MS)
    assert status.last_sync.text() == "Last sync: never"

    result = save_one_report(qtbot, window)
    assert result.offline and result.pending == 1
    assert status.connection.text() == "Offline"
    assert status.pending.text() == "1 report waiting to send"
    assert status.error.isVisible()
    assert status.error.text().startswith("The AIM store could not be reached")
    assert "Reports are kept and will be sent later." in status.error.text()
    assert "Traceback" not in status.error.text() and "127.0.0.1" not in status.error.text()
    assert status.retry.isVisible() and not status.sign_in.isVisible()
    assert not status.progress.isVisible()

    live_store.start()
    progress_shown: list[bool] = []
    # Connected after the window's own slot, so it runs just after the bar is updated.
    window.engine.syncStarted.connect(
        lambda: progress_shown.append(
            status.progress.isVisible() and status.progress.maximum() == 0
        )
    )
    assert status.retry.isVisible()
    with qtbot.waitSignal(window.engine.syncStarted, timeout=SYNC_TIMEOUT_MS):
        qtbot.mouseClick(status.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status.connection.text() == "Online", timeout=SYNC_TIMEOUT_MS)
    assert progress_shown and progress_shown[0], "a busy bar while the sync runs"
    assert status.pending.text() == NOTHING_WAITING
    assert re.fullmatch(r"Last sync: today at \d\d:\d\d", status.last_sync.text())
    assert not status.retry.isVisible() and not status.error.isVisible()
    assert not status.progress.isVisible()
    assert signed_in_profile.pending_count() == 0
    assert live_store.count() == 1


def test_signed_out_reports_wait_and_sign_in_is_offered(
    qtbot: QtBot, window: MainWindow, signed_in_profile: Profile, live_store: LiveStore
) -> None:
    """After Sign out, saving still works; the bar says why nothing is sent and offers Sign in."""
    status = window.sync_status
    assert not status.sign_in.isVisible()
    window.sign_out_action.trigger()
    qtbot.waitUntil(lambda: window.windowTitle() == "wardapp — not signed in", timeout=10_000)
    assert status.sign_in.isVisible()
    assert not window.sign_out_action.isEnabled() and window.sign_in_action.isEnabled()

    result = save_one_report(qtbot, window)
    assert result.signed_out
    assert status.connection.text() == "Not signed in: reports are kept on this computer"
    assert status.pending.text() == "1 report waiting to send"
    assert status.sign_in.isVisible() and not status.retry.isVisible()
    assert signed_in_profile.pending_count() == 1 and live_store.count() == 0


def test_the_last_sync_is_shown_at_start_when_offline(
    qtbot: QtBot, window: MainWindow, make_window: WindowMaker, live_store: LiveStore
) -> None:
    """A councillor offline at a surgery still sees when the app last reached the store."""
    earlier = window.sync_status.last_sync.text()
    assert re.fullmatch(r"Last sync: today at \d\d:\d\d", earlier)
    profile_folder = window.engine.profile.directory
    window.close()
    live_store.stop()
    again = make_window(Profile.open(profile_folder))
    status = again.sync_status
    qtbot.waitUntil(lambda: status.connection.text() == "Offline", timeout=SYNC_TIMEOUT_MS)
    assert status.last_sync.text() == earlier
