"""What must happen before the QApplication exists (PITFALLS.md, "Qt and QtWebEngine")."""

import os
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication

APP_NAME = "wardapp"


def prepare_environment() -> None:
    """Chromium refuses to run as root without --no-sandbox; append it, keep the user's flags."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags.split():
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()
    # The schemes must precede the app.
    from wardapp.ui.page_scheme import register_page_scheme
    from wardapp.ui.tile_scheme import register_tile_scheme

    register_page_scheme()
    register_tile_scheme()


def application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication, made after the environment is ready (or the existing one)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    prepare_environment()
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("wardapp")
    return app
