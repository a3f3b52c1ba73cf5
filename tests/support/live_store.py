"""A real AIM store process for tests: `wardapp-aimstore serve` on a free loopback port.

``LiveStore`` runs the real command line against its own SQLite file and can stop and start
the server on the same port (the "server down, then up" of a councillor at a surgery).
"""

import contextlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

BIN = Path(sys.executable).parent
AIMSTORE = str(BIN / "wardapp-aimstore")
COUNCILLOR = "cllr"
ANALYST = "analyst"
PASSWORD = "password123456"
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_healthy(url: str, process: "subprocess.Popen[bytes]", log: Path) -> None:
    """Until GET /healthz answers 200; fails with the process's log if it dies or hangs."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    pytest.fail(
        f"nothing answered {url}/healthz in {START_TIMEOUT_S:.0f} s:\n{log.read_text()[-3000:]}"
    )


def stop_process(process: "subprocess.Popen[bytes]") -> None:
    """Terminate, then kill if it lingers; afterwards nothing of it listens."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


class LiveStore:
    """One AIM store process and its database; ``stop``/``start`` keep the port and data."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db_path = folder / "store.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "WARDAPP_AIMSTORE_DATABASE_URL": f"sqlite:///{self.db_path}",
            "HOME": str(folder),
            "XDG_DATA_HOME": str(folder / "data"),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self._log = folder / "server.log"

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """Runs ``wardapp-aimstore ARGS`` against this store's database; returns stdout."""
        done = subprocess.run(
            [AIMSTORE, *args],
            input=stdin.encode() if stdin is not None else None,
            env=self.env,
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode()

    def add_user(self, username: str, role: str) -> None:
        self.cli("user", "add", "--username", username, "--role", role, stdin=PASSWORD + "\n")

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        assert not self.running
        with self._log.open("ab") as log:
            self.process = subprocess.Popen(
                [AIMSTORE, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_healthy(self.url, self.process, self._log)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Ends the process; afterwards nothing listens on the port."""
        if self.process is not None:
            stop_process(self.process)
        self.process = None

    def report_ids(self) -> list[str]:
        """Every report id the store holds (read from its database, so works while down)."""
        with sqlite3.connect(self.db_path, timeout=30) as db:
            return [str(row[0]) for row in db.execute("SELECT id FROM reports")]

    def version_rows(self) -> list[tuple[str, int]]:
        with sqlite3.connect(self.db_path, timeout=30) as db:
            rows = db.execute("SELECT report_id, version FROM report_versions").fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def count(self) -> int:
        return len(self.report_ids())

    def analyst_report_ids(self) -> list[str]:
        """The reports as an analyst sees them through the API, every page."""
        token = requests.post(
            self.url + "/v1/auth/token",
            json={"username": ANALYST, "password": PASSWORD, "device_name": "tests"},
            timeout=30,
        ).json()["access_token"]
        ids: list[str] = []
        params: dict[str, Any] = {"limit": 1000}
        while True:
            page = requests.get(
                self.url + "/v1/reports",
                params=params,
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).json()
            ids += [str(item["id"]) for item in page["items"]]
            if page["next_cursor"] is None:
                return ids
            params["cursor"] = page["next_cursor"]


@contextlib.contextmanager
def running_copy(template: Path, folder: Path) -> Iterator[LiveStore]:
    """A store started on a copy of ``template``'s database (fresh for each test)."""
    shutil.copyfile(template, folder / "store.db")
    store = LiveStore(folder)
    try:
        store.start()
        yield store
    finally:
        store.stop()
