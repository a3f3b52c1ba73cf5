"""Opening the app: the profile (asking for a server and account on first use), then the window."""

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

from wardapp.client.errors import ClientError
from wardapp.client.profile import Profile
from wardapp.ui.engine import Engine
from wardapp.ui.font_scale import apply_font_scale
from wardapp.ui.main_window import MainWindow
from wardapp.ui.qt_setup import application
from wardapp.ui.settings import AppSettings, SettingsStore
from wardapp.ui.sign_in import SignInDialog


def user_settings() -> tuple[AppSettings, SettingsStore]:
    """The user's settings, with the text size applied before any widget is made."""
    store = SettingsStore()
    settings = store.load()
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_font_scale(app, settings.font_scale)
    return settings, store


def show_window(profile: Profile, sync_interval_s: float | None = None) -> MainWindow:
    """The main window on an open profile, shown, with background sync started."""
    settings, store = user_settings()
    engine = Engine(profile, sync_interval_s or settings.sync_interval_s)
    window = MainWindow(
        engine, profile.ward_set(), profile.taxonomy(), settings=settings, settings_store=store
    )
    window.show()
    engine.start()
    return window


class FirstSignIn(QObject):
    """Makes the profile from the dialog's server address and signs in, off the UI thread."""

    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, folder: Path, passphrase: str | None, ca_bundle: str | None = None) -> None:
        super().__init__()
        self.folder = folder
        self.passphrase = passphrase
        self.ca_bundle = ca_bundle

    def attempt(self, url: str, username: str, password: str) -> None:
        def work() -> None:
            try:
                profile = Profile.open(
                    self.folder, url, passphrase=self.passphrase, ca_bundle=self.ca_bundle
                )
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


def open_profile(
    folder: Path, passphrase: str | None, ca_bundle: str | None = None
) -> Profile | None:
    """The existing profile, asking for its passphrase when it has one; None if none exists."""
    if not (folder / "profile.json").exists():
        return None
    while True:
        try:
            return Profile.open(folder, passphrase=passphrase, ca_bundle=ca_bundle)
        except ClientError as exc:
            if "passphrase" not in str(exc):
                raise
            passphrase = _ask_passphrase(f"{exc}\n\nPassphrase:")
            if passphrase is None:
                raise


def run_app(folder: Path, passphrase: str | None = None) -> int:
    app = application()
    windows: list[MainWindow] = []
    settings, _store = user_settings()
    try:
        profile = open_profile(folder, passphrase, settings.ca_bundle_path)
    except ClientError as exc:
        QMessageBox.critical(None, "wardapp", str(exc))
        return 1
    if profile is not None:
        windows.append(show_window(profile))
        return app.exec()
    return _first_run(app, FirstSignIn(folder, passphrase, settings.ca_bundle_path), windows.append)


def _first_run(
    app: QApplication,
    helper: FirstSignIn,
    keep: Callable[[MainWindow], None],
) -> int:
    dialog = SignInDialog(None)

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
