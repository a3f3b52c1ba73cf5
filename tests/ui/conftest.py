"""Qt tests run offscreen with a real QApplication (pytest-qt) and real widgets."""

import os
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui.fixtures import (  # noqa: F401  (fixtures for the whole-window tests)
    live_store,
    make_window,
    profile_env,
    signed_in_profile,
    store_template,
    warnings,
    window,
)
from wardapp.ui.qt_setup import application

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def qapp() -> Iterator[QApplication]:
    """The app's own QApplication set-up (Chromium flags as root), shared by pytest-qt."""
    yield application([])
