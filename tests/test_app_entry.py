"""`wardapp`: --version, --self-test and the demo, run as the installed console script."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import httpx2
import pytest

from tests.support.live_store import wait_until_healthy
from wardapp.aimstore.seed import DEMO_PASSWORD, DEMO_USER

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).parent / "wardapp"
URL_LINE = re.compile(r"listening on (http://127\.0\.0\.1:(\d+))")


def clean_env(home: Path) -> dict[str, str]:
    """No profile, settings or keyring of the person running the tests: an empty home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARDAPP")}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
    )
    return env


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_version_is_the_one_in_pyproject(tmp_path: Path) -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    result = subprocess.run(
        [str(SCRIPT), "--version"], env=clean_env(tmp_path), capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"wardapp {version}"


def test_self_test_prints_one_line_of_json_and_needs_no_profile(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()

    result = subprocess.run(
        [str(SCRIPT), "--self-test"],
        env=clean_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert report["ok"] is True
    assert report["wards"] == 20
    assert list(home.iterdir()) == []  # created no profile, settings or cache


def read_until(
    log: Path, pattern: re.Pattern[str], process: subprocess.Popen[bytes]
) -> re.Match[str]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        match = pattern.search(text)
        if match:
            return match
        if process.poll() is not None:
            pytest.fail(f"wardapp demo exited with {process.returncode}:\n{text}")
        time.sleep(0.2)
    pytest.fail(f"wardapp demo printed no {pattern.pattern!r}:\n{log.read_text()}")


def port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.slow
def test_demo_store_starts_serves_the_demo_account_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    """`wardapp demo --server-only`: the demo's AIM store alone, gone without a trace on Ctrl+C."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = free_loopback_port()
    log = tmp_path / "demo.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(SCRIPT), "demo", "--server-only", "--port", str(port)],
            env={**clean_env(tmp_path / "home"), "TMPDIR": str(temporary)},
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        match = read_until(log, URL_LINE, process)
        url = match[1]
        assert int(match[2]) == port
        output = log.read_text()
        assert f"{DEMO_USER} / {DEMO_PASSWORD}" in output
        wait_until_healthy(url, process, log)

        signed_in = httpx2.post(
            f"{url}/v1/auth/token",
            json={"username": DEMO_USER, "password": DEMO_PASSWORD, "device_name": "test"},
        )
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json()["user"]["role"] == "councillor"
        headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        mine = httpx2.get(f"{url}/v1/reports/mine", headers=headers)
        assert mine.status_code == 200 and mine.json()["items"]
        assert any(temporary.rglob("aimstore.db"))  # the demo's data lives in a temporary folder

        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        assert port_is_closed(port)
        assert "Traceback" not in log.read_text()
        assert list(temporary.iterdir()) == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=15)
