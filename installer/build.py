#!/usr/bin/env python3
"""Build the desktop app's installable package from a clone, with one command.

    python3 installer/build.py                 # dist/wardapp/ and the platform's package
    python3 installer/build.py --no-package    # only the bundle, dist/wardapp/wardapp

Sets up .venv with the dev extra (which holds PyInstaller) when it is missing, runs
PyInstaller on installer/wardapp.spec, prints the bundle's size and the build
time, then makes the package: a .deb on Linux (installer/linux/deb.py), a setup .exe on
Windows when Inno Setup's iscc is on PATH, a .dmg on macOS (installer/macos/make_dmg.sh).
"""

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
VENV_PYTHON = ROOT / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def load(path: Path) -> ModuleType:
    """A helper script of this repository as a module (installer/ is not a package)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def in_project_venv() -> bool:
    return Path(sys.prefix).resolve() == (ROOT / ".venv").resolve()


def ensure_environment(argv: list[str]) -> None:
    """Run inside .venv with the dev extra installed, setting it up the first time."""
    dev = load(ROOT / "scripts" / "dev.py")
    if sys.platform.startswith("linux") and shutil.which("objdump") is None:
        dev.system_packages("binutils")  # PyInstaller reads binaries with objdump
    has_pyinstaller = importlib.util.find_spec("PyInstaller") is not None
    if has_pyinstaller and not in_project_venv():
        return  # someone else's environment with PyInstaller: use it as it is
    dev.make_venv()
    dev.install("dev")  # does nothing when .venv is up to date with pyproject.toml
    if not in_project_venv():
        sys.exit(subprocess.call([str(VENV_PYTHON), str(Path(__file__).resolve()), *argv]))


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes and number of files under ``folder``, symlinks not followed."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.0f} MB"


def build_bundle(dist: Path, work: Path) -> Path:
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work), str(INSTALLER / "wardapp.spec"),
    ]  # fmt: skip
    started = time.monotonic()
    subprocess.run(command, check=True, cwd=ROOT)
    seconds = time.monotonic() - started
    bundle = dist / "wardapp"
    size, count = folder_size(bundle)
    print(f"Bundle: {bundle} ({megabytes(size)}, {count:,} files), built in {seconds:.0f} s")
    return bundle


def package(bundle: Path, dist: Path, compression: str) -> None:
    """The platform's installable package, made from the bundle."""
    if sys.platform.startswith("linux"):
        if shutil.which("dpkg-deb") is None:
            print("No dpkg-deb here: the bundle is built, the .deb is not.")
            return
        deb = load(INSTALLER / "linux" / "deb.py")
        started = time.monotonic()
        path = deb.build_deb(bundle, dist, compression)
        seconds = time.monotonic() - started
        print(f"Package: {path} ({megabytes(path.stat().st_size)}), built in {seconds:.0f} s")
    elif sys.platform == "win32":
        iscc = shutil.which("iscc") or shutil.which("ISCC")
        if iscc is None:
            print("Inno Setup's iscc is not on PATH: see installer/README.md, Windows.")
            return
        script = INSTALLER / "windows" / "wardapp.iss"
        subprocess.run([iscc, f"/DBundleDir={bundle}", f"/O{dist}", str(script)], check=True)
    elif sys.platform == "darwin":
        subprocess.run(["sh", str(INSTALLER / "macos" / "make_dmg.sh"), str(dist)], check=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="default: dist/")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="default: build/")
    parser.add_argument("--no-package", action="store_true", help="only the bundle")
    parser.add_argument(
        "--compression", default="gzip", choices=["gzip", "xz", "zstd", "none"],
        help="of the .deb (gzip: quick to build, installs everywhere)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    ensure_environment(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    bundle = build_bundle(dist, work)
    if not args.no_package:
        package(bundle, dist, args.compression)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
