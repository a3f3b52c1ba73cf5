"""Where the database key lives, and what happens when no keyring can keep it."""

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from tests.client.keyring_memory import MemoryKeyring
from wardapp.client.errors import KeyringUnavailable, StoreUnreadable
from wardapp.client.keys import ProfileSecrets, check_keyring, passphrase_key
from wardapp.client.profile import Profile

URL = "http://127.0.0.1:9"


def test_new_profile_keeps_a_random_32_byte_key_in_the_keyring_not_on_disk(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    profile = Profile.open(tmp_path, URL)
    profile.close()
    (entry,) = [v for (_, name), v in memory_keyring.entries.items() if name.endswith(":db-key")]
    key = bytes.fromhex(entry)
    assert len(key) == 32
    for file in tmp_path.iterdir():
        assert key not in file.read_bytes()
        assert entry.encode() not in file.read_bytes()


def test_two_profiles_get_different_keys(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    for name in ("a", "b"):
        Profile.open(tmp_path / name, URL).close()
    keys = [v for (_, n), v in memory_keyring.entries.items() if n.endswith(":db-key")]
    assert len(set(keys)) == 2


def test_no_keyring_fails_with_what_to_do(tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(KeyringUnavailable, match="passphrase"):
            Profile.open(tmp_path, URL)
    finally:
        keyring.set_keyring(previous)
    assert not (tmp_path / "wardapp.db").exists()


def test_plain_text_keyring_only_when_chosen_on_purpose(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from keyrings.alt.file import PlaintextKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
        with pytest.raises(KeyringUnavailable):
            check_keyring()
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
        assert check_keyring().endswith("PlaintextKeyring")
    finally:
        keyring.set_keyring(previous)


def test_passphrase_profile_opens_without_a_keyring_and_needs_the_passphrase(
    tmp_path: Path,
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        profile = Profile.open(tmp_path, URL, passphrase="purple elephant sunrise")
        profile.save_draft("d1", {"description": "kept"})
        profile.close()
        with pytest.raises(StoreUnreadable, match="passphrase"):
            Profile.open(tmp_path, URL)
        with pytest.raises(StoreUnreadable, match="key does not match"):
            Profile.open(tmp_path, URL, passphrase="wrong guess")
        again = Profile.open(tmp_path, URL, passphrase="purple elephant sunrise")
        assert again.drafts() == {"d1": {"description": "kept"}}
        again.close()
    finally:
        keyring.set_keyring(previous)


def test_passphrase_key_depends_on_salt_and_passphrase(tmp_path: Path) -> None:
    first = passphrase_key("one", tmp_path / "salt-a")
    assert first == passphrase_key("one", tmp_path / "salt-a")
    assert first != passphrase_key("two", tmp_path / "salt-a")
    assert first != passphrase_key("one", tmp_path / "salt-b")
    assert len(first) == 32


def test_tokens_round_trip_and_can_be_forgotten(memory_keyring: MemoryKeyring) -> None:
    secrets = ProfileSecrets("p1")
    secrets.save_tokens({"access_token": "a", "refresh_token": "r"})
    assert secrets.tokens() == {"access_token": "a", "refresh_token": "r"}
    secrets.forget_tokens()
    secrets.forget_tokens()  # twice is fine
    assert secrets.tokens() is None
