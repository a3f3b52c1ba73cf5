"""A real AIM store with the demo's year of reports, for the summary tests (client and UI).

``seed-demo`` runs once per session, by the real command line, into a template database;
each test serves its own copy. Import the fixtures into a test module to use them.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support.live_store import LiveStore, running_copy
from wardapp.client.profile import Profile
from wardapp.core.periods import latest_published, uk_today

DEMO_USER, DEMO_PASSWORD = "demo", "demo-councillor"  # what seed-demo creates
ANALYST_USER, ANALYST_PASSWORD = "analyst", "demo-analyst"
BERWICK_HILLS = "E05009855"  # one of the demo councillor's two wards
PARK_END = "E05009870"
ACKLAM = "E05009853"  # a ward with neither the demo councillor nor any demo action


def last_month() -> str:
    """The newest month that has ended: the first the pickers offer."""
    return latest_published(uk_today(), "month")[0].label


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    template = LiveStore(tmp_path_factory.mktemp("aimstore-seeded"))
    template.cli("migrate")
    template.cli("seed-demo")
    return template.db_path


@pytest.fixture
def seeded_store(
    tmp_path_factory: pytest.TempPathFactory, seeded_template: Path
) -> Iterator[LiveStore]:
    with running_copy(seeded_template, tmp_path_factory.mktemp("aimstore")) as store:
        yield store


@pytest.fixture
def demo_profile(
    seeded_store: LiveStore, profile_env: dict[str, str], tmp_path: Path
) -> Iterator[Profile]:
    """The demo councillor (two wards), signed in on this computer."""
    profile = Profile.open(tmp_path / "profile", seeded_store.url)
    profile.sign_in(DEMO_USER, DEMO_PASSWORD, "test laptop")
    yield profile
    profile.close()


def analyst_adds_action(store: LiveStore, wards: list[str], title: str, **extra: Any) -> int:
    """What the AIM hub does in its own tool: POST /v1/actions as the analyst."""
    token = requests.post(
        f"{store.url}/v1/auth/token",
        json={"username": ANALYST_USER, "password": ANALYST_PASSWORD, "device_name": "hub"},
        timeout=30,
    ).json()["access_token"]
    body = {
        "wards": wards,
        "title": title,
        "lead_agency": "Cleveland Police",
        "due_on": (date.today() + timedelta(days=45)).isoformat(),
        "progress": "on_track",
        **extra,
    }
    made = requests.post(
        f"{store.url}/v1/actions",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert made.status_code == 201, made.text
    return int(made.json()["id"])
