"""The encrypted local store: keys, damage, migrations."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher

from tests.client import keyring_memory
from wardapp.client.errors import KeyMissing, StoreUnreadable
from wardapp.client.profile import Profile
from wardapp.client.store import MIGRATIONS, SCHEMA_VERSION, LocalStore

KEY = bytes(range(32))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LocalStore]:
    local = LocalStore(tmp_path / "wardapp.db", KEY)
    yield local
    local.close()


def test_data_on_disk_is_encrypted(tmp_path: Path, store: LocalStore) -> None:
    with store.transaction() as db:
        store.set_meta(db, "secret", "resident lives at 12 Example Road")
    raw = (tmp_path / "wardapp.db").read_bytes() + (tmp_path / "wardapp.db-wal").read_bytes()
    assert b"Example Road" not in raw
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(tmp_path / "wardapp.db").execute("SELECT * FROM meta").fetchall()


def test_wrong_key_is_a_clear_error_and_changes_nothing(tmp_path: Path, store: LocalStore) -> None:
    with store.transaction() as db:
        store.set_meta(db, "kept", "yes")
    store.close()
    with pytest.raises(StoreUnreadable, match="key does not match or the file is damaged"):
        LocalStore(tmp_path / "wardapp.db", bytes(32))
    reopened = LocalStore(tmp_path / "wardapp.db", KEY)
    assert reopened.get_meta("kept") == "yes"
    reopened.close()


def test_tampered_file_is_a_clear_error(tmp_path: Path, store: LocalStore) -> None:
    with store.transaction() as db:
        store.set_meta(db, "kept", "yes")
    store.close()
    path = tmp_path / "wardapp.db"
    data = bytearray(path.read_bytes())
    for offset in range(0, min(len(data), 4096)):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(StoreUnreadable):
        LocalStore(path, KEY)


def test_a_copied_database_without_its_keyring_entry_cannot_be_opened(
    tmp_path: Path, memory_keyring: keyring_memory.MemoryKeyring
) -> None:
    profile = Profile.open(tmp_path / "laptop", "http://127.0.0.1:9")
    profile.close()
    stolen = tmp_path / "stolen"
    stolen.mkdir()
    for name in ("wardapp.db", "profile.json"):
        (stolen / name).write_bytes((tmp_path / "laptop" / name).read_bytes())
    memory_keyring.entries.clear()  # another computer: an empty keyring
    with pytest.raises(KeyMissing, match="not in this computer's keyring"):
        Profile.open(stolen, "http://127.0.0.1:9")


@pytest.mark.parametrize("start", range(SCHEMA_VERSION))
def test_migrates_from_every_earlier_version(tmp_path: Path, start: int) -> None:
    path = tmp_path / "wardapp.db"
    # Build the database as that earlier version left it, then open it normally.
    db = sqlcipher.connect(str(path), isolation_level=None)
    db.execute(f"PRAGMA key = \"x'{KEY.hex()}'\"")
    for script in MIGRATIONS[:start]:
        for statement in script.split(";"):
            if statement.strip():
                db.execute(statement)
    db.execute(f"PRAGMA user_version = {start}")
    db.close()
    store = LocalStore(path, KEY)
    assert store.schema_version() == SCHEMA_VERSION
    with store.transaction() as tx:
        store.set_meta(tx, "after", "migration")
    assert store.get_meta("after") == "migration"
    store.close()
