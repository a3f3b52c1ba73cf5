"""Qt tests run offscreen with a real QApplication (pytest-qt) and real widgets."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.client.conftest import (  # noqa: F401  (a real AIM store and a signed-in profile)
    demo_profile,
    live_store,
    profile_env,
    seeded_store,
    seeded_template,
    signed_in_profile,
    store_template,
)
from tests.ui.fixtures import make_window, warnings, window  # noqa: F401  (whole-window tests)
from tests.ui.map_page import open_map_view
from wardapp.ui.map_view import MapView
from wardapp.ui.qt_setup import application

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def qapp() -> Iterator[QApplication]:
    """The app's own QApplication set-up (Chromium flags as root), shared by pytest-qt."""
    yield application([])


@pytest.fixture
def map_view(qtbot: QtBot, tmp_path: Path) -> MapView:
    """The real map page, loaded and ready."""
    return open_map_view(qtbot, tmp_path)


@pytest.fixture(autouse=True)
def no_unexpected_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal message box would wait forever offscreen: fail the test instead of hanging."""
    from PySide6.QtWidgets import QMessageBox

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"unexpected message box: {args[1:3]}")

    for name in ("question", "warning", "critical", "information", "about"):
        monkeypatch.setattr(QMessageBox, name, refuse)

    def refuse_box(box: QMessageBox) -> None:
        raise AssertionError(f"unexpected message box: {box.text()}")

    monkeypatch.setattr(QMessageBox, "exec", refuse_box)
