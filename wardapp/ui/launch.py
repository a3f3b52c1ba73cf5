"""Opening the app: the profile (asking for a server and account on first use), then the window."""

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

from wardapp.client.errors import ClientError
from wardapp.client.profile import Profile
from wardapp.ui.engine import Engine
from wardapp.ui.main_window import MainWindow
from wardapp.ui.qt_setup import application
from wardapp.ui.sign_in import SignInDialog


def show_window(profile: Profile, sync_interval_s: float | None = None) -> MainWindow:
    """The main window on an open profile, shown, with background sync started."""
    engine = Engine(profile) if sync_interval_s is None else Engine(profile, sync_interval_s)
    window = MainWindow(engine, profile.ward_set(), profile.taxonomy())
    window.show()
    engine.start()
    return window


class FirstSignIn(QObject):
    """Makes the profile from the dialog's server address and signs in, off the UI thread."""

    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, folder: Path, passphrase: str | None) -> None:
        super().__init__()
        self.folder = folder
        self.passphrase = passphrase

    def attempt(self, url: str, username: str, password: str) -> None:
        def work() -> None:
            try:
                profile = Profile.open(self.folder, url, passphrase=self.passphrase)
                try:
                    profile.sign_in(username, password)
                except ClientError:
                    profile.close()
                    raise
                self.succeeded.emit(profile)
            except ClientError as exc:
                self.failed.emit(str(exc))

        threading.Thread(target=work, name="wardapp-first-sign-in", daemon=True).start()


def _ask_passphrase(message: str) -> str | None:
    text, ok = QInputDialog.getText(None, "wardapp", message, QLineEdit.EchoMode.Password)
    return text if ok and text else None


def open_profile(folder: Path, passphrase: str | None) -> Profile | None:
    """The existing profile, asking for its passphrase when it has one; None if none exists."""
    if not (folder / "profile.json").exists():
        return None
    while True:
        try:
            return Profile.open(folder, passphrase=passphrase)
        except ClientError as exc:
            if "passphrase" not in str(exc):
                raise
            passphrase = _ask_passphrase(f"{exc}\n\nPassphrase:")
            if passphrase is None:
                raise


def run_app(folder: Path, passphrase: str | None = None) -> int:
    app = application()
    windows: list[MainWindow] = []
    try:
        profile = open_profile(folder, passphrase)
    except ClientError as exc:
        QMessageBox.critical(None, "wardapp", str(exc))
        return 1
    if profile is not None:
        windows.append(show_window(profile))
        return app.exec()
    return _first_run(app, folder, passphrase, windows.append)


def _first_run(
    app: QApplication,
    folder: Path,
    passphrase: str | None,
    keep: Callable[[MainWindow], None],
) -> int:
    dialog = SignInDialog(None)
    helper = FirstSignIn(folder, passphrase)

    def signed_in(profile: Profile) -> None:
        keep(show_window(profile))
        dialog.accept()

    def requested(url: str, username: str, password: str) -> None:
        dialog.set_busy(True)
        helper.attempt(url, username, password)

    dialog.signInRequested.connect(requested)
    helper.succeeded.connect(signed_in)
    helper.failed.connect(dialog.show_error)
    if not dialog.exec():
        return 0
    return app.exec()
