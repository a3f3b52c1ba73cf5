"""Larger text for councillors who need it: the app's font and the map page follow one setting.

Scaling always starts from the font the app had before the first change, so choosing 150%
and then 100% gives back exactly the system's size, not a rounded copy of a copy.
"""

from PySide6.QtGui import QFont
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication

BASE_FONT = "wardappBaseFont"  # application property: the font before any scaling


def base_font(app: QApplication) -> QFont:
    """The app's font as it was before ``apply_font_scale`` first changed it."""
    kept = app.property(BASE_FONT)
    if isinstance(kept, QFont):
        return QFont(kept)
    original = QFont(app.font())
    app.setProperty(BASE_FONT, original)
    return QFont(original)


def scaled_font(font: QFont, percent: int) -> QFont:
    scaled = QFont(font)
    if font.pointSizeF() > 0:
        scaled.setPointSizeF(font.pointSizeF() * percent / 100)
    else:  # a font sized in pixels
        scaled.setPixelSize(max(1, round(font.pixelSize() * percent / 100)))
    return scaled


def apply_font_scale(app: QApplication, percent: int) -> None:
    """Every widget without a font of its own follows; call again with 100 to undo."""
    if percent <= 0:
        raise ValueError(f"text size must be a positive percentage, not {percent}")
    app.setFont(scaled_font(base_font(app), percent))


def apply_font_scale_to_view(view: QWebEngineView, percent: int) -> None:
    """The map page zooms as a browser would: its writing, controls and markers grow together."""
    if percent <= 0:
        raise ValueError(f"text size must be a positive percentage, not {percent}")
    view.setZoomFactor(percent / 100)
