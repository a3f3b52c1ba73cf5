"""The app's settings: each option declared once, with its type, default and plain label.

``AppSettings`` is the one place: a field's annotation and default are its type and default,
and its ``Option`` says how it is labelled, explained and checked. The settings dialog builds
its controls from these declarations, and ``SettingsStore`` reads and writes them through
QSettings (an INI file in the platform's config folder, so XDG_CONFIG_HOME is honoured).

A stored value that is unknown, of the wrong type, out of range or unsafe falls back to its
default when loaded: a hand-edited or old file never stops the app starting. Files named by a
setting (the certificate file, the map file) are checked only when the settings are saved,
since a USB stick that is not plugged in at start is no reason to forget its map.

The AIM store's address is shown with the settings but belongs to the profile (profile.json):
a profile belongs to one store, so it is never stored or changed here.
"""

import logging
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from platformdirs import user_config_dir
from PySide6.QtCore import QSettings

from wardapp.client.errors import ClientError
from wardapp.client.mbtiles import MBTiles
from wardapp.client.tilefetch import check_tile_url

log = logging.getLogger(__name__)
T = TypeVar("T")
BasemapKind = Literal["none", "mbtiles", "online"]
SETTINGS_FILE = "wardapp.ini"
MAX_TEXT = 2000  # longer stored text is not something a person typed
PEM_CERTIFICATE = b"-----BEGIN CERTIFICATE-----"


class SettingsInvalid(ValueError):
    """Settings that may not be saved; ``problems`` maps each field to a plain message."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class Option:
    """How one setting is shown and checked (its type and default are the field's own)."""

    label: str  # beside its control; "&" marks the Alt+ key
    help: str = ""  # one sentence under the control, also read out by screen readers
    choices: tuple[tuple[Any, str], ...] = ()  # (stored value, words shown)
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""  # words after a number, such as "minutes"
    check: Callable[[str], str | None] | None = None  # no I/O: runs on load and on save
    file_check: Callable[[str], str | None] | None = None  # reads the file: on save only
    file_filter: str = ""  # set for a file chosen with a file picker
    basemaps: tuple[str, ...] = ()  # only matters for these kinds of street map (empty: all)
    needed: str = ""  # the message when it is empty but matters (empty: optional)
    stored: bool = True  # False: shown here, kept elsewhere

    @property
    def plain_label(self) -> str:
        return self.label.replace("&", "")


def _setting(default: T, option: Option) -> T:
    return field(default=default, metadata={"option": option})


# --- checks: None when fine, else a sentence saying what to do --------------------------------
def check_ca_bundle(path: str) -> str | None:
    """A PEM file of CA certificates that Python's TLS accepts (what requests will load)."""
    file = Path(path).expanduser()
    if not file.is_file():
        return "There is no file at that place. Choose the certificate file again."
    try:
        with file.open("rb") as stream:
            data = stream.read(20 * 1024 * 1024)
    except OSError:
        return "wardapp cannot open that file. Check that you are allowed to read it."
    if PEM_CERTIFICATE not in data:
        return (
            "That file is not a certificate file in PEM format. Ask your IT team for the "
            "partnership's certificate as a .pem or .crt file."
        )
    try:
        ssl.create_default_context(cafile=str(file))
    except (ssl.SSLError, ValueError, OSError):
        return "The certificates in that file are damaged. Ask your IT team for a new copy."
    return None


def check_mbtiles(path: str) -> str | None:
    """Opens the file as the map will (wardapp.client.mbtiles), so both agree on what works."""
    try:
        MBTiles(Path(path).expanduser()).close()
    except ClientError as exc:
        return str(exc)
    except OSError:
        return "wardapp cannot open that file. Check that you are allowed to read it."
    return None


def check_tile_address(template: str) -> str | None:
    """The tile server rule of wardapp.client.tilefetch: {z}/{x}/{y}, HTTPS or loopback HTTP."""
    try:
        check_tile_url(template)
    except ClientError as exc:
        return str(exc)
    except ValueError:  # urlsplit on a malformed address, such as an unclosed [
        return "That is not a web address. Copy it again from the map server's instructions."
    return None


BASEMAP_CHOICES: tuple[tuple[BasemapKind, str], ...] = (
    ("none", "None: ward boundaries only"),
    ("mbtiles", "A map file on this computer (MBTiles)"),
    ("online", "An online map server"),
)
FONT_SCALES = (100, 125, 150, 200)


@dataclass(frozen=True)
class AppSettings:
    """Every setting, typed; build changed copies with ``dataclasses.replace``."""

    server_url: str = _setting(
        "",
        Option(
            "AIM store address",
            "A profile belongs to one AIM store, so its address cannot be changed here. "
            "To use another AIM store, ask your IT team to set up a new profile.",
            stored=False,
        ),
    )
    ca_bundle: str = _setting(
        "",
        Option(
            "&Certificate file (optional)",
            "Only needed if your partnership uses its own certificates; your IT team will "
            "say. Secure connections are always checked, with or without this file.",
            file_check=check_ca_bundle,
            file_filter="Certificate files (*.pem *.crt *.cer);;All files (*)",
        ),
    )
    basemap: BasemapKind = _setting(  # noqa: RUF009 (a str: ruff cannot see through Literal)
        "none",
        Option(
            "Street &map under the wards",
            "The ward boundaries always work offline; a street map helps you find places.",
            choices=BASEMAP_CHOICES,
        ),
    )
    mbtiles_path: str = _setting(
        "",
        Option(
            "Map &file",
            "A street map saved as one file ending in .mbtiles; it works with no network.",
            file_check=check_mbtiles,
            file_filter="Map files (*.mbtiles);;All files (*)",
            basemaps=("mbtiles",),
            needed="Choose the map file (its name ends in .mbtiles).",
        ),
    )
    tile_url: str = _setting(
        "",
        Option(
            "Map server &address",
            "Given by the map server, with {z}, {x} and {y} where the zoom level and tile "
            "numbers go, such as https://tiles.example.org/{z}/{x}/{y}.png.",
            check=check_tile_address,
            basemaps=("online",),
            needed="Type the map server's address, or choose another kind of street map.",
        ),
    )
    tile_attribution: str = _setting(
        "",
        Option(
            "Map c&redit",
            "The credit line the map server asks you to show, such as "
            "“© OpenStreetMap contributors”. It appears in the corner of the map.",
            basemaps=("online",),
            needed="Type the credit line the map server asks you to show.",
        ),
    )
    offline_areas_allowed: bool = _setting(
        False,
        Option(
            "This map server allows saving areas for &offline use",
            "Tick only if the map server's owner has said so: most public map servers "
            "forbid saving many map pieces at once.",
            basemaps=("online",),
        ),
    )
    tile_cache_mb: int = _setting(
        500,
        Option(
            "&Disk space for saved map pieces",
            "Map pieces already seen are kept on this computer, so the map works offline.",
            minimum=50,
            maximum=5000,
            unit="MB",
            basemaps=("online",),
        ),
    )
    sync_interval_min: int = _setting(
        2,
        Option(
            "&Sync every",
            "How often wardapp sends your reports and fetches news of them. Saving a "
            "report always sends it straight away when there is a network.",
            minimum=1,
            maximum=60,
            unit="minutes",
        ),
    )
    font_scale: int = _setting(
        100,
        Option(
            "&Text size",
            "Makes the writing in wardapp, and the map, larger.",
            choices=tuple((scale, f"{scale}%") for scale in FONT_SCALES),
        ),
    )

    @property
    def sync_interval_s(self) -> float:
        """For Engine(sync_interval_s=...) and SyncScheduler.interval_s."""
        return self.sync_interval_min * 60.0

    @property
    def ca_bundle_path(self) -> str | None:
        """For Profile.open(ca_bundle=...): None means the system's certificates."""
        return self.ca_bundle or None


def declared() -> Iterator[tuple[str, Option, Any]]:
    """(name, option, default) for every setting, in the order they are declared."""
    for spec in fields(AppSettings):
        yield spec.name, cast(Option, spec.metadata["option"]), spec.default


OPTIONS: dict[str, Option] = {name: option for name, option, _default in declared()}
DEFAULTS: dict[str, Any] = {name: default for name, _option, default in declared()}


def relevant_fields(basemap: str) -> frozenset[str]:
    """The settings that matter with this kind of street map (the dialog enables only these)."""
    return frozenset(
        name
        for name, option in OPTIONS.items()
        if not option.basemaps or basemap in option.basemaps
    )


# What the street map is drawn from: a change to any of these means apply_basemap again.
BASEMAP_SETTINGS = frozenset(
    {"basemap"} | {name for name, option in OPTIONS.items() if option.basemaps}
)


def changed(old: AppSettings, new: AppSettings) -> frozenset[str]:
    """The names of the settings that differ, so the window re-applies only those."""
    return frozenset(name for name in OPTIONS if getattr(old, name) != getattr(new, name))


def parse_value(name: str, raw: object) -> Any:
    """``raw`` (a stored value, or one typed in) as the setting's type; ValueError says why not."""
    option, default = OPTIONS[name], DEFAULTS[name]
    value = _as_type(type(default), raw)
    if option.choices and value not in [choice for choice, _words in option.choices]:
        words = ", ".join(words for _choice, words in option.choices)
        raise ValueError(f"Choose one of: {words}.")
    too_low = option.minimum is not None and value < option.minimum
    too_high = option.maximum is not None and value > option.maximum
    if too_low or too_high:
        raise ValueError(f"Choose a number from {option.minimum} to {option.maximum}.")
    if isinstance(value, str) and value and option.check is not None:
        problem = option.check(value)
        if problem:
            raise ValueError(problem)
    return value


def _as_type(kind: type, raw: object) -> Any:
    """QSettings gives back strings from an INI file; these turn them into the right type."""
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
            return raw.strip().lower() == "true"
        raise ValueError("Tick or untick it.")
    if kind is int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            return int(raw.strip())
        raise ValueError("Type a whole number.")
    if isinstance(raw, str) and len(raw) <= MAX_TEXT and "\x00" not in raw:
        return raw.strip()
    raise ValueError("Type it again.")


def validate(settings: AppSettings) -> dict[str, str]:
    """{field: plain message} for each setting that may not be saved; empty when all is well.

    Settings that do not matter with the chosen street map are not checked, so a half-typed
    address left behind after switching to "None" never blocks saving.
    """
    problems: dict[str, str] = {}
    relevant = relevant_fields(settings.basemap)
    for name, option, _default in declared():
        if not option.stored or name not in relevant:
            continue
        value = getattr(settings, name)
        try:
            parse_value(name, value)
        except ValueError as exc:
            problems[name] = str(exc)
            continue
        if option.needed and not value:
            problems[name] = option.needed
        elif value and option.file_check is not None:
            problem = option.file_check(value)
            if problem:
                problems[name] = problem
    return problems


def settings_path() -> Path:
    """The INI file in the platform's config folder (platformdirs: XDG_CONFIG_HOME honoured)."""
    return Path(user_config_dir("wardapp", appauthor=False)) / SETTINGS_FILE


def default_qsettings() -> QSettings:
    return QSettings(str(settings_path()), QSettings.Format.IniFormat)


class SettingsStore:
    """Reads and writes AppSettings in one QSettings; tests pass one over a file in tmp_path."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.qsettings = qsettings if qsettings is not None else default_qsettings()

    def load(self, server_url: str = "") -> AppSettings:
        """The stored settings; anything unreadable is its default. Never raises.

        ``server_url`` is the profile's AIM store (Engine.server_url), shown, never stored.
        """
        values: dict[str, Any] = {}
        for name, option, _default in declared():
            if not option.stored or not self.qsettings.contains(name):
                continue
            raw = self.qsettings.value(name)
            try:
                values[name] = parse_value(name, raw)
            except ValueError as exc:
                log.warning("setting %s: stored value %r ignored (%s)", name, raw, exc)
        return replace(AppSettings(**values), server_url=server_url)

    def save(self, settings: AppSettings) -> None:
        """Writes every stored setting; SettingsInvalid if any may not be saved.

        OSError when the file cannot be written (the message says where).
        """
        problems = validate(settings)
        if problems:
            raise SettingsInvalid(problems)
        for name, option, _default in declared():
            if option.stored:
                self.qsettings.setValue(name, getattr(settings, name))
        self.qsettings.sync()
        if self.qsettings.status() != QSettings.Status.NoError:
            raise OSError(f"wardapp could not save its settings in {self.qsettings.fileName()}.")
