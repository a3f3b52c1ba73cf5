"""Checks that a window stays readable with large text: nothing cut off, 200% text on demand."""

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from wardapp.ui.font_scale import apply_font_scale


@pytest.fixture
def double_text(qapp: QApplication) -> Iterator[None]:
    """The app's text at 200% for one test, as a councillor with low vision would set it."""
    apply_font_scale(qapp, 200)
    try:
        yield
    finally:
        apply_font_scale(qapp, 100)


def assert_nothing_clipped(window: QWidget) -> None:
    """Every visible label and button has the room its text needs."""
    for label in window.findChildren(QLabel):
        if not label.isVisibleTo(window) or not label.text():
            continue
        if label.wordWrap():
            assert label.heightForWidth(label.width()) <= label.height(), label.text()
        else:
            assert label.sizeHint().width() <= label.width(), label.text()
            assert label.sizeHint().height() <= label.height(), label.text()
    for button in window.findChildren(QAbstractButton):
        if button.isVisibleTo(window):
            assert button.sizeHint().width() <= button.width(), button.text()
