"""The window half of `wardapp demo`: the app opens at once, signs in when the store is up.

The store itself is started by the entry point (the widgets never import server code); this
module only receives functions to start and stop it.
"""

import secrets
from collections.abc import Callable
from pathlib import Path

from wardapp.client.profile import Profile
from wardapp.ui.launch import show_window
from wardapp.ui.main_window import MainWindow
from wardapp.ui.qt_setup import application

DEMO_SYNC_INTERVAL_S = 30.0
StartStore = Callable[[Callable[[str | None], None]], None]


def start_demo(
    profile_folder: Path, server_url: str, start_store: StartStore, account: tuple[str, str]
) -> MainWindow:
    """Shows the window now; signs in as the demo councillor once the store answers."""
    # A throwaway profile: its key is a random passphrase that dies with the process, so the
    # demo needs no keyring.
    profile = Profile.open(profile_folder, server_url, passphrase=secrets.token_urlsafe(16))
    window = show_window(profile, DEMO_SYNC_INTERVAL_S)
    window.statusBar().showMessage("Starting the demo AIM store on this computer…")
    username, password = account

    def store_ready(problem: str | None) -> None:  # on the store's thread
        if problem is None:
            window.engine.sign_in(username, password)
        else:
            window.engine.failed.emit(f"{problem} Reports you save stay on this computer.")

    start_store(store_ready)
    return window


def run_demo_window(
    profile_folder: Path,
    server_url: str,
    start_store: StartStore,
    stop_store: Callable[[], None],
    account: tuple[str, str],
) -> int:
    app = application()
    window = start_demo(profile_folder, server_url, start_store, account)
    try:
        return app.exec()
    finally:
        window.engine.close()
        stop_store()
