"""`wardapp-aimstore seed-demo`: demo accounts and a year of reports shaped like real AIM data."""

import io
import shutil
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from wardapp.aimstore.app import create_app
from wardapp.aimstore.cli import main
from wardapp.aimstore.db import make_engine
from wardapp.aimstore.seed import (
    ANALYST_PASSWORD,
    ANALYST_USER,
    DEMO_PASSWORD,
    DEMO_USER,
    REPORT_COUNT,
    seed_demo,
)
from wardapp.aimstore.settings import CONFIG_FILE_VARIABLE, AimStoreSettings
from wardapp.core.report import uk_today


@pytest.fixture(scope="module")
def seeded_url(migrated_template: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Seeding takes seconds, so the module shares one seeded store and only reads it."""
    path = tmp_path_factory.mktemp("seeded") / "aimstore.db"
    shutil.copyfile(migrated_template, path)
    engine = make_engine(f"sqlite:///{path}")
    seed_demo(engine)
    engine.dispose()
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def seeded(seeded_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(AimStoreSettings(database_url=seeded_url))) as client:
        yield client


def sign_in(client: TestClient, username: str, password: str) -> dict[str, Any]:
    response = client.post(
        "/v1/auth/token",
        json={"username": username, "password": password, "device_name": "demo laptop"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(body: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {body['access_token']}"}


def all_pages(client: TestClient, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 1000}
    while True:
        response = client.get(path, headers=headers, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        if not page["next_cursor"]:
            return items
        params["cursor"] = page["next_cursor"]


@pytest.fixture(scope="module")
def analyst_reports(seeded: TestClient) -> list[dict[str, Any]]:
    headers = bearer(sign_in(seeded, ANALYST_USER, ANALYST_PASSWORD))
    return all_pages(seeded, "/v1/reports", headers)


def test_analyst_signs_in_and_lists_every_seeded_report(
    seeded: TestClient, analyst_reports: list[dict[str, Any]]
) -> None:
    body = sign_in(seeded, ANALYST_USER, ANALYST_PASSWORD)
    assert body["user"]["role"] == "analyst"
    assert len(analyst_reports) == REPORT_COUNT
    assert len({r["id"] for r in analyst_reports}) == REPORT_COUNT


def test_reports_cover_every_ward_from_several_councillors(
    seeded: TestClient, analyst_reports: list[dict[str, Any]]
) -> None:
    headers = bearer(sign_in(seeded, DEMO_USER, DEMO_PASSWORD))
    ward_codes = {
        f["properties"]["code"] for f in seeded.get("/v1/wards", headers=headers).json()["features"]
    }
    reporters: dict[str, set[str]] = defaultdict(set)
    for report in analyst_reports:
        reporters[report["ward_code"]].add(report["reporter"])
    assert set(reporters) == ward_codes
    assert len(ward_codes) == 20
    thin = {code: names for code, names in reporters.items() if len(names) < 2}
    assert not thin, f"wards with a single reporter: {thin}"


def test_reports_have_moved_along_with_notes_to_the_reporter(
    analyst_reports: list[dict[str, Any]],
) -> None:
    statuses = Counter(r["status"] for r in analyst_reports)
    assert {"received", "assessed", "actioned", "closed"} <= set(statuses)
    assert statuses["closed"] > REPORT_COUNT // 10
    handled = [r for r in analyst_reports if r["status"] != "received"]
    assert all(r["status_note"] for r in handled)
    assert len({r["status_note"] for r in handled}) >= 3
    assert {r["category"] for r in analyst_reports} >= {"asb", "fly_tipping", "drug_dealing"}
    assert all(r["occurred_on"] <= uk_today().isoformat() for r in analyst_reports)


def test_demo_councillor_signs_in_and_sees_own_reports(
    seeded: TestClient, analyst_reports: list[dict[str, Any]]
) -> None:
    body = sign_in(seeded, DEMO_USER, DEMO_PASSWORD)
    assert body["user"]["role"] == "councillor"
    assert len(body["user"]["wards"]) == 2

    mine = all_pages(seeded, "/v1/reports/mine", bearer(body))

    expected = {r["id"] for r in analyst_reports if r["reporter"] == DEMO_USER}
    assert mine and {r["id"] for r in mine} == expected
    assert {r["ward_code"] for r in mine} <= set(body["user"]["wards"])
    assert any(r["status"] != "received" and r["status_note"] for r in mine)


def test_some_ward_category_month_has_enough_reports_to_show(
    analyst_reports: list[dict[str, Any]],
) -> None:
    """Summaries hide small counts; the demo must still show something in a closed month."""
    this_month = uk_today().isoformat()[:7]
    cells = Counter(
        (r["ward_code"], r["category"], r["occurred_on"][:7])
        for r in analyst_reports
        if r["occurred_on"][:7] < this_month
    )
    assert max(cells.values()) >= 5
    assert sum(1 for n in cells.values() if n >= 5) >= 10


def test_seeding_twice_adds_nothing(
    seeded_url: str,
    seeded: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WARDAPP_AIMSTORE_DATABASE_URL", seeded_url)
    monkeypatch.setenv(CONFIG_FILE_VARIABLE, "")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["user", "list"]) == 0
    users_before = capsys.readouterr().out

    assert main(["seed-demo"]) == 0

    assert "already seeded" in capsys.readouterr().out
    assert main(["user", "list"]) == 0
    assert capsys.readouterr().out == users_before
    headers = bearer(sign_in(seeded, ANALYST_USER, ANALYST_PASSWORD))
    assert len(all_pages(seeded, "/v1/reports", headers)) == REPORT_COUNT
