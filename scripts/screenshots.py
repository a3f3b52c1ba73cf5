#!/usr/bin/env python3
"""Screenshots of the main views, as a person sees them, into docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--font-scale 2]

Runs the demo (a seeded AIM store on loopback, the demo councillor signed in) on a virtual
screen: it starts itself under xvfb-run when there is no display (Debian: apt install xvfb).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SIZE = (1440, 900)


def wait_until(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        QApplication.processEvents()
        time.sleep(0.02)


def pause(seconds: float) -> None:
    end = time.monotonic() + seconds
    wait_until(lambda: time.monotonic() > end, seconds + 5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--font-scale", type=float, default=1.0, choices=(1.0, 1.25, 1.5, 2.0))
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        if not shutil.which("xvfb-run"):
            sys.exit("No display and no xvfb-run: install xvfb (apt install xvfb).")
        screen = f"-screen 0 {SIZE[0] + 40}x{SIZE[1] + 60}x24"
        command = ["xvfb-run", "-a", "-s", screen, sys.executable, *sys.argv]
        return subprocess.call(command)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QWidget

    from wardapp.aimstore.embedded import EmbeddedStore
    from wardapp.aimstore.seed import DEMO_PASSWORD, DEMO_USER
    from wardapp.core.wards import default_ward_set
    from wardapp.ui.demo import start_demo
    from wardapp.ui.qt_setup import application
    from wardapp.ui.settings import AppSettings, SettingsStore
    from wardapp.ui.settings_dialog import SettingsDialog
    from wardapp.ui.sign_in import SignInDialog

    # The user's own settings stay out of it: a temporary settings file with this text size.
    settings_home = tempfile.mkdtemp(prefix="wardapp-shots-config-")
    os.environ["XDG_CONFIG_HOME"] = settings_home
    percent = int(args.font_scale * 100)
    _app = application()  # kept for the whole run
    SettingsStore().save(AppSettings(font_scale=percent))
    suffix = "" if percent == 100 else f"-{percent}pct"
    OUT.mkdir(parents=True, exist_ok=True)

    def shoot(widget: QWidget, name: str) -> None:
        screen = QGuiApplication.primaryScreen()
        pause(0.8)  # let the web view paint
        picture = screen.grabWindow(widget.winId())
        path = OUT / f"{name}{suffix}.png"
        picture.save(str(path))
        print(f"saved {path.relative_to(ROOT)}")

    with tempfile.TemporaryDirectory(prefix="wardapp-shots-") as folder:
        store = EmbeddedStore(Path(folder) / "store")
        store.database.parent.mkdir()
        window = start_demo(
            Path(folder) / "profile", store.url, store.start, (DEMO_USER, DEMO_PASSWORD)
        )
        try:
            window.resize(*SIZE)
            window.move(0, 0)
            shown = lambda: window.my_reports.model.snapshot  # noqa: E731 - the reports on screen
            wait_until(lambda: window.map.is_ready and len(shown().ids) > 0, 120)
            ward = next(w for w in default_ward_set().wards if w.code in window.user["wards"])
            window.map.zoom_to_ward(ward.code)
            window.tabs.setCurrentWidget(window.my_reports)
            shoot(window, "map-with-reports")

            reports = [shown().mine(row) for row in range(len(shown().ids))]
            noted = next((r for r in reports if r.status_note), reports[0])
            window.my_reports.select_report(noted.id)
            window.map.focus_report(noted.id)
            shoot(window, "my-reports")

            window.new_report()
            point = ward.geometry.representative_point()
            window.go_to_point(point.y, point.x)
            form = window.form
            form.category.setCurrentIndex(form.category.findData("motorbike_misuse"))
            form.description.setPlainText("Two off-road bikes on the field behind the shops.")
            shoot(window, "report-form")

            dialog = SignInDialog(window, server_url=store.url)
            dialog.show()
            shoot(dialog, "sign-in")
            dialog.close()

            settings = SettingsDialog(window.preferences.settings, window)
            settings.show()
            shoot(settings, "settings")
            settings.close()

            window.form.clear()  # the report above is not part of the summary's pictures
            window.map.clear_pin()
            window.map.map_page.runJavaScript("wardmap.map.closePopup()")
            summary = window.summary
            window.show_summary()
            wait_until(lambda: summary.review is not None, 120)
            pause(1.5)  # the map flies to the ward
            shoot(window, "ward-summary")
            summary.sections.setCurrentIndex(2)
            shoot(window, "ward-summary-actions")
            summary.compare.setChecked(True)
            wait_until(lambda: summary.overview is not None, 120)
            pause(1.5)
            shoot(window, "overview")
        finally:
            window.close()
            store.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
