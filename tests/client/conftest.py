"""Fixtures for the client engine against a real AIM store run by its own command line.

``live_store`` starts ``wardapp-aimstore serve`` in a child process on a free loopback port,
with a fresh SQLite database, a councillor and an analyst, and can stop and start it again
on the same port (the "server down, then up" of a councillor at a surgery).
"""

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import keyring
import keyring.core
import pytest
from keyrings.alt.file import PlaintextKeyring

from tests.support.live_store import ANALYST, COUNCILLOR, PASSWORD, LiveStore, running_copy
from tests.support.seeded_store import (  # noqa: F401  (the demo's year of reports)
    demo_profile,
    seeded_store,
    seeded_template,
)
from wardapp.client.profile import Profile


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once, with both accounts, by the real command line; copied for each test."""
    template = LiveStore(tmp_path_factory.mktemp("aimstore-template"))
    template.cli("migrate")
    template.add_user(COUNCILLOR, "councillor")
    template.add_user(ANALYST, "analyst")
    # Each command closes its last connection, which checkpoints the WAL into the file.
    assert not Path(f"{template.db_path}-wal").exists()
    return template.db_path


@pytest.fixture
def live_store(
    tmp_path_factory: pytest.TempPathFactory, store_template: Path
) -> Iterator[LiveStore]:
    with running_copy(store_template, tmp_path_factory.mktemp("aimstore")) as store:
        yield store


@pytest.fixture
def profile_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A plain-text file keyring under a temporary home; returns the env for subprocesses.

    keyring caches its backend in the process, so it is set explicitly and put back after.
    """
    home = tmp_path / "home"
    values = {
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    previous = keyring.core._keyring_backend
    keyring.set_keyring(PlaintextKeyring())
    yield {**os.environ, **values}
    keyring.core._keyring_backend = previous


@pytest.fixture
def signed_in_profile(
    live_store: LiveStore, profile_env: dict[str, str], tmp_path: Path
) -> Iterator[Profile]:
    profile = Profile.open(tmp_path / "profile", live_store.url)
    profile.sign_in(COUNCILLOR, PASSWORD, "test laptop")
    yield profile
    profile.close()


def wire_report(profile: Profile, ward_index: int = 0, **overrides: Any) -> dict[str, Any]:
    """A valid report as the form would save it: inside a ward, happened last week."""
    point = profile.ward_set().wards[ward_index].geometry.representative_point()
    report: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "category": "asb",
        "occurred_on": (date.today() - timedelta(days=7)).isoformat(),
        "time_band": "evening",
        "lat": round(point.y, 6),
        "lon": round(point.x, 6),
        "observed_by": "councillor",
        "description": "Group shouting outside the shops most nights",
        "captured_at": datetime.now(UTC).isoformat(),
    }
    report.update(overrides)
    return report
