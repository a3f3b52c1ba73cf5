"""The settings dialog: one control per option in wardapp.ui.settings, built from its declaration.

The dialog edits a copy. On Save it checks the copy with ``settings.validate`` and shows each
problem beside its field (with a ⚠ sign and in words, never by colour alone); when there are
none it emits ``settingsChosen`` and closes. It saves and applies nothing: the window does.
Everything sits in a scroll area, so the dialog still fits the screen at 200% text size.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from wardapp.ui.field_errors import FieldErrors, error_label
from wardapp.ui.plain_text import plain_label
from wardapp.ui.settings import DEFAULTS, OPTIONS, AppSettings, Option, relevant_fields, validate

# Where each option goes on screen: a layout choice, so it lives here and not in settings.py.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AIM store", ("server_url", "ca_bundle")),
    (
        "Street map",
        (
            "basemap",
            "mbtiles_path",
            "tile_url",
            "tile_attribution",
            "offline_areas_allowed",
            "tile_cache_mb",
        ),
    ),
    ("Sync and text size", ("sync_interval_min", "font_scale")),
)
FileChooser = Callable[[str, str, str], str]  # (title, start folder, filter) -> path or ""


@dataclass
class _Field:
    """The widgets of one option: its label, its control, a Choose… button for files."""

    name: str
    option: Option
    editor: QWidget
    label: QLabel | None
    button: QPushButton | None
    help: QLabel

    def value(self) -> Any:
        editor = self.editor
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QSpinBox):
            return editor.value()
        assert isinstance(editor, QLineEdit)
        return editor.text().strip()

    def set_value(self, value: Any) -> None:
        editor = self.editor
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QCheckBox):
            editor.setChecked(bool(value))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value))
        elif isinstance(editor, QLineEdit):
            editor.setText(str(value))

    def set_enabled(self, enabled: bool) -> None:
        for widget in (self.label, self.editor, self.button, self.help):
            if widget is not None:
                widget.setEnabled(enabled)

    def focusable(self) -> list[QWidget]:
        return [self.editor] + ([self.button] if self.button is not None else [])


def _unit(unit: str, value: int) -> str:
    """ " 1 minute", " 2 minutes": the words after a number, singular for one."""
    return f" {unit[:-1] if value == 1 and unit.endswith('s') else unit}"


class _WheelGuard(QObject):
    """A scroll wheel over a list or number that is not being edited scrolls the dialog.

    Otherwise scrolling down the settings would change whatever passed under the pointer.
    """

    def __init__(self, scroll_area: QScrollArea) -> None:
        super().__init__(scroll_area)
        self.scroll_area = scroll_area

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
        ):
            QApplication.sendEvent(self.scroll_area.verticalScrollBar(), event)
            return True
        return False


class SettingsDialog(QDialog):
    """Edits a copy of ``settings``; on Save emits ``settingsChosen`` (AppSettings) and closes.

    ``choose_file`` asks for a file (tests replace it: a real file dialog would wait forever).
    """

    settingsChosen = Signal(object)

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("wardapp settings")
        self.initial = settings
        self.chosen: AppSettings | None = None
        self.choose_file: FileChooser = self._file_dialog
        self._errors = FieldErrors()
        self.scroll_area = QScrollArea()
        self._wheel_guard = _WheelGuard(self.scroll_area)
        self.fields: dict[str, _Field] = {}

        content = QWidget()
        column = QVBoxLayout(content)
        for title, names in SECTIONS:
            group = QGroupBox(title)
            rows = QVBoxLayout(group)
            for name in names:
                rows.addWidget(self._row(name, getattr(settings, name)))
            column.addWidget(group)
        column.addStretch(1)

        self.scroll_area.setWidget(content)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.save_button = QPushButton("Save")
        self.save_button.setAccessibleName("Save settings")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel")
        buttons = QDialogButtonBox()
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self._save_clicked)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(buttons)

        basemap = self.fields["basemap"].editor
        assert isinstance(basemap, QComboBox)
        basemap.currentIndexChanged.connect(self._basemap_changed)
        self._basemap_changed()
        chain = [w for f in self.fields.values() for w in f.focusable()]
        chain += [self.save_button, self.cancel_button]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.fields["ca_bundle"].editor.setFocus()
        self._fit_to_screen(content, buttons)

    # --- building -----------------------------------------------------------------------------
    def _row(self, name: str, value: Any) -> QWidget:
        option = OPTIONS[name]
        editor = self._editor(option, type(DEFAULTS[name]))
        editor.setAccessibleName(option.plain_label)
        editor.setAccessibleDescription(option.help)
        label: QLabel | None = None
        if not isinstance(editor, QCheckBox):  # a tick box carries its own label
            label = plain_label(option.label)
            label.setWordWrap(True)
            label.setBuddy(editor)
        button: QPushButton | None = None
        if option.file_filter:
            button = QPushButton("Choose…")
            button.setAccessibleName(f"Choose the {option.plain_label.lower()}")
            button.clicked.connect(lambda _checked=False, n=name: self._choose(n))
        help_text = plain_label(option.help)
        help_text.setWordWrap(True)
        help_text.setTextFormat(Qt.TextFormat.PlainText)
        error = error_label()
        self._errors.add(name, error, [editor])

        box = QWidget()
        rows = QVBoxLayout(box)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(2)
        if label is not None:
            rows.addWidget(label)
        line = QHBoxLayout()
        line.addWidget(editor, 1)
        if button is not None:
            line.addWidget(button)
        rows.addLayout(line)
        rows.addWidget(help_text)
        rows.addWidget(error)

        field = _Field(name, option, editor, label, button, help_text)
        field.set_value(value)
        self.fields[name] = field
        self._clear_on_edit(name, editor)
        return box

    def _editor(self, option: Option, kind: type) -> QWidget:
        """A list for choices, a tick box for yes/no, a number box, else a line of text."""
        if option.choices:
            combo = QComboBox()
            for choice, words in option.choices:
                combo.addItem(words, choice)
            combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            combo.installEventFilter(self._wheel_guard)
            return combo
        if kind is bool:
            return QCheckBox(option.label)
        if kind is int:
            spin = QSpinBox()
            spin.setRange(option.minimum or 0, option.maximum or 1_000_000)
            if option.unit:
                spin.valueChanged.connect(lambda value: spin.setSuffix(_unit(option.unit, value)))
                spin.setSuffix(_unit(option.unit, spin.value()))
            spin.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            spin.installEventFilter(self._wheel_guard)
            return spin
        edit = QLineEdit()
        edit.setReadOnly(not option.stored)
        return edit

    def _clear_on_edit(self, name: str, editor: QWidget) -> None:
        def clear(*_args: object) -> None:
            self._errors.clear(name)

        if isinstance(editor, QLineEdit):
            editor.textEdited.connect(clear)
        elif isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(clear)
        elif isinstance(editor, QSpinBox):
            editor.valueChanged.connect(clear)
        elif isinstance(editor, QCheckBox):
            editor.toggled.connect(clear)

    def _fit_to_screen(self, content: QWidget, buttons: QWidget) -> None:
        """As large as the settings need, but never larger than the screen (it scrolls)."""
        screen = self.screen().availableGeometry()
        layout = self.layout()
        assert layout is not None
        margins = layout.contentsMargins()
        scroll_bar = self.scroll_area.verticalScrollBar().sizeHint().width()
        extra_w = margins.left() + margins.right() + scroll_bar
        extra_h = margins.top() + margins.bottom() + layout.spacing()
        width = max(content.sizeHint().width(), self.fontMetrics().averageCharWidth() * 70)
        height = content.sizeHint().height() + buttons.sizeHint().height()
        self.resize(
            min(width + extra_w, int(screen.width() * 0.95)),
            min(height + extra_h, int(screen.height() * 0.9)),
        )

    # --- behaviour ----------------------------------------------------------------------------
    def _basemap_changed(self) -> None:
        """Only the settings that matter with the chosen street map can be edited."""
        relevant = relevant_fields(self.fields["basemap"].value())
        for name, field in self.fields.items():
            enabled = name in relevant
            field.set_enabled(enabled)
            if not enabled:
                self._errors.clear(name)

    def _file_dialog(self, title: str, start: str, name_filter: str) -> str:
        path, _filter = QFileDialog.getOpenFileName(self, title, start, name_filter)
        return path

    def _choose(self, name: str) -> None:
        field = self.fields[name]
        edit = field.editor
        assert isinstance(edit, QLineEdit)
        current = edit.text().strip()
        start = str(Path(current).expanduser().parent) if current else str(Path.home())
        path = self.choose_file(field.option.plain_label, start, field.option.file_filter)
        if path:
            edit.setText(path)
            self._errors.clear(name)
            edit.setFocus()

    def values(self) -> AppSettings:
        """The settings as the dialog shows them now (not yet checked)."""
        changed = {n: f.value() for n, f in self.fields.items() if f.option.stored}
        return replace(self.initial, **changed)

    def error_text(self, name: str) -> str:
        """The message shown beside ``name``, or '' (for tests and screen readers alike)."""
        return self._errors.text(name)

    def _save_clicked(self) -> None:
        chosen = self.values()
        problems = validate(chosen)
        self._errors.clear_all()
        for name, text in problems.items():
            self._errors.show(name, text)
        if problems:
            first = self._errors.focus_first(list(problems))
            if first is not None:
                self.scroll_area.ensureWidgetVisible(first)
            return
        self.chosen = chosen
        self.settingsChosen.emit(chosen)
        self.accept()
