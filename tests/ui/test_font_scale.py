"""Text size: the app's font and the map page follow one setting, and 100% undoes it exactly."""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from tests.ui.map_page import READY_TIMEOUT_MS, run_js
from wardapp.core.taxonomy import default_taxonomy
from wardapp.core.wards import default_ward_set
from wardapp.ui.font_scale import apply_font_scale, apply_font_scale_to_view, base_font
from wardapp.ui.map_view import MapView


def test_the_app_font_scales_from_its_original_size(qtbot: QtBot, qapp: QApplication) -> None:
    original = base_font(qapp).pointSizeF()
    label = QLabel("Ward")
    qtbot.addWidget(label)
    try:
        for percent in (150, 125, 200):
            apply_font_scale(qapp, percent)
            assert qapp.font().pointSizeF() == pytest.approx(original * percent / 100)
            qapp.processEvents()  # Qt tells existing widgets by an event
            assert label.font().pointSizeF() == pytest.approx(original * percent / 100)
    finally:
        apply_font_scale(qapp, 100)
    assert qapp.font().pointSizeF() == original  # not a rounded copy of a copy
    with pytest.raises(ValueError):
        apply_font_scale(qapp, 0)


def test_the_map_page_zooms_with_the_text_and_keeps_it_across_loading(
    qtbot: QtBot, tmp_path: Path
) -> None:
    view = MapView(default_ward_set(), default_taxonomy(), tmp_path)
    qtbot.addWidget(view)
    apply_font_scale_to_view(view, 200)  # before the page has loaded, as at start
    view.resize(900, 700)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=READY_TIMEOUT_MS):
        pass
    assert run_js(qtbot, view, "window.devicePixelRatio") == 2
    assert run_js(qtbot, view, "wardmap.map.getSize().x") == 450  # CSS pixels, now twice as big
    apply_font_scale_to_view(view, 125)  # when the settings change
    qtbot.waitUntil(lambda: run_js(qtbot, view, "window.devicePixelRatio") == 1.25, timeout=5000)
