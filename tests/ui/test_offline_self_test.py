"""`wardapp --self-test` as a user or an installer runs it, including with no network at all."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

WARDAPP = str(Path(sys.executable).parent / "wardapp")


def self_test(command: list[str], home: Path) -> tuple[int, dict[str, Any]]:
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # no keyring at all
    }
    env.pop("QT_QPA_PLATFORM", None)  # the self-test goes offscreen by itself
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout + done.stderr
    return done.returncode, json.loads(lines[0])


def assert_map_worked(result: dict[str, Any]) -> None:
    assert result["ok"] is True, result
    assert result["leaflet"] is True
    assert result["wards_drawn"] == result["wards"] == 20
    assert result["blocked_requests"] == []
    assert result["console_errors"] == []


def test_self_test_passes_with_no_profile_server_or_keyring(tmp_path: Path) -> None:
    code, result = self_test([WARDAPP, "--self-test"], tmp_path)
    assert code == 0
    assert_map_worked(result)
    assert not (tmp_path / "data" / "wardapp").exists()  # left no profile behind


def unshare_usable() -> bool:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return probe.returncode == 0


def test_the_map_loads_with_the_network_unreachable(tmp_path: Path) -> None:
    if not unshare_usable():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the offline map test: unshare -n (as root) is not usable")
        pytest.skip("needs unshare -n (root) to take the network away")
    inner = f"ip link set lo up && exec {WARDAPP} --self-test"
    code, result = self_test(["unshare", "-n", "sh", "-c", inner], tmp_path)
    assert code == 0
    assert_map_worked(result)
