#!/usr/bin/env python3
"""Set up a virtual environment in .venv and run wardapp from it.

    python3 scripts/dev.py demo    # install, then start the demo
    python3 scripts/dev.py test    # install with the dev extra, then the quick tests

Needs only Python 3.11+. Re-installs when pyproject.toml changes. On Debian, run as root,
it installs what it needs from apt: python3-venv (the venv module is a separate package
there), the libraries Qt's web engine loads, and, for `test`, postgresql (the API tests
run on SQLite and on PostgreSQL).
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def run(*command: str | Path) -> None:
    subprocess.run([str(c) for c in command], check=True, cwd=ROOT)


def system_packages(*names: str, required: bool = True) -> None:
    """Debian packages the project needs, installed when missing and allowed (root).

    ``required=False`` only warns when not root: the tests that need them skip without them.
    """
    if not shutil.which("dpkg") or not shutil.which("apt-get"):
        return
    missing = [
        n for n in names if subprocess.run(["dpkg", "-s", n], capture_output=True).returncode != 0
    ]
    if not missing:
        return
    if os.geteuid() != 0:
        advice = f"sudo apt-get install {' '.join(missing)}"
        if not required:
            print(f"Not installed (tests that need it are skipped): {advice}", file=sys.stderr)
            return
        sys.exit(f"Install these Debian packages first: {advice}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env)


# What Qt and QtWebEngine load from the system (PySide6's wheels bring Qt itself).
QT_RUNTIME = (
    "libegl1",
    "libgl1",
    "libgbm1",
    "libnss3",
    "libasound2",
    "libfontconfig1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxkbfile1",
    "libxcomposite1",
    "libxdamage1",
    "libxrandr2",
    "libxtst6",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-shape0",
    "fonts-dejavu-core",
)


def make_venv() -> None:
    if PYTHON.exists():
        return
    try:
        run(sys.executable, "-m", "venv", VENV)
    except subprocess.CalledProcessError:
        shutil.rmtree(VENV, ignore_errors=True)
        system_packages(f"python3.{sys.version_info.minor}-venv")
        run(sys.executable, "-m", "venv", VENV)


def install(extra: str) -> None:
    spec = f".[{extra}]" if extra else "."
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + spec.encode()).hexdigest()
    stamp = VENV / ".wardapp-installed"
    if stamp.exists() and stamp.read_text() == digest:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", spec)
    stamp.write_text(digest)


def main() -> int:
    task = sys.argv[1] if len(sys.argv) > 1 else ""
    rest = sys.argv[2:]
    if task == "demo":
        make_venv()
        install("")
        system_packages(*QT_RUNTIME, required=False)
        return subprocess.call([str(BIN / "wardapp"), "demo", *rest], cwd=ROOT)
    if task == "test":
        make_venv()
        install("dev")
        # The API tests run on a real PostgreSQL too, started by tests/support/postgres.py;
        # binutils gives PyInstaller objdump (tests/installer builds the app's bundle).
        system_packages("postgresql", "iproute2", "binutils", *QT_RUNTIME, required=False)
        command = [str(PYTHON), "-m", "pytest", "-m", "not slow", "-n", "auto", *rest]
        return subprocess.call(command, cwd=ROOT)
    sys.exit(__doc__)


if __name__ == "__main__":
    if sys.version_info < (3, 11):  # noqa: UP036 - this check is for people with older Pythons
        sys.exit("wardapp needs Python 3.11 or newer.")
    sys.exit(main())
