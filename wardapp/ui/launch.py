"""Opening the app: the profile (asking for a server and account on first use), then the window."""

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from wardapp.client.errors import ClientError, StoreUnreadable
from wardapp.client.keys import PassphraseTooShort
from wardapp.client.profile import Profile
from wardapp.ui import background
from wardapp.ui.engine import Engine
from wardapp.ui.font_scale import apply_font_scale
from wardapp.ui.main_window import MainWindow
from wardapp.ui.plain_text import fail
from wardapp.ui.qt_setup import application
from wardapp.ui.settings import AppSettings, SettingsStore
from wardapp.ui.sign_in import SignInDialog

log = logging.getLogger(__name__)


def user_settings() -> tuple[AppSettings, SettingsStore]:
    """The user's settings, with the text size applied before any widget is made."""
    store = SettingsStore()
    settings = store.load()
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_font_scale(app, settings.font_scale)
    return settings, store


def show_window(
    profile: Profile,
    sync_interval_s: float | None = None,
    user: tuple[AppSettings, SettingsStore] | None = None,
) -> MainWindow:
    """The main window on an open profile, shown, with background sync started."""
    settings, store = user or user_settings()
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
            fresh = not self.folder.exists()
            try:
                profile = Profile.open(
                    self.folder, url, passphrase=self.passphrase, ca_bundle=self.ca_bundle
                )
            except Exception as exc:
                self._give_up(exc, fresh)
                return
            try:
                profile.sign_in(username, password)
            except Exception as exc:
                profile.close()
                self._give_up(exc, fresh)
                return
            self.succeeded.emit(profile)

        background.start(work, "first-sign-in")

    def _give_up(self, exc: Exception, fresh: bool) -> None:
        """Says why in words; a profile made for a mistyped address is not kept."""
        if fresh:
            shutil.rmtree(self.folder, ignore_errors=True)
        if isinstance(exc, ClientError):
            self.failed.emit(str(exc))
        else:
            log.exception("first sign-in failed")
            self.failed.emit(
                f"wardapp could not set up your profile in {self.folder}. "
                "Check that the folder can be written to, then try again."
            )


def _ask_passphrase(message: str) -> str | None:
    text, ok = QInputDialog.getText(None, "wardapp", message, QLineEdit.EchoMode.Password)
    return text if ok and text else None


def open_profile(
    folder: Path, passphrase: str | None, ca_bundle: str | None = None
) -> Profile | None:
    """The existing profile, asking for its passphrase when it has one; None if the user
    would rather not type it."""
    protected = json.loads((folder / "profile.json").read_text()).get("key_source") == "passphrase"
    prompt = "This profile is protected by a passphrase.\n\nPassphrase:"
    while True:
        if protected and passphrase is None:
            passphrase = _ask_passphrase(prompt)
            if passphrase is None:
                return None
        try:
            return Profile.open(folder, passphrase=passphrase, ca_bundle=ca_bundle)
        except PassphraseTooShort as exc:  # a profile whose key was never made: a new one
            passphrase = None
            prompt = f"{exc}\n\nPassphrase:"
        except StoreUnreadable:
            if not protected:
                raise
            passphrase = None
            prompt = "That passphrase did not open the profile. Try again.\n\nPassphrase:"


def run_app(folder: Path, passphrase: str | None = None) -> int:
    app = application()
    windows: list[MainWindow] = []
    user = user_settings()
    settings = user[0]
    if (folder / "profile.json").exists():
        try:
            profile = open_profile(folder, passphrase, settings.ca_bundle_path)
        except ClientError as exc:
            fail(None, "wardapp", str(exc))
            return 1
        if profile is None:
            return 0
        windows.append(show_window(profile, user=user))
        return app.exec()
    first = FirstSignIn(folder, passphrase, settings.ca_bundle_path)
    return _first_run(app, first, lambda profile: windows.append(show_window(profile, user=user)))


def _first_run(
    app: QApplication,
    helper: FirstSignIn,
    open_window: Callable[[Profile], None],
) -> int:
    dialog = SignInDialog(None)

    def signed_in(profile: Profile) -> None:
        open_window(profile)
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
