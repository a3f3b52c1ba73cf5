"""POST /v1/reports/batch: per-item outcomes, idempotency, corrections and withdrawals."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.conftest import ReportMaker, UserMaker
from tests.support.api import set_status
from wardapp.aimstore import models
from wardapp.core.wards import WardSet


def upload(
    client: TestClient, headers: dict[str, str], reports: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    response = client.post("/v1/reports/batch", json={"reports": reports}, headers=headers)
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    assert len(results) == len(reports)
    return results


def statuses(results: list[dict[str, Any]]) -> list[str]:
    return [r["status"] for r in results]


def mine(client: TestClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    response = client.get("/v1/reports/mine", headers=headers)
    assert response.status_code == 200, response.text
    return {item["id"]: item for item in response.json()["items"]}


def analyst_list(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/v1/reports", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.fixture
def cllr(make_user: UserMaker) -> dict[str, str]:
    return make_user("cllr.batch")


def test_each_outcome_in_order(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    first, second = make_report(), make_report()
    assert statuses(upload(client, cllr, [first, second])) == ["created", "created"]

    fresh = make_report()
    clash = {**first, "description": "Something else entirely"}
    correction = {**second, "version": 2, "description": "Three bikes, not two"}
    junk = {"id": "not-a-uuid"}
    results = upload(client, cllr, [fresh, first, clash, correction, junk])

    assert statuses(results) == ["created", "duplicate", "conflict", "updated", "rejected"]
    assert [r["id"] for r in results] == [
        fresh["id"],
        first["id"],
        first["id"],
        second["id"],
        junk["id"],
    ]
    assert [r["error"] is None for r in results] == [True, True, False, True, False]
    assert results[2]["error"]["code"] == "conflict"
    assert results[4]["error"]["code"] == "invalid"


def test_same_batch_three_times_creates_once(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker
) -> None:
    cllr = make_user("cllr.resend")
    analyst = make_user("analyst.resend", "analyst")
    batch = [make_report() for _ in range(3)]
    assert statuses(upload(client, cllr, batch)) == ["created"] * 3
    assert statuses(upload(client, cllr, batch)) == ["duplicate"] * 3
    assert statuses(upload(client, cllr, batch)) == ["duplicate"] * 3
    ids = [item["id"] for item in analyst_list(client, analyst)]
    assert sorted(ids) == sorted(r["id"] for r in batch)


def test_same_version_other_content_is_conflict_and_keeps_the_first(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    report = make_report()
    upload(client, cllr, [report])
    (result,) = upload(client, cllr, [{**report, "category": "fly_tipping"}])
    assert result["status"] == "conflict"
    assert result["error"]["code"] == "conflict"
    assert "version 1" in result["error"]["message"].lower()
    assert mine(client, cllr)[report["id"]]["category"] == "motorbike_misuse"


def test_correction_while_received_is_updated(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    report = make_report()
    upload(client, cllr, [report])
    corrected = {
        **report,
        "version": 2,
        "category": "drug_use",
        "description": "Nitrous oxide canisters by the shops",
        "occurred_time": None,
        "time_band": "evening",
    }
    assert statuses(upload(client, cllr, [corrected])) == ["updated"]
    stored = mine(client, cllr)[report["id"]]
    assert stored["version"] == 2
    assert stored["category"] == "drug_use"
    assert stored["description"] == "Nitrous oxide canisters by the shops"
    assert stored["occurred_time"] is None
    assert stored["time_band"] == "evening"
    assert stored["status"] == "received"
    # Re-sending the correction is a duplicate; re-sending the original is a duplicate too.
    assert statuses(upload(client, cllr, [corrected, report])) == ["duplicate", "duplicate"]
    assert mine(client, cllr)[report["id"]]["version"] == 2


def test_correction_can_skip_versions_but_not_go_back(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    report = make_report()
    upload(client, cllr, [report])
    assert statuses(upload(client, cllr, [{**report, "version": 3}])) == ["updated"]
    (older,) = upload(client, cllr, [{**report, "version": 2, "description": "late"}])
    assert older["status"] == "conflict"
    assert "version 3" in older["error"]["message"]


def test_correction_after_assessment_is_conflict(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker, engine: Engine
) -> None:
    report = make_report()
    upload(client, cllr, [report])
    set_status(engine, report["id"], "assessed", "Passed to the neighbourhood team")
    (result,) = upload(client, cllr, [{**report, "version": 2, "description": "more detail"}])
    assert result["status"] == "conflict"
    assert "assessed" in result["error"]["message"]
    stored = mine(client, cllr)[report["id"]]
    assert stored["version"] == 1
    assert stored["status"] == "assessed"
    assert stored["description"] == report["description"]


def test_withdrawal_is_an_update_with_status_withdrawn(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    report = make_report()
    upload(client, cllr, [report])
    assert statuses(upload(client, cllr, [{**report, "version": 2, "withdrawn": True}])) == [
        "updated"
    ]
    stored = mine(client, cllr)[report["id"]]
    assert stored["status"] == "withdrawn"
    assert stored["withdrawn"] is True
    (again,) = upload(client, cllr, [{**report, "version": 3, "description": "un-withdraw"}])
    assert again["status"] == "conflict"


def test_other_councillor_cannot_take_over_a_report(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker
) -> None:
    owner = make_user("cllr.owner")
    intruder = make_user("cllr.intruder")
    report = make_report()
    upload(client, owner, [report])
    (result,) = upload(client, intruder, [{**report, "version": 2, "description": "mine now"}])
    assert result["status"] == "conflict"
    assert result["error"]["message"]
    assert mine(client, owner)[report["id"]]["description"] == report["description"]
    assert mine(client, intruder) == {}


def test_duplicates_inside_one_batch(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    a, b, c = make_report(), make_report(), make_report()
    batch = [
        a,
        a,
        {**b},
        {**b, "description": "other content, same version"},
        c,
        {**c, "version": 2, "description": "corrected in the same batch"},
    ]
    results = upload(client, cllr, batch)
    assert statuses(results) == [
        "created",
        "duplicate",
        "created",
        "conflict",
        "created",
        "updated",
    ]
    stored = mine(client, cllr)
    assert set(stored) == {a["id"], b["id"], c["id"]}
    assert stored[b["id"]]["description"] == b["description"]
    assert stored[c["id"]]["version"] == 2
    assert stored[c["id"]]["description"] == "corrected in the same batch"


def test_server_assigns_ward_from_the_point(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker, wards: WardSet
) -> None:
    chosen = [ward.code for ward in wards.wards[:: max(1, len(wards.wards) // 4)]]
    reports = [make_report(code) for code in chosen]
    upload(client, cllr, reports)
    stored = mine(client, cllr)
    assert [stored[r["id"]]["ward_code"] for r in reports] == chosen


def test_server_fields_are_added(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    report = make_report()
    upload(client, cllr, [report])
    stored = mine(client, cllr)[report["id"]]
    assert stored["status"] == "received"
    assert stored["status_note"] is None
    assert stored["source"] == "wardapp"
    assert stored["server_received_at"]
    for key in ("category", "occurred_on", "occurred_time", "lat", "lon", "observed_by"):
        assert stored[key] == report[key]


def test_one_row_per_report_in_the_database(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker, engine: Engine
) -> None:
    report = make_report()
    for _ in range(3):
        upload(client, cllr, [report])
    upload(client, cllr, [{**report, "version": 2, "description": "v2"}])
    with Session(engine) as session:
        rows = session.scalar(select(func.count()).select_from(models.Report))
        versions = session.scalars(
            select(models.ReportVersion.version).where(
                models.ReportVersion.report_id == report["id"]
            )
        ).all()
    assert rows == 1
    assert sorted(versions) == [1, 2]
