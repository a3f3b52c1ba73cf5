"""The installable package, built as a new maintainer would (`python3 installer/build.py`),
then used as a councillor's laptop would: the bundle's self-test with no network and no
keyring, and the .deb unpacked and its launcher run.

One test, on purpose: the build takes minutes and writes 1 GB, and the slow tests run in
parallel (xdist), so nothing else may start a second build.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.installer.installed import ROOT, project_version

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="builds the Linux package"),
]


def clean_env(home: Path) -> dict[str, str]:
    """An empty home, no keyring at all, nothing of the person running the tests."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WARDAPP", "XDG_"))}
    env.pop("QT_QPA_PLATFORM", None)  # the self-test goes offscreen by itself
    env.update(HOME=str(home), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    return env


def run(command: list[str], home: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, env=clean_env(home), capture_output=True, text=True, timeout=timeout, cwd=home
    )


def offline(command: str) -> list[str]:
    """``command`` with only loopback (as root); as it is when unshare is not usable."""
    probe = shutil.which("unshare") and shutil.which("ip")
    if probe and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-n", "sh", "-c", f"ip link set lo up && exec {command}"]
    if os.environ.get("CI") == "true":
        pytest.fail("CI must run the bundle's self-test offline: unshare -n is not usable")
    return ["sh", "-c", f"exec {command}"]


def self_test_result(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout + done.stderr[-3000:]
    result: dict[str, Any] = json.loads(lines[0])
    return result


def test_the_built_package_installs_and_its_self_test_passes_offline(tmp_path: Path) -> None:
    version = project_version()
    dist, work = tmp_path / "dist", tmp_path / "build"
    home = tmp_path / "home"
    home.mkdir()

    build = [sys.executable, str(ROOT / "installer" / "build.py")]
    built = subprocess.run(
        [*build, "--dist", str(dist), "--work", str(work)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-5000:]
    assert "Bundle: " in built.stdout and " MB" in built.stdout  # the size is printed

    launcher = dist / "wardapp" / "wardapp"
    assert run([str(launcher), "--version"], home).stdout.strip() == f"wardapp {version}"

    done = run(offline(f"{shlex.quote(str(launcher))} --self-test"), home)
    result = self_test_result(done)
    assert result["ok"] is True, result
    assert done.returncode == 0
    assert result["version"] == version
    assert result["wards_drawn"] == result["wards"] > 0  # the map drew every ward
    assert result["blocked_requests"] == [] and result["console_errors"] == []
    assert list(home.iterdir()) == []  # no profile, settings or cache left in the home

    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True)
    deb = dist / f"wardapp_{version}_{arch.stdout.strip()}.deb"
    assert deb.is_file(), sorted(p.name for p in dist.iterdir())
    fields = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Package", "Version"], capture_output=True, text=True
    ).stdout
    assert fields.split() == ["Package:", "wardapp", "Version:", version]

    root = tmp_path / "root"
    subprocess.run(["dpkg", "-x", str(deb), str(root)], check=True)
    installed = root / "usr" / "bin" / "wardapp"
    assert run([str(installed), "--version"], home).stdout.strip() == f"wardapp {version}"
    assert (root / "opt/wardapp/wardapp").is_file()
    menu = (root / "usr/share/applications/wardapp.desktop").read_text()
    assert "Exec=wardapp\n" in menu and "Icon=wardapp\n" in menu
    assert (root / "usr/share/icons/hicolor/scalable/apps/wardapp.svg").is_file()
    assert (root / "usr/share/icons/hicolor/256x256/apps/wardapp.png").is_file()
