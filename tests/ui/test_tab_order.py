"""The main views by keyboard alone: Tab reaches every control, and each has a name."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QWidget
from pytestqt.qtbot import QtBot

from wardapp.ui.main_window import MainWindow

MAX_STEPS = 400


def tab_chain(window: QWidget, start: QWidget) -> list[QWidget]:
    """The widgets Tab stops at, in order, following Qt's focus chain from ``start``."""
    chain: list[QWidget] = []
    widget: QWidget | None = start
    for _ in range(MAX_STEPS * 10):
        if widget is None:
            break
        if reachable(widget, window) and widget.focusProxy() is None:
            chain.append(widget)
        widget = widget.nextInFocusChain()
        if widget is start:
            break
    return chain


def name_of(widget: QWidget) -> str:
    """What a screen reader says: the widget's own name, or its owner's (a combo's editor)."""
    own = widget.accessibleName()
    parent = widget.parentWidget()
    return own or (parent.accessibleName() if parent is not None else "")


def covered(widget: QWidget, chain: list[QWidget]) -> bool:
    """In the chain itself, or the editor inside one that is (a date box's text field)."""
    return any(w in chain for w in (widget, widget.parentWidget(), widget.focusProxy()))


def reachable(widget: QWidget, window: QWidget) -> bool:
    return (
        widget.isVisibleTo(window)
        and widget.isEnabled()
        and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        and widget.window() is window
    )


def test_tab_visits_every_control_of_the_form_view_and_each_has_a_name(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.tabs.setCurrentWidget(window.form)
    chain = tab_chain(window, window.place_finder.ward)
    assert window.form.category in chain and window.form.save_button in chain
    assert window.map.focusProxy() in chain or window.map in chain  # the map itself
    assert [w for w in chain if not name_of(w)] == []
    missed = [
        w
        for w in window.form.findChildren(QWidget)
        if reachable(w, window) and not covered(w, chain) and not isinstance(w, QAbstractScrollArea)
    ]
    assert missed == []


def test_tab_visits_every_control_of_my_reports_and_each_has_a_name(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.tabs.setCurrentWidget(window.my_reports)
    chain = tab_chain(window, window.place_finder.ward)
    panel = window.my_reports
    assert panel.table in chain and panel.status_filter in chain
    assert [w for w in chain if not name_of(w)] == []
    missed = [
        w for w in panel.findChildren(QWidget) if reachable(w, window) and not covered(w, chain)
    ]
    assert missed == []
