"""The status bar's account of sync: online or not, what waits to be sent, what went wrong."""

from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from wardapp.client.sync import SyncResult
from wardapp.ui.plain_text import plain_label


def when(iso: str | None) -> str:
    """A sync time as a person reads it, in the computer's own time zone."""
    if not iso:
        return "never"
    moment = datetime.fromisoformat(iso).astimezone()
    today = datetime.now().astimezone().date()
    if moment.date() == today:
        return f"today at {moment:%H:%M}"
    return f"{moment:%d %b %Y at %H:%M}"


class SyncStatus(QWidget):
    """Shows the engine's signals; Retry and Sign in are requests the window acts on."""

    retryRequested = Signal()
    signInRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.connection = plain_label("Not synced yet")
        self.pending = plain_label("Nothing waiting to send")
        self.last_sync = plain_label("Last sync: never")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Sync progress")
        self.progress.setMaximumWidth(180)
        self.progress.hide()
        self.error = plain_label()
        self.error.setWordWrap(True)
        self.error.hide()
        self.retry = QPushButton("Retr&y")
        self.retry.setAccessibleName("Retry sync now")
        self.retry.clicked.connect(self.retryRequested)
        self.retry.hide()
        self.sign_in = QPushButton("Sign in…")
        self.sign_in.setAccessibleName("Sign in to the AIM store")
        self.sign_in.clicked.connect(self.signInRequested)
        self.sign_in.hide()
        for label, name in (
            (self.connection, "Connection"),
            (self.pending, "Reports waiting to send"),
            (self.last_sync, "Last sync"),
            (self.error, "Sync problem"),
        ):
            label.setAccessibleName(name)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.connection, self.pending, self.last_sync, self.progress):
            row.addWidget(widget)
        row.addWidget(self.error, 1)
        row.addWidget(self.retry)
        row.addWidget(self.sign_in)

    def set_pending(self, count: int) -> None:
        if count == 0:
            self.pending.setText("Nothing waiting to send")
        else:
            self.pending.setText(f"{count} report{'s' if count != 1 else ''} waiting to send")

    def set_user(self, user: dict[str, Any] | None) -> None:
        self.sign_in.setVisible(user is None)
        if user is None:
            self.connection.setText("Not signed in: reports are kept on this computer")

    def set_last_sync(self, iso: str | None) -> None:
        self.last_sync.setText(f"Last sync: {when(iso)}")

    def started(self) -> None:
        self.progress.setRange(0, 0)  # busy until the first batch says how many
        self.progress.show()
        self.connection.setText("Syncing…")

    def advanced(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def finished(self, result: SyncResult) -> None:
        self.progress.hide()
        self.set_pending(result.pending)
        if result.busy:
            return
        if result.ok:
            self.connection.setText("Online")
            self.set_last_sync(result.finished_at)
            self.error.hide()
            self.retry.hide()
            return
        if result.signed_out:
            self.connection.setText("Not signed in: reports are kept on this computer")
            self.sign_in.show()
        else:
            self.connection.setText("Offline" if result.offline else "Sync problem")
        self.error.setText(result.error or "")
        self.error.setVisible(bool(result.error))
        self.retry.setVisible(not result.signed_out)
