"""Upgrading a store from the first schema revision keeps its data, on SQLite and PostgreSQL.

An administrator who installed the first release and runs `migrate` after each upgrade must
keep every account and report; each revision is applied in turn, as a real upgrade would.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD
from wardapp.aimstore.accounts import add_user
from wardapp.aimstore.app import create_app
from wardapp.aimstore.db import make_engine
from wardapp.aimstore.migrate import alembic_config, load_defaults, migrate, upgrade_schema
from wardapp.aimstore.security import hash_password
from wardapp.aimstore.settings import AimStoreSettings

REPORT_ID = "0b7f3a52-6d55-4d0c-9a0e-4d8a3c0f6a11"
WHEN = datetime(2026, 10, 15, 10, 2, 11, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with no tables at all, as on the day the store was first installed."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("empty_postgres_url")
        return url
    return f"sqlite:///{tmp_path / 'first.db'}"


@pytest.fixture
def empty_engine(empty_url: str) -> Iterator[Engine]:
    engine = make_engine(empty_url)
    yield engine
    engine.dispose()


def revisions_in_order(engine: Engine) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(engine))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def insert_first_release_data(engine: Engine) -> None:
    """What a store at revision 0001 held: defaults, a councillor and one report of theirs."""
    migrate_defaults_at_first_revision(engine)
    with engine.begin() as db:
        # No explicit id: PostgreSQL's sequence must stay ahead of the rows for later accounts.
        user_id = db.execute(
            text(
                "INSERT INTO users (username, password_hash, role, disabled, created_at) "
                "VALUES ('early', :hash, 'councillor', false, :at) RETURNING id"
            ),
            {"hash": hash_password(PASSWORD), "at": WHEN},
        ).scalar_one()
        db.execute(
            text("INSERT INTO user_wards (user_id, ward_code) VALUES (:user, 'E05009855')"),
            {"user": user_id},
        )
        boundary_set_id = db.execute(text("SELECT id FROM boundary_sets")).scalar_one()
        db.execute(
            text(
                "INSERT INTO report_versions (report_id, version, content_hash, received_at) "
                "VALUES (:id, 1, :hash, :at)"
            ),
            {"id": REPORT_ID, "hash": "a" * 64, "at": WHEN},
        )
        db.execute(
            text(
                "INSERT INTO reports (id, version, author_id, source, category, occurred_on, "
                "occurred_time, time_band, lat, lon, accuracy_m, observed_by, description, "
                "repeat_issue, resident_contact, captured_at, withdrawn, ward_code, "
                "boundary_set_id, status, status_note, server_received_at, updated_at, "
                "change_seq, content_hash) VALUES (:id, 1, :user, 'wardapp', 'fly_tipping', :on, "
                "NULL, 'evening', 54.55, -1.2, 25, 'councillor', 'Mattresses in the back lane', "
                "false, NULL, :at, false, 'E05009855', :bs, 'received', NULL, :at, :at, 1, :hash)"
            ),
            {
                "id": REPORT_ID,
                "user": user_id,
                "on": date(2026, 10, 14),
                "at": WHEN,
                "bs": boundary_set_id,
                "hash": "a" * 64,
            },
        )
        db.execute(text("UPDATE counters SET value = 1 WHERE name = 'changes'"))


def migrate_defaults_at_first_revision(engine: Engine) -> None:
    """`migrate` as the first release ran it: schema 0001 plus categories, wards, key."""
    with Session(engine) as session, session.begin():
        load_defaults(session)


def test_upgrade_from_first_revision_step_by_step_keeps_accounts_and_reports(
    empty_engine: Engine, empty_url: str
) -> None:
    revisions = revisions_in_order(empty_engine)
    assert revisions[0] == "0001" and len(revisions) >= 3
    upgrade_schema(empty_engine, revisions[0])
    insert_first_release_data(empty_engine)

    for revision in revisions[1:]:
        upgrade_schema(empty_engine, revision)
        assert current_revision(empty_engine) == revision
        with empty_engine.connect() as db:
            assert db.execute(text("SELECT count(*) FROM reports")).scalar_one() == 1
            assert db.execute(text("SELECT username FROM users")).scalar_one() == "early"
    # The first release's report is counted in the summary aggregates once (revision 0005).
    with empty_engine.connect() as db:
        counted = db.execute(text("SELECT ward_code, category, reports FROM summary_counts"))
        assert [tuple(row) for row in counted] == [("E05009855", "fly_tipping", 1)]
        assert db.execute(text("SELECT sum(reports) FROM summary_hexes")).scalar_one() == 1
    # `migrate` once more is what an administrator runs after every upgrade: nothing to do.
    assert migrate(empty_engine) == []
    empty_engine.dispose()

    with TestClient(create_app(AimStoreSettings(database_url=empty_url))) as client:
        signed_in = client.post(
            "/v1/auth/token",
            json={"username": "early", "password": PASSWORD, "device_name": "old laptop"},
        )
        assert signed_in.status_code == 200, signed_in.text
        assert signed_in.json()["user"]["wards"] == ["E05009855"]
        headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        mine = client.get("/v1/reports/mine", headers=headers).json()["items"]
        assert [(r["id"], r["category"], r["description"]) for r in mine] == [
            (REPORT_ID, "fly_tipping", "Mattresses in the back lane")
        ]
        assert mine[0]["status"] == "received"
        # A second account after the upgrade: ids go on from the first release's rows.
        with Session(empty_engine) as session, session.begin():
            add_user(session, "later", "analyst", PASSWORD, [])


def test_migrate_on_an_empty_database_reaches_the_newest_revision(
    empty_engine: Engine,
) -> None:
    loaded = migrate(empty_engine)
    assert any("categories" in item or "taxonomy" in item for item in loaded)
    assert current_revision(empty_engine) == revisions_in_order(empty_engine)[-1]
