"""Sign-in: asks for the AIM store's address and the councillor's account, nothing more.

The dialog does not sign in itself. It emits what was typed; the window talks to the server
off the UI thread, then calls ``accept()`` or ``show_error()``.
"""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wardapp.ui.field_errors import WARNING, FieldErrors, error_label
from wardapp.ui.plain_text import plain_label

PASSWORD_NOTE = (
    "Your password is sent only to the AIM store, to sign you in. "
    "It is not stored on this computer."
)
_EMPTY = {
    "url": "Type the address of your partnership's AIM store, such as https://aim.example.org.",
    "username": "Type your username.",
    "password": "Type your password.",
}


class SignInDialog(QDialog):
    """Server address, username and password; the window does the signing in."""

    signInRequested = Signal(str, str, str)

    def __init__(self, parent: QWidget | None = None, server_url: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to the AIM store")
        self._errors = FieldErrors()

        self.server_url = QLineEdit(server_url)
        self.server_url.setAccessibleName("Server address")
        self.server_url.setAccessibleDescription("The web address of your AIM store.")
        self.username = QLineEdit()
        self.username.setAccessibleName("Username")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password.setAccessibleDescription("Not stored on this computer.")

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for text, name, edit in (
            ("&Server address", "url", self.server_url),
            ("&Username", "username", self.username),
            ("&Password", "password", self.password),
        ):
            label = plain_label(text)
            label.setBuddy(edit)
            error = error_label()
            self._errors.add(name, error, [edit])
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(edit)
            column.addWidget(error)
            form.addRow(label, box)
            edit.textEdited.connect(lambda _text, name=name: self._errors.clear(name))

        self.note = plain_label(PASSWORD_NOTE)
        self.note.setWordWrap(True)
        self.error = error_label()
        self.busy_label = plain_label("Signing in…")
        self.busy_label.hide()

        buttons = QDialogButtonBox()
        self.sign_in_button = QPushButton("S&ign in")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.setAccessibleName("Sign in")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel")
        buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.sign_in_button.clicked.connect(self._sign_in_clicked)
        self.cancel_button.clicked.connect(self.reject)

        self._layout = layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addWidget(self.busy_label)
        layout.addWidget(buttons)
        for first, second in (
            (self.server_url, self.username),
            (self.username, self.password),
            (self.password, self.sign_in_button),
            (self.sign_in_button, self.cancel_button),
        ):
            QWidget.setTabOrder(first, second)
        (self.username if server_url else self.server_url).setFocus()
        # Wide enough for the address and the messages, in characters so it follows the font.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 48)

    def set_busy(self, busy: bool) -> None:
        """While the window waits for the server: no edits, no second attempt."""
        for widget in (self.server_url, self.username, self.password, self.sign_in_button):
            widget.setEnabled(not busy)
        self.busy_label.setVisible(busy)
        if busy:
            self.error.hide()

    def show_error(self, text: str) -> None:
        """Sign-in failed: say why and let the councillor type the password again."""
        self.set_busy(False)
        self._errors.clear_all()
        self.error.setText(WARNING + text)
        self.error.show()
        self._grow()
        self.password.clear()
        self.password.setAccessibleDescription(WARNING + text)
        self.password.setFocus()

    def _grow(self) -> None:
        """Taller if wrapped messages need it: Qt does not grow a window for them by itself."""
        self._layout.activate()
        needed = self._layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _sign_in_clicked(self) -> None:
        self.error.hide()
        self.password.setAccessibleDescription("Not stored on this computer.")
        values = {
            "url": self.server_url.text().strip(),
            "username": self.username.text().strip(),
            "password": self.password.text(),
        }
        self._errors.clear_all()
        missing = [name for name, value in values.items() if not value]
        for name in missing:
            self._errors.show(name, _EMPTY[name])
        if missing:
            self._errors.focus_first(missing)
            self._grow()
            return
        self.signInRequested.emit(values["url"], values["username"], values["password"])
