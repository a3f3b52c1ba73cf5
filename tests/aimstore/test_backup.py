"""`wardapp-aimstore backup` and `restore`: what the README tells an administrator to run.

A backup is worth something only if it can be restored: each test backs up a store holding
reports, accounts and audit rows, restores it into a new database and checks that a
councillor can sign in and an analyst sees every report and the audit trail.
"""

import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi.testclient import TestClient

from tests.support.live_store import AIMSTORE, ANALYST, COUNCILLOR, PASSWORD, LiveStore
from tests.support.postgres import PostgresCluster
from wardapp.aimstore.app import create_app
from wardapp.aimstore.settings import AimStoreSettings

ReportMaker = Callable[..., dict[str, Any]]


def run_cli(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, as an administrator types it, against the database at ``url``."""
    return subprocess.run(
        [AIMSTORE, *args],
        input=stdin,
        env={"WARDAPP_AIMSTORE_DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def sign_in(post: Callable[..., Any], username: str) -> dict[str, str]:
    response = post(
        "/v1/auth/token",
        json={"username": username, "password": PASSWORD, "device_name": "tests"},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def fill_store(url: str, client: TestClient, make_report: ReportMaker) -> set[str]:
    """Two accounts made by the command line, a batch of reports, signed-in audit rows."""
    for username, role in ((COUNCILLOR, "councillor"), (ANALYST, "analyst")):
        done = run_cli(
            url, "user", "add", "--username", username, "--role", role, stdin=PASSWORD + "\n"
        )
        assert done.returncode == 0, done.stderr
    headers = sign_in(client.post, COUNCILLOR)
    reports = [make_report(description=f"report {i}") for i in range(25)]
    response = client.post("/v1/reports/batch", json={"reports": reports}, headers=headers)
    assert {r["status"] for r in response.json()["results"]} == {"created"}
    return {r["id"] for r in reports}


def check_restored(url: str, expected_ids: set[str]) -> None:
    """The restored store serves: accounts sign in, reports and audit rows are all there."""
    with TestClient(create_app(AimStoreSettings(database_url=url))) as client:
        sign_in(client.post, COUNCILLOR)
        analyst = sign_in(client.post, ANALYST)
        page = client.get("/v1/reports", params={"limit": 1000}, headers=analyst).json()
        assert {item["id"] for item in page["items"]} >= expected_ids
    audit = run_cli(url, "audit", "export", "--since", "2000-01-01", "--format", "jsonl")
    assert audit.returncode == 0, audit.stderr
    assert f'"actor": "{COUNCILLOR}"' in audit.stdout and '"sign_in"' in audit.stdout
    users = run_cli(url, "user", "list")
    assert COUNCILLOR in users.stdout and ANALYST in users.stdout


def test_backup_refuses_to_replace_an_existing_file(db_url: str, tmp_path: Path) -> None:
    existing = tmp_path / "yesterday.backup"
    existing.write_bytes(b"last night's backup")
    done = run_cli(db_url, "backup", str(existing))
    assert done.returncode == 1
    assert "already exists" in done.stderr
    assert existing.read_bytes() == b"last night's backup"


def test_restore_refuses_a_database_that_holds_a_store(db_url: str, tmp_path: Path) -> None:
    backup = tmp_path / "store.backup"
    assert run_cli(db_url, "backup", str(backup)).returncode == 0
    done = run_cli(db_url, "restore", str(backup))
    assert done.returncode == 1
    assert "new, empty database" in done.stderr


def test_sqlite_backup_while_serving_and_serving_from_the_restored_copy(
    tmp_path: Path, make_report: ReportMaker
) -> None:
    store = LiveStore(tmp_path / "live")
    store.folder.mkdir()
    store.cli("migrate")
    store.add_user(COUNCILLOR, "councillor")
    store.add_user(ANALYST, "analyst")
    store.start()
    try:
        session = requests.Session()
        headers = sign_in(
            lambda path, **kw: session.post(store.url + path, timeout=30, **kw), COUNCILLOR
        )
        before = [make_report() for _ in range(30)]
        session.post(store.url + "/v1/reports/batch", json={"reports": before}, headers=headers)

        stop = threading.Event()

        def keep_writing() -> None:
            """A councillor syncing while the backup runs."""
            writer = requests.Session()
            while not stop.is_set():
                batch = [make_report() for _ in range(20)]
                writer.post(
                    store.url + "/v1/reports/batch",
                    json={"reports": batch},
                    headers=headers,
                    timeout=30,
                )

        thread = threading.Thread(target=keep_writing)
        thread.start()
        try:
            backup = tmp_path / "aimstore-backup.db"
            out = store.cli("backup", str(backup))
        finally:
            stop.set()
            thread.join(60)
        assert str(backup) in out
    finally:
        store.stop()

    # Serve from the backup file itself, as the README's SQLite restore says.
    restored_url = f"sqlite:///{backup}"
    check_restored(restored_url, {r["id"] for r in before})
    # Consistent: every report in the copy has its version row, written in the same commit.
    with TestClient(create_app(AimStoreSettings(database_url=restored_url))) as client:
        analyst = sign_in(client.post, ANALYST)
        ids = [
            i["id"]
            for i in client.get("/v1/reports", params={"limit": 1000}, headers=analyst).json()[
                "items"
            ]
        ]
    assert set(ids) <= set(store.report_ids())
    assert len(ids) == len(set(ids)) >= len(before)


def test_sqlite_restore_command_into_a_new_file(
    tmp_path: Path, make_report: ReportMaker, migrated_template: Path
) -> None:
    import shutil

    source = tmp_path / "live.db"
    shutil.copyfile(migrated_template, source)
    url = f"sqlite:///{source}"
    with TestClient(create_app(AimStoreSettings(database_url=url))) as client:
        ids = fill_store(url, client, make_report)
    backup = tmp_path / "aimstore.backup"
    assert run_cli(url, "backup", str(backup)).returncode == 0

    target_url = f"sqlite:///{tmp_path / 'restored' / 'aimstore.db'}"
    done = run_cli(target_url, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    check_restored(target_url, ids)


@pytest.mark.parametrize("route", ["restore command", "pg_restore by hand"])
def test_postgresql_backup_restored_into_a_new_database(
    route: str,
    postgres_cluster: PostgresCluster,
    postgres_url: str,
    tmp_path: Path,
    make_report: ReportMaker,
) -> None:
    with TestClient(create_app(AimStoreSettings(database_url=postgres_url))) as client:
        ids = fill_store(postgres_url, client, make_report)
    backup = tmp_path / "aimstore.pgdump"
    done = run_cli(postgres_url, "backup", str(backup))
    assert done.returncode == 0, done.stderr
    assert backup.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format

    name = f"restored_{tmp_path.name[-20:].replace('-', '_').lower()}"
    target_url = postgres_cluster.create_database(name)
    try:
        if route == "restore command":
            done = run_cli(target_url, "restore", str(backup))
        else:  # the README's manual route, for a DBA with only PostgreSQL's tools
            done = subprocess.run(
                [
                    postgres_cluster.tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--dbname",
                    target_url.replace("postgresql+psycopg://", "postgresql://"),
                    str(backup),
                ],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
        assert done.returncode == 0, done.stderr
        check_restored(target_url, ids)
    finally:
        postgres_cluster.drop_database(name)
