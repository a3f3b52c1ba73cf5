"""Settings: declared once, round-tripped through a real QSettings INI file, checked in words.

Each test points the store at its own INI file in tmp_path, never the user's settings.
"""

from dataclasses import replace
from pathlib import Path

import certifi
import pytest
from PySide6.QtCore import QSettings

from tests.support.tiles import make_mbtiles
from wardapp.ui.settings import (
    BASEMAP_SETTINGS,
    DEFAULTS,
    OPTIONS,
    AppSettings,
    SettingsInvalid,
    SettingsStore,
    changed,
    relevant_fields,
    validate,
)

SERVER = "https://aim.example.org"
TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


def store_at(path: Path) -> SettingsStore:
    return SettingsStore(QSettings(str(path), QSettings.Format.IniFormat))


@pytest.fixture
def ini(tmp_path: Path) -> Path:
    return tmp_path / "wardapp.ini"


@pytest.fixture
def map_file(tmp_path: Path) -> Path:
    path = tmp_path / "streets.mbtiles"
    make_mbtiles(path, zooms=range(12, 13))
    return path


def test_every_option_has_a_label_a_sentence_and_a_default_it_accepts() -> None:
    for name, option in OPTIONS.items():
        assert option.plain_label and option.help.endswith("."), name
        default = DEFAULTS[name]
        if option.choices:
            assert default in [choice for choice, _words in option.choices], name
        if option.minimum is not None and option.maximum is not None:
            assert option.minimum <= default <= option.maximum, name
    assert AppSettings().basemap == "none"
    assert AppSettings().tile_cache_mb == 500
    assert AppSettings().sync_interval_min == 2
    assert AppSettings().font_scale == 100
    assert AppSettings().offline_areas_allowed is False


def test_an_empty_file_gives_the_defaults_and_the_profiles_server(ini: Path) -> None:
    loaded = store_at(ini).load(server_url=SERVER)
    assert loaded == replace(AppSettings(), server_url=SERVER)


def test_settings_round_trip_through_an_ini_file(ini: Path, map_file: Path) -> None:
    chosen = AppSettings(
        server_url=SERVER,
        ca_bundle=certifi.where(),
        basemap="online",
        mbtiles_path=str(map_file),
        tile_url=TILES,
        tile_attribution="© OpenStreetMap contributors, CC-BY-SA",  # a comma: INI quoting
        offline_areas_allowed=True,
        tile_cache_mb=1200,
        sync_interval_min=15,
        font_scale=150,
    )
    store_at(ini).save(chosen)
    assert store_at(ini).load(server_url=SERVER) == chosen
    assert "aim.example.org" not in ini.read_text()  # the profile owns the server address


def test_sync_interval_and_ca_bundle_in_the_forms_the_engine_takes() -> None:
    assert AppSettings(sync_interval_min=5).sync_interval_s == 300.0
    assert AppSettings().ca_bundle_path is None
    assert AppSettings(ca_bundle="/etc/ca.pem").ca_bundle_path == "/etc/ca.pem"


def test_corrupt_or_unknown_stored_values_fall_back_to_the_defaults(ini: Path) -> None:
    ini.write_text(
        "[General]\n"
        "tile_cache_mb=lots\n"
        "sync_interval_min=0\n"
        "font_scale=175\n"
        "basemap=satellite\n"
        "offline_areas_allowed=perhaps\n"
        "tile_url=http://tiles.example.org/{z}/{x}/{y}.png\n"
        "tile_attribution=one, two\n"  # unquoted: QSettings reads a list, not text
        "server_url=https://elsewhere.example.org\n"
        "colour=blue\n"
    )
    loaded = store_at(ini).load(server_url=SERVER)
    assert loaded == replace(AppSettings(), server_url=SERVER)


def test_good_stored_values_survive_beside_corrupt_ones(ini: Path) -> None:
    ini.write_text("[General]\nsync_interval_min=10\nfont_scale=huge\nbasemap=online\n")
    loaded = store_at(ini).load()
    assert (loaded.sync_interval_min, loaded.font_scale, loaded.basemap) == (10, 100, "online")


def test_a_missing_map_file_is_kept_on_load_and_reported_on_save(ini: Path, tmp_path: Path) -> None:
    """A USB stick not plugged in at start is no reason to forget which map was chosen."""
    gone = str(tmp_path / "usb" / "streets.mbtiles")
    ini.write_text(f"[General]\nbasemap=mbtiles\nmbtiles_path={gone}\n")
    loaded = store_at(ini).load()
    assert loaded.mbtiles_path == gone
    assert "could not be found" in validate(loaded)["mbtiles_path"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"basemap": "online", "tile_url": "https://t.example.org/{x}/{y}.png"}, "tile_url", "{z}"),
        (
            {"basemap": "online", "tile_url": "http://tiles.example.org/{z}/{x}/{y}.png"},
            "tile_url",
            "https://",
        ),
        ({"basemap": "online", "tile_url": ""}, "tile_url", "address"),
        ({"basemap": "online", "tile_attribution": ""}, "tile_attribution", "credit"),
        ({"basemap": "mbtiles"}, "mbtiles_path", ".mbtiles"),
        ({"sync_interval_min": 0}, "sync_interval_min", "from 1 to 60"),
        ({"tile_cache_mb": 10, "basemap": "online"}, "tile_cache_mb", "from 50 to 5000"),
        ({"font_scale": 175}, "font_scale", "200%"),
        ({"ca_bundle": "/nowhere/ca.pem"}, "ca_bundle", "no file"),
    ],
)
def test_bad_values_get_a_plain_message_on_their_field(
    changes: dict[str, object], field: str, words: str
) -> None:
    base = AppSettings(tile_url=TILES, tile_attribution="© Example")
    problems = validate(replace(base, **changes))  # type: ignore[arg-type]
    assert field in problems
    assert words.lower() in problems[field].lower()


def test_http_is_allowed_for_a_tile_server_on_this_computer() -> None:
    local = AppSettings(
        basemap="online", tile_url="http://127.0.0.1:8080/{z}/{x}/{y}.png", tile_attribution="Me"
    )
    assert validate(local) == {}


def test_a_file_that_is_not_a_certificate_is_refused(tmp_path: Path, map_file: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a certificate")
    damaged = tmp_path / "damaged.pem"
    damaged.write_text("-----BEGIN CERTIFICATE-----\nnonsense\n-----END CERTIFICATE-----\n")
    assert "PEM" in validate(AppSettings(ca_bundle=str(text)))["ca_bundle"]
    assert "damaged" in validate(AppSettings(ca_bundle=str(damaged)))["ca_bundle"]
    assert validate(AppSettings(ca_bundle=certifi.where())) == {}
    not_a_map = validate(AppSettings(basemap="mbtiles", mbtiles_path=str(text)))
    assert "mbtiles_path" in not_a_map
    assert validate(AppSettings(basemap="mbtiles", mbtiles_path=str(map_file))) == {}


def test_settings_that_do_not_matter_for_the_street_map_chosen_are_not_checked() -> None:
    leftover = AppSettings(basemap="none", tile_url="http://typo", mbtiles_path="/gone.mbtiles")
    assert validate(leftover) == {}
    assert "tile_url" not in relevant_fields("none")
    assert {"tile_url", "tile_attribution", "offline_areas_allowed", "tile_cache_mb"} <= (
        relevant_fields("online")
    )
    assert "mbtiles_path" in relevant_fields("mbtiles")
    assert "tile_url" not in relevant_fields("mbtiles")


def test_invalid_settings_are_not_saved(ini: Path) -> None:
    store = store_at(ini)
    with pytest.raises(SettingsInvalid) as refused:
        store.save(AppSettings(sync_interval_min=99))
    assert set(refused.value.problems) == {"sync_interval_min"}
    assert store_at(ini).load().sync_interval_min == 2


def test_the_window_can_tell_which_settings_changed() -> None:
    old = AppSettings()
    new = replace(old, sync_interval_min=5, tile_url=TILES)
    assert changed(old, new) == {"sync_interval_min", "tile_url"}
    assert changed(old, new) & BASEMAP_SETTINGS == {"tile_url"}
    assert {
        "basemap",
        "mbtiles_path",
        "tile_url",
        "tile_attribution",
        "offline_areas_allowed",
        "tile_cache_mb",
    } == BASEMAP_SETTINGS
