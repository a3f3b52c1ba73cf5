"""Other people on the same computer cannot look into a profile, and new passphrases are long.

The profile folder (the encrypted database, the key's salt, the settings) and the folder of
saved map pieces (which show where a councillor has been looking) are made readable by
their owner only, and an older, looser folder is tightened when opened.
"""

import json
import os
import stat
import uuid
from pathlib import Path

import pytest

from wardapp.client.errors import StoreUnreadable
from wardapp.client.keys import MIN_PASSPHRASE_CHARS, PassphraseTooShort, passphrase_key
from wardapp.client.profile import DATABASE_FILE, PROFILE_FILE, Profile
from wardapp.client.store import LocalStore
from wardapp.client.tilecache import TileCache

URL = "http://127.0.0.1:9"
PASSPHRASE = "purple elephant sunrise"
posix_only = pytest.mark.skipif(os.name != "posix", reason="Windows keeps AppData private by ACL")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_a_new_profile_folder_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "wardapp" / "profile"
    Profile.open(folder, URL, passphrase=PASSPHRASE).close()
    assert mode(folder) == 0o700


@posix_only
@pytest.mark.parametrize("loose", [0o755, 0o777])
def test_a_loose_profile_folder_is_tightened_when_opened(tmp_path: Path, loose: int) -> None:
    folder = tmp_path / "profile"
    Profile.open(folder, URL, passphrase=PASSPHRASE).close()
    folder.chmod(loose)
    Profile.open(folder, passphrase=PASSPHRASE).close()
    assert mode(folder) == 0o700


@posix_only
def test_an_empty_folder_given_for_a_new_profile_is_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    Profile.open(folder, URL, passphrase=PASSPHRASE).close()
    assert mode(folder) == 0o700


@posix_only
def test_the_folder_of_saved_map_pieces_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "wardapp" / "tiles"
    TileCache(folder, 1024 * 1024).close()
    assert mode(folder) == 0o700
    folder.chmod(0o755)
    TileCache(folder, 1024 * 1024).close()
    assert mode(folder) == 0o700


@pytest.mark.parametrize(
    "passphrase", ["", "short", "a" * (MIN_PASSPHRASE_CHARS - 1), " " * 20, "  eleven ch  "]
)
def test_a_short_new_passphrase_is_refused_with_what_to_fix(
    tmp_path: Path, passphrase: str
) -> None:
    folder = tmp_path / "profile"
    with pytest.raises(PassphraseTooShort) as caught:
        Profile.open(folder, URL, passphrase=passphrase)
    assert f"at least {MIN_PASSPHRASE_CHARS} characters" in str(caught.value)
    assert not (folder / DATABASE_FILE).exists()


def test_a_passphrase_of_the_minimum_length_makes_a_profile(tmp_path: Path) -> None:
    Profile.open(tmp_path / "p", URL, passphrase="x" * MIN_PASSPHRASE_CHARS).close()


def test_a_profile_made_before_the_minimum_still_opens(tmp_path: Path) -> None:
    """Made as older versions did, with a short passphrase: only new passphrases are checked."""
    folder = tmp_path / "old"
    folder.mkdir()
    settings = {"profile_id": str(uuid.uuid4()), "key_source": "passphrase", "server_url": URL}
    (folder / PROFILE_FILE).write_text(json.dumps(settings))
    LocalStore(folder / DATABASE_FILE, passphrase_key("tiny", folder / "key-salt")).close()

    Profile.open(folder, passphrase="tiny").close()
    with pytest.raises(StoreUnreadable):  # a wrong one is wrong, not "too short"
        Profile.open(folder, passphrase="tinier")
