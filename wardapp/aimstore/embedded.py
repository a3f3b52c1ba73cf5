"""An AIM store inside the app's process, on loopback, for demo mode.

A thread rather than a child process, so the same code runs from an installed bundle
(which has no Python to start). It migrates, seeds and serves; ``stop`` ends it cleanly.
"""

import socket
import threading
from collections.abc import Callable
from pathlib import Path

import uvicorn

from wardapp.aimstore.app import create_app
from wardapp.aimstore.db import make_engine
from wardapp.aimstore.migrate import migrate
from wardapp.aimstore.seed import seed_demo
from wardapp.aimstore.settings import AimStoreSettings

START_TIMEOUT_S = 120.0


def free_port(preferred: int = 0) -> int:
    """``preferred`` when it is free on loopback, else any free port."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class EmbeddedStore:
    """Serves a seeded SQLite store at ``url`` from a background thread."""

    def __init__(self, folder: Path, port: int = 0, seed: bool = True) -> None:
        self.database = folder / "aimstore.db"
        self.port = free_port(port)
        self.url = f"http://127.0.0.1:{self.port}"
        self.seed = seed
        self.summary = ""
        self.error: str | None = None
        self._server: uvicorn.Server | None = None
        self._ready = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wardapp-aimstore", daemon=True)

    def start(self, on_ready: Callable[[str | None], None] | None = None) -> None:
        """Returns at once; ``on_ready`` runs on the store's thread once it answers (with
        None) or once it has failed (with what went wrong, in words)."""
        self._on_ready = on_ready
        self._thread.start()

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> bool:
        return self._ready.wait(timeout) and self.error is None

    def wait_stopped(self) -> None:
        """Until the server thread ends (Ctrl+C reaches the caller between waits)."""
        while self._thread.is_alive():
            self._thread.join(1.0)

    def _run(self) -> None:
        try:
            # The demo store documents its API at /docs (README): it serves one user, on
            # loopback, with synthetic data.
            settings = AimStoreSettings(database_url=f"sqlite:///{self.database}", api_docs=True)
            engine = make_engine(settings.database_url)
            migrate(engine)
            if self.seed:
                self.summary = seed_demo(engine)
            engine.dispose()
            # Python's own event loop and HTTP parser: this store runs on a thread of the
            # desktop app (and in its bundle), where one user needs no more speed.
            config = uvicorn.Config(
                create_app(settings),
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                loop="asyncio",
                http="h11",
            )
            self._server = uvicorn.Server(config)
            # After the server is set, so a stop() now or later is seen by one side or the other.
            if self._stopping.is_set():
                return
            watcher = threading.Thread(target=self._announce, daemon=True)
            watcher.start()
            self._server.run()
        except (Exception, SystemExit) as exc:  # uvicorn exits when the port is taken
            self.error = f"The demo AIM store could not start: {exc or type(exc).__name__}"
        finally:
            if not self._ready.is_set():
                self.error = self.error or "The demo AIM store stopped before it was ready."
                self._ready.set()
                if self._on_ready is not None:
                    self._on_ready(self.error)

    def _announce(self) -> None:
        while self._server is not None and not self._server.started:
            if not self._thread.is_alive():
                return
            threading.Event().wait(0.05)
        self._ready.set()
        if self._on_ready is not None:
            self._on_ready(None)

    def stop(self, timeout: float = 10.0) -> None:
        """Ends the store, also while it is still seeding (it then never starts serving)."""
        self._stopping.set()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
