"""The installers' inputs, checked without building: every file is there, the version has one
source (pyproject.toml), the Linux menu entry is valid, the Windows install is per user."""

import configparser
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installer.installed import INSTALLER, load_script, project_version
from wardapp import __version__

VERSION_LITERAL = re.compile(r"(?<![\d.])\d+\.\d+\.\d+(?![\d.])")
PACKAGING_FILES = [
    "build.py",
    "wardapp.spec",
    "wardapp_entry.py",
    "icons/wardapp.svg",
    "icons/make_icons.py",
    "linux/deb.py",
    "linux/wardapp.desktop",
    "linux/copyright",
    "windows/wardapp.iss",
    "macos/make_dmg.sh",
]


@pytest.mark.parametrize("name", PACKAGING_FILES)
def test_every_packaging_input_is_in_the_repository(name: str) -> None:
    assert (INSTALLER / name).is_file(), name


def test_the_app_reports_the_version_in_pyproject() -> None:
    assert __version__ == project_version()  # --version and the About box show __version__


@pytest.mark.parametrize("name", ["wardapp.spec", "windows/wardapp.iss", "macos/make_dmg.sh"])
def test_no_installer_keeps_its_own_copy_of_the_version(name: str) -> None:
    text = (INSTALLER / name).read_text("utf-8")
    assert VERSION_LITERAL.findall(text) == []


def test_the_spec_takes_the_version_from_pyproject_for_every_platform() -> None:
    spec = (INSTALLER / "wardapp.spec").read_text("utf-8")
    assert 'tomllib.loads((ROOT / "pyproject.toml")' in spec
    assert 'copy_metadata("wardapp")' in spec  # importlib.metadata works in the bundle
    assert "version=version_info" in spec  # Windows: the .exe's version, read by Inno Setup
    assert re.search(r"BUNDLE\(.*?version=VERSION", spec, re.DOTALL)  # macOS Info.plist
    assert '"CFBundleShortVersionString": VERSION' in spec
    deb = load_script("installer/linux/deb.py")
    assert deb.project_version() == project_version()


def test_the_spec_keeps_the_qt_modules_the_app_needs() -> None:
    spec = (INSTALLER / "wardapp.spec").read_text("utf-8")
    excluded = re.search(r"UNUSED_QT = \[(.*?)\]", spec, re.DOTALL)
    assert excluded is not None
    names = set(re.findall(r'"(Qt\w+)"', excluded.group(1)))
    assert {"Qt3DCore", "QtQuick3D", "QtMultimedia", "QtBluetooth", "QtDesigner", "QtSql"} <= names
    needed = {"QtNetwork", "QtPositioning", "QtWebChannel", "QtSvg", "QtCharts", "QtPdf"}
    needed |= {"QtPrintSupport", "QtWidgets", "QtGui", "QtCore"}
    assert not names & needed
    assert not any(name.startswith("QtWebEngine") and name != "QtWebEngineQuick" for name in names)


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment, method-assign]  # keys are case-sensitive
    parser.read(INSTALLER / "linux" / "wardapp.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_menu_entry_starts_the_launcher_with_its_icon() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "wardapp"
    assert entry["Exec"].split()[0] == "wardapp"  # /usr/bin/wardapp, on PATH
    assert entry["Icon"] == "wardapp" == (INSTALLER / "icons/wardapp.svg").stem
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_the_menu_entry_passes_desktop_file_validate() -> None:
    done = subprocess.run(
        ["desktop-file-validate", str(INSTALLER / "linux/wardapp.desktop")],
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_the_windows_installer_is_per_user_with_a_start_menu_entry_and_the_exe_version() -> None:
    script = (INSTALLER / "windows" / "wardapp.iss").read_text("utf-8")
    setup = dict(re.findall(r"^(\w+)=(.*)$", script, re.MULTILINE))
    assert setup["PrivilegesRequired"] == "lowest"  # no administrator rights
    assert setup["DefaultDirName"].startswith("{autopf}")  # per user: %LOCALAPPDATA%\Programs
    assert setup["AppVersion"] == "{#AppVersion}"
    assert "GetVersionNumbersString(" in script  # from wardapp.exe, stamped from pyproject
    assert re.search(r'^Name: "\{autoprograms\}\\wardapp"', script, re.MULTILINE)
    assert "Uninstallable=no" not in script


def test_the_icons_are_made_for_every_platform(tmp_path: Path) -> None:
    # In a process of its own: it makes a QGuiApplication, which the Qt tests must not meet.
    script = INSTALLER / "icons" / "make_icons.py"
    subprocess.run([sys.executable, str(script), str(tmp_path)], check=True, capture_output=True)
    png = (tmp_path / "wardapp.png").read_bytes()
    assert png.startswith(b"\x89PNG") and struct.unpack(">II", png[16:24]) == (256, 256)
    ico = (tmp_path / "wardapp.ico").read_bytes()
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, 7)  # 16 to 256 pixels
    assert (tmp_path / "wardapp.icns").read_bytes()[:4] == b"icns"
    assert (tmp_path / "wardapp.svg").read_bytes() == (INSTALLER / "icons/wardapp.svg").read_bytes()
