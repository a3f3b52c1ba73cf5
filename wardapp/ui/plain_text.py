"""Text that came from people or the store, shown as text: never as Qt rich text.

QLabel, QMessageBox and tool tips guess: a string that looks like HTML (a description
"<b>urgent</b>", a username with an <img>, a store's error message with a link) is drawn as
rich text, loading images and showing links. Every label and box that shows data is made
here, with the format fixed to plain text; tool tips, which cannot be told, get the text
escaped instead.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtText
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

Button = QMessageBox.StandardButton


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that shows ``text`` (now and whatever it is set to later) as written."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def tooltip(text: str) -> str:
    """``text`` for setToolTip or a ToolTipRole: a tool tip guesses, and anything Qt would
    take for rich text is escaped (Qt's own conversion), so it shows as written."""
    if not QtText.mightBeRichText(text):
        return text
    return QtText.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpacePre)


def _box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: Button = Button.Ok,
) -> QMessageBox:
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def warn(parent: QWidget | None, title: str, text: str) -> None:
    _box(parent, QMessageBox.Icon.Warning, title, text).exec()


def fail(parent: QWidget | None, title: str, text: str) -> None:
    _box(parent, QMessageBox.Icon.Critical, title, text).exec()


def ask(parent: QWidget | None, title: str, text: str, default_yes: bool = True) -> bool:
    """Yes or No; ``default_yes=False`` for questions whose Yes cannot be undone."""
    box = _box(parent, QMessageBox.Icon.Question, title, text, Button.Yes | Button.No)
    box.setDefaultButton(Button.Yes if default_yes else Button.No)
    return box.exec() == Button.Yes
