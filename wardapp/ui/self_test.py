"""`wardapp --self-test`: the real main window, offscreen, with its map loaded from disk.

It needs no profile, server or keyring: a throwaway profile protected by a random passphrase
lives in a temporary folder, and background sync is not started.
"""

import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from wardapp.client.profile import Profile
from wardapp.ui import background

TIMEOUT_S = 60.0
UNUSED_SERVER = "http://127.0.0.1:9"  # never contacted: sync does not start


def since_process_start_ms() -> int | None:
    """Milliseconds since this process started (Linux; None elsewhere), for cold start."""
    try:
        with open("/proc/self/stat") as stat, open("/proc/uptime") as uptime:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
            seconds_up = float(uptime.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return round((seconds_up - ticks / os.sysconf("SC_CLK_TCK")) * 1000)


def map_checks(timeout_s: float = TIMEOUT_S) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("MESA_SHADER_CACHE_DISABLE", "true")  # leave no files behind
    started = time.perf_counter()
    result: dict[str, Any] = {}
    with (
        tempfile.TemporaryDirectory(prefix="wardapp-self-test-") as folder,
        background.lane("self-test") as opener,
    ):
        # The throwaway profile's key is derived with Argon2 (C code, GIL released): it is
        # worked out while Qt and the window's modules load, not before.
        opening = opener.submit(
            Profile.open,
            Path(folder) / "profile",
            UNUSED_SERVER,
            passphrase=secrets.token_urlsafe(16),
        )
        from PySide6.QtCore import QTimer

        from wardapp.ui.engine import Engine
        from wardapp.ui.main_window import MainWindow
        from wardapp.ui.qt_setup import application

        app = application()
        profile = opening.result()
        engine = Engine(profile)
        wards = profile.ward_set()
        # The page is built in the temporary folder: a self-test leaves nothing behind.
        window = MainWindow(engine, wards, profile.taxonomy(), Path(folder))
        window.show()
        result["cold_start_ms"] = since_process_start_ms()

        def read() -> None:
            window.map.read_state(finish)

        def finish(state: dict[str, Any]) -> None:
            result["page"] = state
            if state.get("wardsDrawn") or time.perf_counter() - started > timeout_s:
                app.quit()
            else:
                QTimer.singleShot(100, read)

        window.map.ready.connect(read)
        QTimer.singleShot(int(timeout_s * 1000), app.quit)
        app.exec()  # quitting asks the window to close, which closes the profile
        page = result.pop("page", {})
        result.update(
            map_ready=window.map.is_ready,
            leaflet=bool(page.get("leaflet")),
            wards_drawn=int(page.get("wardsDrawn", 0)),
            wards=len(wards),
            blocked_requests=list(window.map.guard.blocked),
            console_errors=list(window.map.map_page.console_errors) + list(page.get("errors", [])),
            map_loaded_ms=round((time.perf_counter() - started) * 1000),
        )
    result["map_ok"] = (
        result["map_ready"]
        and result["leaflet"]
        and result["wards_drawn"] == result["wards"] > 0
        and not result["blocked_requests"]
        and not result["console_errors"]
    )
    return result
