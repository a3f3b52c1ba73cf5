"""The UI's one way to run work off the UI thread.

Work that waits on the network, the disk or the database runs on a named daemon thread
(``start``) or in a lane that takes one task at a time, in order (``lane``). Either way the
work reports back through Qt signals, which Qt delivers on the UI thread: no widget is ever
touched from a worker.
"""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


def start(work: Callable[[], None], name: str) -> threading.Thread:
    """Runs ``work`` once on a thread of its own, which does not keep the app from quitting."""
    thread = threading.Thread(target=work, name=f"wardapp-{name}", daemon=True)
    thread.start()
    return thread


def lane(name: str) -> ThreadPoolExecutor:
    """One task at a time, in the order given: for work that must not overtake itself."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"wardapp-{name}")
