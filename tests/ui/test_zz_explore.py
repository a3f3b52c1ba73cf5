import threading
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QWidget, QApplication
from wardapp.ui.main_window import MainWindow, window_widgets


def test_explore(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.map.ready, timeout=30000):
        pass
    print("active", window.isActiveWindow(), QApplication.activeWindow())
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    for w in window_widgets(window):
        print(type(w).__name__, repr(w.objectName()), repr(w.accessibleName()), w.focusPolicy(), w.isVisible(), type(w.parent()).__name__, w.focusProxy())
    seen = []
    window.engine.syncStarted.connect(lambda: seen.append((threading.current_thread().name, window.sync_status.progress.isVisible())))
    with qtbot.waitSignal(window.engine.syncFinished, timeout=30000):
        qtbot.keyClick(window, Qt.Key.Key_F5)
    print("seen", seen)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    print("focus", QApplication.focusWidget())
