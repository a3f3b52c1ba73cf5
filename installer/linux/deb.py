"""A Debian package from the bundle: /opt/wardapp, `wardapp` on PATH, a menu entry and icon.

Built with dpkg-deb alone (part of dpkg, on every Debian system). Removing the package
removes only these files: a user's profile, settings and map cache live in their own home
(platformdirs) and are never touched, as the package has no maintainer scripts.

    .venv/bin/python installer/linux/deb.py dist/wardapp dist   # build.py runs this for you
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from subprocess import PIPE

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MAKE_ICONS = ROOT / "installer" / "icons" / "make_icons.py"
PREFIX = Path("opt/wardapp")
ELF = b"\x7fELF"
LDD_LINE = re.compile(r"=>\s+(/\S+)\s+\(")
DESCRIPTION = """\
Community-safety reports on a map, for local councillors
 Log what residents report (motorbikes on the park, a house used for dealing,
 fly-tipping) on a map in under a minute, offline if need be; wardapp sends it
 to the Community Safety Partnership's AIM store and shows back anonymised
 ward summaries and the progress of agreed actions."""


def project_version() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return str(pyproject["project"]["version"])


def run(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return done.stdout


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as head:
                if head.read(4) == ELF:
                    found.append(path)
    return found


def system_libraries(bundle: Path) -> set[str]:
    """Shared libraries the bundle loads from the system rather than from itself."""
    inside = str(bundle.resolve())
    # The bootloader puts _internal first on the library path; ldd should see the same.
    env = {**os.environ, "LD_LIBRARY_PATH": str(bundle / "_internal")}
    found: set[str] = set()
    for path in elf_files(bundle):
        done = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env)
        for library in LDD_LINE.findall(done.stdout):
            if not str(Path(library).resolve()).startswith(inside):
                found.add(library)
    return found


def owning_packages(libraries: set[str]) -> set[str]:
    """The Debian packages that ship these files (tried as given, resolved and under /usr)."""
    packages: set[str] = set()
    for library in sorted(libraries):
        path = Path(library)
        candidates = {str(path), str(path.resolve())}
        # merged /usr: dpkg may know the file under /lib or under /usr/lib
        candidates |= {c[4:] if c.startswith("/usr/") else "/usr" + c for c in set(candidates)}
        for candidate in sorted(candidates):
            done = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
            if done.returncode == 0:
                packages.add(done.stdout.split(":", 1)[0].split(",")[0].strip())
                break
    return packages


def depends(bundle: Path) -> str:
    """The Depends line: what dpkg-shlibdeps would find, without needing a source package.

    glibc gets a lower bound (the build machine's): the bundle's binaries were linked
    against it and will not start on an older one.
    """
    if shutil.which("dpkg") is None:
        return ""
    packages = owning_packages(system_libraries(bundle))
    fields = []
    for package in sorted(packages):
        if package == "libc6":
            upstream = run("dpkg-query", "-W", "-f=${Version}", "libc6").split("-")[0]
            fields.append(f"libc6 (>= {upstream})")
        else:
            fields.append(package)
    return ", ".join(fields)


def installed_size_kib(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*")) // 1024 + 1


def copy_bundle(bundle: Path, target: Path) -> None:
    """Hard links where the file system allows (the bundle is 500 MB), copies elsewhere."""

    def link_or_copy(source: str, destination: str) -> object:
        try:
            os.link(source, destination)
            return destination
        except OSError:
            return shutil.copy2(source, destination)

    shutil.copytree(bundle, target, symlinks=True, copy_function=link_or_copy)


def normalise_modes(root: Path) -> None:
    """0755 for folders and executables, 0644 for everything else, whatever the umask was."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        executable = path.is_dir() or path.stat().st_mode & 0o100
        path.chmod(0o755 if executable else 0o644)


def build_deb(bundle: Path, out_dir: Path, compression: str = "gzip") -> Path:
    """Writes wardapp_<version>_<arch>.deb to ``out_dir`` and returns its path."""
    version = project_version()
    arch = run("dpkg", "--print-architecture").strip()
    if not (bundle / "wardapp").is_file():
        raise SystemExit(f"No bundle at {bundle}: run python3 installer/build.py first.")
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"wardapp_{version}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="wardapp-deb-", dir=out_dir) as staging_dir:
        staging = Path(staging_dir) / "root"
        copy_bundle(bundle, staging / PREFIX)
        bin_dir = staging / "usr" / "bin"
        bin_dir.mkdir(parents=True)
        # Relative, so the launcher also works from a tree unpacked with `dpkg -x`.
        (bin_dir / "wardapp").symlink_to(Path("../..") / PREFIX / "wardapp")
        share = staging / "usr" / "share"
        (share / "applications").mkdir(parents=True)
        shutil.copyfile(HERE / "wardapp.desktop", share / "applications" / "wardapp.desktop")
        hicolor = share / "icons" / "hicolor"
        (hicolor / "scalable" / "apps").mkdir(parents=True)
        shutil.copyfile(ROOT / "installer/icons/wardapp.svg", hicolor / "scalable/apps/wardapp.svg")
        icons = Path(staging_dir) / "icons"  # a PNG too, for menus that show no SVG
        subprocess.run([sys.executable, str(MAKE_ICONS), str(icons)], check=True, stdout=PIPE)
        (hicolor / "256x256" / "apps").mkdir(parents=True)
        shutil.copyfile(icons / "wardapp.png", hicolor / "256x256/apps/wardapp.png")
        doc = share / "doc" / "wardapp"
        doc.mkdir(parents=True)
        shutil.copyfile(HERE / "copyright", doc / "copyright")
        control = staging / "DEBIAN"
        control.mkdir()
        fields = {
            "Package": "wardapp",
            "Version": version,
            "Architecture": arch,
            "Maintainer": "wardapp maintainers <wardapp@localhost>",
            "Installed-Size": str(installed_size_kib(staging)),
            "Depends": depends(bundle),
            "Section": "utils",
            "Priority": "optional",
            "Description": DESCRIPTION,
        }
        lines = [f"{name}: {value}" for name, value in fields.items() if value]
        (control / "control").write_text("\n".join(lines) + "\n", encoding="utf-8")
        normalise_modes(staging)
        # Level 6: half the time of dpkg-deb's default 9 for gzip, and 0.3% larger.
        build = ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "-z6", "--build"]
        subprocess.run([*build, str(staging), str(deb)], check=True, stdout=subprocess.DEVNULL)
    return deb


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(build_deb(Path(sys.argv[1]), Path(sys.argv[2])))
