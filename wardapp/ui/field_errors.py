"""Error lines beside form fields, shared by the report form and the sign-in dialog.

A message never relies on colour alone (it starts with "⚠") and is copied into the field's
accessible description, so a screen reader says what to fix when the field gets focus.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from wardapp.ui.plain_text import plain_label

WARNING = "⚠ "


def error_label() -> QLabel:
    """A hidden warning line; the symbol and wording carry the meaning, colour only helps."""
    label = plain_label()
    label.setWordWrap(True)
    dark = label.palette().color(QPalette.ColorRole.Window).lightness() < 128
    label.setStyleSheet(f"QLabel {{ color: {'#ff9e9e' if dark else '#a4000f'}; }}")
    label.hide()
    return label


@dataclass
class _Slot:
    label: QLabel
    widgets: Sequence[QWidget]
    focus: Callable[[], QWidget]
    descriptions: dict[int, str] = field(default_factory=dict)


class FieldErrors:
    """Named error lines, in the order the fields appear on screen."""

    def __init__(self) -> None:
        self._slots: dict[str, _Slot] = {}

    def add(
        self,
        name: str,
        label: QLabel,
        widgets: Sequence[QWidget],
        focus: Callable[[], QWidget] | None = None,
    ) -> None:
        """``focus`` picks the widget to focus (default: the first of ``widgets``)."""
        first = widgets[0]
        self._slots[name] = _Slot(label, widgets, focus or (lambda: first))

    def show(self, name: str, text: str) -> None:
        slot = self._slots[name]
        slot.label.setText(WARNING + text)
        slot.label.show()
        for widget in slot.widgets:
            slot.descriptions.setdefault(id(widget), widget.accessibleDescription())
            widget.setAccessibleDescription(WARNING + text)

    def clear(self, name: str) -> None:
        slot = self._slots[name]
        if slot.label.isHidden():
            return
        slot.label.hide()
        slot.label.clear()
        for widget in slot.widgets:
            widget.setAccessibleDescription(slot.descriptions.pop(id(widget), ""))

    def clear_all(self) -> None:
        for name in self._slots:
            self.clear(name)

    def text(self, name: str) -> str:
        """The message shown for ``name``, or '' when there is none."""
        label = self._slots[name].label
        return "" if label.isHidden() else label.text()

    def focus_first(self, names: Sequence[str]) -> QWidget | None:
        """Focuses the first of ``names`` in screen order; returns it (None if none given)."""
        first = next((n for n in self._slots if n in names), None)
        if first is None:
            return None
        widget = self._slots[first].focus()
        widget.setFocus()
        return widget
