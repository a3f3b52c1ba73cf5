"""The Qt binding itself: a long session must not wear out Python's None.

PySide6 6.12.0 on Python 3.11 drops a reference to None on every Qt call that returns
nothing; after some tens of thousands of calls the interpreter aborts ("none_dealloc"),
taking unsaved work with it. pyproject.toml excludes that release; this catches a build
with the same fault.
"""

import subprocess
import sys

PROBE = """
import sys
from PySide6.QtCore import QObject
thing = QObject()
before = sys.getrefcount(None)
for _ in range(200_000):
    thing.setObjectName("probe")
print(sys.getrefcount(None) - before)
"""


def test_many_qt_calls_leave_none_alone() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"the interpreter died: {done.stderr[-500:]}"
    assert abs(int(done.stdout.strip())) < 1000
