"""The sign-in dialog: refuses empty fields in plain words, hands the rest to the window."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from wardapp.ui.sign_in import SignInDialog


@pytest.fixture
def dialog(qtbot: QtBot) -> SignInDialog:
    widget = SignInDialog(server_url="https://aim.example.org")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_server_address_is_filled_in(dialog: SignInDialog) -> None:
    assert dialog.server_url.text() == "https://aim.example.org"
    assert dialog.password.echoMode() == QLineEdit.EchoMode.Password
    assert "not stored" in dialog.note.text()
    assert dialog.focusWidget() is dialog.username


def test_emits_what_was_typed(qtbot: QtBot, dialog: SignInDialog) -> None:
    qtbot.keyClicks(dialog.username, " cllr.smith ")
    qtbot.keyClicks(dialog.password, "correct horse ")
    with qtbot.waitSignal(dialog.signInRequested) as request:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert request.args == ["https://aim.example.org", "cllr.smith", "correct horse "]
    assert dialog.isVisible(), "the window accepts the dialog once the server says yes"


def test_empty_fields_are_asked_for(qtbot: QtBot) -> None:
    dialog = SignInDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.password, "secret")
    with qtbot.assertNotEmitted(dialog.signInRequested):
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    errors = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert any(text.startswith("⚠ Type the address") for text in errors)
    assert "⚠ Type your username." in errors
    assert dialog.focusWidget() is dialog.server_url
    assert dialog.username.accessibleDescription() == "⚠ Type your username."
    qtbot.keyClicks(dialog.username, "cllr.smith")
    assert "⚠ Type your username." not in [
        label.text() for label in dialog.findChildren(QLabel) if label.isVisible()
    ]


def test_busy_then_failed(qtbot: QtBot, dialog: SignInDialog) -> None:
    qtbot.keyClicks(dialog.username, "cllr.smith")
    qtbot.keyClicks(dialog.password, "wrong")
    dialog.set_busy(True)
    assert dialog.busy_label.isVisible() and dialog.busy_label.text() == "Signing in…"
    assert not dialog.password.isEnabled() and not dialog.sign_in_button.isEnabled()
    assert dialog.cancel_button.isEnabled()
    dialog.show_error("The username or password is wrong.")
    assert dialog.password.isEnabled() and dialog.password.text() == ""
    assert dialog.error.isVisible() and dialog.error.text().endswith("password is wrong.")
    assert not dialog.busy_label.isVisible()
    assert dialog.focusWidget() is dialog.password
    assert dialog.username.text() == "cllr.smith"


def test_cancel_rejects(qtbot: QtBot, dialog: SignInDialog) -> None:
    with qtbot.waitSignal(dialog.rejected):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)


def test_every_focusable_widget_has_a_name_and_every_field_a_label(dialog: SignInDialog) -> None:
    unnamed = [
        type(w).__name__
        for w in dialog.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and w.focusProxy() is None
        and w.window() is dialog
        and not w.accessibleName().strip()
    ]
    assert unnamed == []
    buddies = {id(label.buddy()) for label in dialog.findChildren(QLabel) if label.buddy()}
    assert all(id(edit) in buddies for edit in dialog.findChildren(QLineEdit))
