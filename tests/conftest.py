"""Shared fixtures: a real migrated AIM store per test, accounts, valid reports.

The database fixtures run every test that uses them twice: on SQLite and on a real
PostgreSQL server (tests/support/postgres.py), each time in a fresh, migrated database.
"""

import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from wardapp.aimstore.accounts import add_user
from wardapp.aimstore.app import create_app
from wardapp.aimstore.db import make_engine
from wardapp.aimstore.migrate import migrate
from wardapp.aimstore.settings import AimStoreSettings
from wardapp.core.wards import WardSet, default_ward_set

pytest_plugins = ["tests.client.keyring_memory", "tests.support.postgres"]
# The boundary files as shipped in resources/ (copies of the project's shared data).
SHARED_DATA = Path(__file__).resolve().parents[1] / "resources" / "wards"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def wards() -> WardSet:
    return default_ward_set()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrating once and copying the file keeps each test's database fresh and fast."""
    path = tmp_path_factory.mktemp("template") / "aimstore.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh migrated database for this test: a copied SQLite file, or a PostgreSQL copy."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        return url
    template: Path = request.getfixturevalue("migrated_template")
    path = tmp_path / "aimstore.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def settings(db_url: str) -> AimStoreSettings:
    return AimStoreSettings(database_url=db_url)


@pytest.fixture
def client(settings: AimStoreSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


UserMaker = Callable[..., dict[str, str]]


@pytest.fixture
def make_user(engine: Engine, client: TestClient) -> UserMaker:
    """Creates an account and signs it in; returns the Authorization header."""

    def make(
        username: str, role: str = "councillor", wards: list[str] | None = None
    ) -> dict[str, str]:
        with Session(engine) as session, session.begin():
            add_user(session, username, role, PASSWORD, wards or [])
        response = client.post(
            "/v1/auth/token",
            json={"username": username, "password": PASSWORD, "device_name": "test laptop"},
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return make


ReportMaker = Callable[..., dict[str, Any]]


@pytest.fixture
def make_report(wards: WardSet) -> ReportMaker:
    """A valid wire-format report inside a ward (the first by code unless named)."""

    def make(ward_code: str | None = None, **overrides: Any) -> dict[str, Any]:
        ward = wards.get(ward_code) if ward_code else wards.wards[0]
        assert ward is not None
        point = ward.geometry.representative_point()
        report: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "category": "motorbike_misuse",
            "occurred_on": "2026-10-14",
            "occurred_time": "21:30",
            "time_band": None,
            "lat": round(point.y, 6),
            "lon": round(point.x, 6),
            "accuracy_m": 30,
            "observed_by": "resident",
            "description": "Two off-road bikes on the field every evening",
            "repeat_issue": True,
            "resident_contact": None,
            "captured_at": datetime(2026, 10, 15, 10, 2, 11, tzinfo=UTC)
            .isoformat()
            .replace("+00:00", "Z"),
        }
        report.update(overrides)
        return report

    return make
