"""Secrets of a profile kept in the OS keyring: the database key and the sign-in tokens.

The database key never touches the disk beside the database. Where no secure keyring
exists, a key can be derived from a passphrase instead (``passphrase_key``); only the salt,
which is not secret, is written to the profile folder.
"""

import json
import os
import secrets
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
from argon2.low_level import Type, hash_secret_raw

from wardapp.client.errors import ClientError, KeyMissing, KeyringUnavailable

SERVICE = "wardapp"
KEY_BYTES = 32
# Argon2id slows each guess, but a passphrase short enough to guess quickly still falls to a
# stolen laptop's copy of the database; only new passphrases are held to this.
MIN_PASSPHRASE_CHARS = 12
_INSECURE = {"keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"}
_PLAINTEXT = {"keyrings.alt.file.PlaintextKeyring"}


def _backend_name() -> str:
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def check_keyring() -> str:
    """The usable backend's name; raises KeyringUnavailable with what to do otherwise.

    A plain-text file backend is accepted only when chosen on purpose through keyring's own
    PYTHON_KEYRING_BACKEND (tests and scripts), never picked up silently.
    """
    name = _backend_name()
    chosen = os.environ.get("PYTHON_KEYRING_BACKEND")
    if name in _INSECURE or (name in _PLAINTEXT and not chosen):
        raise KeyringUnavailable(
            "No secure keyring is available to keep this profile's key. Install and unlock "
            "your desktop's keyring (GNOME Keyring, KWallet, Windows Credential Manager or the "
            "macOS Keychain), or open the profile with a passphrase instead."
        )
    return name


class PassphraseTooShort(ClientError):
    """A new profile's passphrase is too short to protect it; the message says what to do."""


def check_new_passphrase(passphrase: str) -> None:
    """Raises PassphraseTooShort unless the passphrase (spaces at its ends not counted) is
    long enough to protect a profile on a laptop that may be lost."""
    if len(passphrase.strip()) < MIN_PASSPHRASE_CHARS:
        raise PassphraseTooShort(
            f"The passphrase must be at least {MIN_PASSPHRASE_CHARS} characters long. "
            "Choose a longer one: a few unrelated words are easy to remember and hard to guess."
        )


class ProfileSecrets:
    """The keyring entries of one profile, named by the profile's id."""

    def __init__(self, profile_id: str) -> None:
        self.profile_id = profile_id

    def _get(self, kind: str) -> str | None:
        try:
            return keyring.get_password(SERVICE, f"{self.profile_id}:{kind}")
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"The keyring could not be read: {exc}") from exc

    def _set(self, kind: str, value: str) -> None:
        try:
            keyring.set_password(SERVICE, f"{self.profile_id}:{kind}", value)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"The keyring could not be written: {exc}") from exc

    def _delete(self, kind: str) -> None:
        try:
            keyring.delete_password(SERVICE, f"{self.profile_id}:{kind}")
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"The keyring could not be written: {exc}") from exc

    def new_database_key(self) -> bytes:
        check_keyring()
        key = secrets.token_bytes(KEY_BYTES)
        self._set("db-key", key.hex())
        return key

    def database_key(self) -> bytes:
        check_keyring()
        stored = self._get("db-key")
        if stored is None:
            raise KeyMissing(
                "The key of this profile is not in this computer's keyring, so its data cannot "
                "be read. Open the profile on the computer where it was made, or start a new one."
            )
        return bytes.fromhex(stored)

    def tokens(self) -> dict[str, Any] | None:
        stored = self._get("tokens")
        return json.loads(stored) if stored else None

    def save_tokens(self, tokens: dict[str, Any]) -> None:
        self._set("tokens", json.dumps(tokens))

    def forget_tokens(self) -> None:
        self._delete("tokens")


def passphrase_key(passphrase: str, salt_file: Path) -> bytes:
    """A key derived with Argon2id from a passphrase, for machines without a keyring."""
    if not salt_file.exists():
        salt_file.write_bytes(secrets.token_bytes(16))
    return hash_secret_raw(
        passphrase.encode(),
        salt_file.read_bytes(),
        time_cost=3,
        memory_cost=64 * 1024,
        parallelism=2,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )
