"""The settings dialog: fields by kind of street map, messages by fields, keyboard, 200% text."""

import re
from pathlib import Path

import certifi
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.support.tiles import make_mbtiles
from tests.ui.readability import assert_nothing_clipped, double_text  # noqa: F401 (fixture)
from wardapp.ui.field_errors import WARNING
from wardapp.ui.font_scale import base_font
from wardapp.ui.settings import OPTIONS, AppSettings
from wardapp.ui.settings_dialog import SECTIONS, SettingsDialog

SERVER = "https://aim.example.org"
TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
STREET_MAP_FIELDS = ("mbtiles_path", "tile_url", "tile_attribution", "offline_areas_allowed")


@pytest.fixture
def dialog(qtbot: QtBot) -> SettingsDialog:
    box = SettingsDialog(AppSettings(server_url=SERVER))
    qtbot.addWidget(box)
    box.choose_file = lambda *_args: pytest.fail("no file dialog expected")  # would block
    return box


def choose_basemap(dialog: SettingsDialog, kind: str) -> None:
    combo = dialog.fields["basemap"].editor
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(kind))


def type_into(qtbot: QtBot, dialog: SettingsDialog, name: str, text: str) -> None:
    edit = dialog.fields[name].editor
    assert isinstance(edit, QLineEdit)
    edit.clear()
    qtbot.keyClicks(edit, text)


def control(widget: QWidget) -> QWidget:
    """The control a widget belongs to: a number box, not the line edit inside it."""
    parent = widget.parentWidget()
    return parent if isinstance(parent, QAbstractSpinBox) else widget


def focusable(dialog: QWidget, enabled_only: bool = True) -> list[QWidget]:
    """Every control a keyboard user can reach (not Qt's inner parts); disabled ones too?"""
    return [
        w
        for w in dialog.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.window() is dialog  # a list's drop-down is a window of its own
        and control(w) is w
        and (w.isEnabled() or not enabled_only)
        and w.isVisibleTo(dialog)
    ]


def tab_chain(qtbot: QtBot, dialog: QWidget, first: QWidget) -> list[QWidget]:
    """Where the Tab key really goes: from ``first`` until focus comes back round."""
    dialog.show()
    qtbot.waitExposed(dialog)
    first.setFocus(Qt.FocusReason.TabFocusReason)
    assert dialog.focusWidget() is first
    chain = [first]
    for _ in range(100):
        qtbot.keyClick(chain[-1], Qt.Key.Key_Tab)
        widget = dialog.focusWidget()
        widget = control(widget) if widget is not None else None
        if widget is None or widget is first or widget is chain[-1]:
            break
        chain.append(widget)
    return chain


def test_every_option_is_on_the_dialog_once() -> None:
    placed = [name for _title, names in SECTIONS for name in names]
    assert sorted(placed) == sorted(OPTIONS)


def test_the_server_is_shown_but_cannot_be_changed(dialog: SettingsDialog) -> None:
    server = dialog.fields["server_url"].editor
    assert isinstance(server, QLineEdit)
    assert server.text() == SERVER and server.isReadOnly()
    assert "new profile" in dialog.fields["server_url"].help.text()


@pytest.mark.parametrize(
    ("kind", "enabled"),
    [
        ("none", set()),
        ("mbtiles", {"mbtiles_path"}),
        ("online", {"tile_url", "tile_attribution", "offline_areas_allowed", "tile_cache_mb"}),
    ],
)
def test_only_the_fields_of_the_chosen_street_map_can_be_edited(
    dialog: SettingsDialog, kind: str, enabled: set[str]
) -> None:
    choose_basemap(dialog, kind)
    for name in (*STREET_MAP_FIELDS, "tile_cache_mb"):
        field = dialog.fields[name]
        assert field.editor.isEnabled() == (name in enabled), name
        if field.button is not None:
            assert field.button.isEnabled() == (name in enabled), name
    for name in ("ca_bundle", "sync_interval_min", "font_scale", "basemap"):
        assert dialog.fields[name].editor.isEnabled()


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("https://tiles.example.org/{x}/{y}.png", "{z}"),
        ("http://tiles.example.org/{z}/{x}/{y}.png", "https://"),
    ],
)
def test_an_unusable_tile_address_is_refused_beside_its_field(
    qtbot: QtBot, dialog: SettingsDialog, address: str, words: str
) -> None:
    chosen: list[object] = []
    dialog.settingsChosen.connect(chosen.append)
    dialog.show()
    choose_basemap(dialog, "online")
    type_into(qtbot, dialog, "tile_url", address)
    type_into(qtbot, dialog, "tile_attribution", "© Example")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    message = dialog.error_text("tile_url")
    assert message.startswith(WARNING) and words in message  # a sign and words, not colour
    assert dialog.fields["tile_url"].editor.accessibleDescription() == message
    assert chosen == [] and dialog.isVisible()
    assert dialog.focusWidget() is dialog.fields["tile_url"].editor
    type_into(qtbot, dialog, "tile_url", TILES)
    assert dialog.error_text("tile_url") == ""  # typing clears it


def test_good_settings_are_emitted_and_the_dialog_closes(
    qtbot: QtBot, dialog: SettingsDialog, tmp_path: Path
) -> None:
    map_file = tmp_path / "streets.mbtiles"
    make_mbtiles(map_file, zooms=range(12, 13))
    picked = iter([certifi.where(), str(map_file)])
    dialog.choose_file = lambda _title, _start, _filter: next(picked)
    dialog.show()
    qtbot.mouseClick(dialog.fields["ca_bundle"].button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    choose_basemap(dialog, "mbtiles")
    qtbot.mouseClick(dialog.fields["mbtiles_path"].button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    dialog.fields["sync_interval_min"].set_value(10)
    dialog.fields["font_scale"].set_value(150)
    with qtbot.waitSignal(dialog.settingsChosen) as emitted:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    expected = AppSettings(
        server_url=SERVER,
        ca_bundle=certifi.where(),
        basemap="mbtiles",
        mbtiles_path=str(map_file),
        sync_interval_min=10,
        font_scale=150,
    )
    assert emitted.args == [expected]
    assert dialog.chosen == expected
    assert dialog.result() == SettingsDialog.DialogCode.Accepted


def test_a_missing_map_file_is_asked_for(qtbot: QtBot, dialog: SettingsDialog) -> None:
    dialog.show()
    choose_basemap(dialog, "mbtiles")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert ".mbtiles" in dialog.error_text("mbtiles_path")
    choose_basemap(dialog, "none")  # the field is disabled: its message goes with it
    assert dialog.error_text("mbtiles_path") == ""


def test_every_control_has_an_accessible_name_and_labels_have_buddies(
    dialog: SettingsDialog,
) -> None:
    for widget in focusable(dialog, enabled_only=False):
        assert widget.accessibleName(), type(widget).__name__
    keys = []
    for label in dialog.findChildren(QLabel):
        if "&" in label.text():
            assert label.buddy() is not None, label.text()
            keys.append(re.search(r"&(\w)", label.text()).group(1).lower())  # type: ignore[union-attr]
    for field in dialog.fields.values():
        if field.label is not None:
            assert field.label.buddy() is field.editor
    assert len(keys) == len(set(keys)), keys  # each Alt+ key opens one field


@pytest.mark.parametrize("kind", ["none", "mbtiles", "online"])
def test_tab_reaches_every_enabled_control_in_screen_order(
    qtbot: QtBot, dialog: SettingsDialog, kind: str
) -> None:
    choose_basemap(dialog, kind)
    chain = tab_chain(qtbot, dialog, dialog.fields["server_url"].editor)
    assert set(focusable(dialog)) <= set(chain)
    order = [w for f in dialog.fields.values() for w in f.focusable() if w.isEnabled()]
    assert chain[: len(order)] == order
    assert chain[len(order) :] == [dialog.save_button, dialog.cancel_button]


@pytest.mark.usefixtures("double_text")
def test_at_200_percent_the_dialog_fits_the_screen_and_scrolls(
    qtbot: QtBot, qapp: QApplication
) -> None:
    dialog = SettingsDialog(AppSettings(server_url=SERVER, basemap="online"))
    qtbot.addWidget(dialog)
    assert dialog.font().pointSizeF() == pytest.approx(2 * base_font(qapp).pointSizeF())
    dialog.show()
    qtbot.waitExposed(dialog)
    screen = dialog.screen().availableGeometry()
    assert dialog.width() <= screen.width() and dialog.height() <= screen.height()
    scroll = dialog.scroll_area
    assert scroll.horizontalScrollBar().maximum() == 0  # no sideways scrolling to read
    assert scroll.verticalScrollBar().maximum() > 0  # taller than the screen: it scrolls
    assert_nothing_clipped(dialog)
    last = dialog.fields["font_scale"].editor
    chain = tab_chain(qtbot, dialog, dialog.fields["server_url"].editor)
    assert last in chain  # and tabbing there scrolled it into view:
    viewport = scroll.viewport()
    assert viewport.rect().contains(last.mapTo(viewport, last.rect().center()))


@pytest.mark.usefixtures("double_text")
def test_the_wheel_scrolls_past_a_number_it_is_not_editing(qtbot: QtBot) -> None:
    dialog = SettingsDialog(AppSettings(basemap="online"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    spin = dialog.fields["tile_cache_mb"].editor
    assert isinstance(spin, QSpinBox) and not spin.hasFocus()
    centre = QPointF(spin.rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(spin.mapToGlobal(spin.rect().center())),
        QPoint(0, 0),
        QPoint(0, -120),  # one notch towards the user: scroll down
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    before = dialog.scroll_area.verticalScrollBar().value()
    QApplication.sendEvent(spin, wheel)
    assert spin.value() == 500
    assert dialog.scroll_area.verticalScrollBar().value() > before
