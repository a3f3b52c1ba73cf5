"""POST /v1/reports/batch: invalid reports, invalid bodies and size limits."""

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from tests.conftest import ReportMaker, UserMaker
from tests.support.api import assert_error
from wardapp.aimstore.app import create_app
from wardapp.aimstore.settings import AimStoreSettings


@pytest.fixture
def cllr(make_user: UserMaker) -> dict[str, str]:
    return make_user("cllr.input")


def post_one(client: TestClient, headers: dict[str, str], report: Any) -> dict[str, Any]:
    response = client.post("/v1/reports/batch", json={"reports": [report]}, headers=headers)
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    return dict(result)


CONTACT = {"name": "A Resident", "phone": "01642 000000", "email": None, "consent": True}


@pytest.mark.parametrize(
    ("overrides", "field", "hint"),
    [
        ({"category": "unicorns"}, "category", "motorbike_misuse"),
        ({"category": None}, "category", "text"),
        ({"occurred_on": "2999-01-01"}, "occurred_on", "future"),
        ({"occurred_on": "14/10/2026"}, "occurred_on", "YYYY-MM-DD"),
        ({"occurred_time": "9pm"}, "occurred_time", "HH:MM"),
        ({"time_band": "dusk"}, "time_band", "evening"),
        ({"lat": 95}, "lat", "90"),
        ({"lat": 51.5, "lon": -0.12}, "lat", "outside every ward"),
        ({"lon": "west"}, "lon", "number"),
        ({"accuracy_m": -1}, "accuracy_m", "0"),
        ({"observed_by": "neighbour"}, "observed_by", "resident"),
        ({"description": "x" * 2001}, "description", "2000"),
        ({"repeat_issue": "often"}, "repeat_issue", "true or false"),
        ({"captured_at": "2026-10-15T10:02:11"}, "captured_at", "time zone"),
        ({"id": "not-a-uuid"}, "id", "UUID"),
        ({"version": 0}, "version", "1"),
        ({"version": 10**30}, "version", "1000000"),
        ({"ward": "E05000001"}, "ward", "remove"),
        ({"resident_contact": {**CONTACT, "consent": False}}, "resident_contact", "consent"),
        (
            {"resident_contact": {**CONTACT, "email": "not-an-email"}},
            "resident_contact.email",
            "email",
        ),
        ({"description": "nul \x00 inside"}, "description", "control characters"),
    ],
)
def test_invalid_report_is_rejected_with_field_and_plain_message(
    client: TestClient,
    cllr: dict[str, str],
    make_report: ReportMaker,
    overrides: dict[str, Any],
    field: str,
    hint: str,
) -> None:
    report = make_report(**overrides)
    result = post_one(client, cllr, report)
    assert result["status"] == "rejected"
    assert result["id"] == str(report["id"])
    error = result["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert hint.lower() in error["fields"][field].lower(), error
    assert error["message"].startswith("Fix the report")
    assert field in error["message"]
    assert "pydantic" not in error["message"]
    assert "https://" not in error["message"]


def test_missing_fields_are_each_named(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    report = make_report()
    for key in ("category", "occurred_on", "lat", "observed_by", "captured_at"):
        del report[key]
    result = post_one(client, cllr, report)
    assert result["status"] == "rejected"
    fields = result["error"]["fields"]
    assert set(fields) == {"category", "occurred_on", "lat", "observed_by", "captured_at"}
    assert all(message == "This is required." for message in fields.values())


def test_time_and_band_together_is_rejected(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    result = post_one(client, cllr, make_report(occurred_time="21:30", time_band="evening"))
    assert result["status"] == "rejected"
    assert "either the exact time or a time band" in result["error"]["message"]


@pytest.mark.parametrize("item", [None, 7, "a report", ["list"], True])
def test_non_object_item_is_rejected_alone(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker, item: Any
) -> None:
    good = make_report()
    response = client.post("/v1/reports/batch", json={"reports": [item, good]}, headers=cllr)
    assert response.status_code == 200, response.text
    bad, ok = response.json()["results"]
    assert bad["status"] == "rejected"
    assert bad["error"]["fields"] == {"report": "Each report must be a JSON object."}
    assert ok == {"id": good["id"], "status": "created", "error": None}


def test_rejected_item_without_id_has_null_id(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    report = make_report()
    del report["id"]
    result = post_one(client, cllr, report)
    assert result["status"] == "rejected"
    assert result["id"] is None
    assert "id" in result["error"]["fields"]


def test_500_reports_are_accepted(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    batch = [make_report() for _ in range(500)]
    response = client.post("/v1/reports/batch", json={"reports": batch}, headers=cllr)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["id"] for r in results] == [r["id"] for r in batch]
    assert {r["status"] for r in results} == {"created"}


def test_501_reports_are_refused_whole(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    batch = [make_report() for _ in range(501)]
    response = client.post("/v1/reports/batch", json={"reports": batch}, headers=cllr)
    body = assert_error(response, 422)
    assert "reports" in body["fields"]
    assert client.get("/v1/reports/mine", headers=cllr).json()["items"] == []


def test_empty_batch_is_refused(client: TestClient, cllr: dict[str, str]) -> None:
    body = assert_error(client.post("/v1/reports/batch", json={"reports": []}, headers=cllr), 422)
    assert "reports" in body["fields"]


@pytest.mark.parametrize(
    "content",
    [b"this is not json", b'{"reports": [', b"", b"\xff\xfe\x00", b"{'reports': []}"],
)
def test_body_that_is_not_json_is_refused(
    client: TestClient, cllr: dict[str, str], content: bytes
) -> None:
    response = client.post(
        "/v1/reports/batch",
        content=content,
        headers={**cllr, "Content-Type": "application/json"},
    )
    body = assert_error(response, 400, 422)
    assert "body" in body["message"].lower()


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"reports": "all of them"},
        {"reports": {"id": "x"}},
        {"reports": None},
        {"reports": [{}], "extra": True},
        {"items": [{}]},
    ],
)
def test_batch_body_of_the_wrong_shape_is_422(
    client: TestClient, cllr: dict[str, str], payload: Any
) -> None:
    response = client.post("/v1/reports/batch", json=payload, headers=cllr)
    body = assert_error(response, 422)
    assert body["error"] == "invalid_request"
    assert body["fields"]


@pytest.fixture
def small_client(settings: AimStoreSettings) -> Iterator[TestClient]:
    limited = AimStoreSettings(database_url=settings.database_url, max_body_bytes=10_000)
    with TestClient(create_app(limited)) as test_client:
        yield test_client


def test_body_over_the_limit_is_413(
    small_client: TestClient, make_user: UserMaker, make_report: ReportMaker
) -> None:
    # make_user signs in through the default client; tokens are valid on both apps (same DB).
    cllr = make_user("cllr.big")
    small = [make_report() for _ in range(5)]
    assert (
        small_client.post("/v1/reports/batch", json={"reports": small}, headers=cllr).status_code
        == 200
    )
    big = [make_report() for _ in range(60)]
    response = small_client.post("/v1/reports/batch", json={"reports": big}, headers=cllr)
    body = assert_error(response, 413)
    assert body["error"] == "too_large"
    assert "10000" in body["message"]
    listed = small_client.get("/v1/reports/mine", headers=cllr).json()["items"]
    assert {r["id"] for r in listed} == {r["id"] for r in small}


def test_chunked_body_over_the_limit_is_413(small_client: TestClient, make_user: UserMaker) -> None:
    """Without Content-Length the limit is enforced on what arrives."""
    cllr = make_user("cllr.chunked")

    def chunks() -> Iterator[bytes]:
        yield b'{"reports": ['
        for _ in range(20):
            yield b'"' + b"x" * 998 + b'",'
        yield b'"x"]}'

    response = small_client.post(
        "/v1/reports/batch",
        content=chunks(),
        headers={**cllr, "Content-Type": "application/json"},
    )
    assert_error(response, 413)


def test_chunked_body_under_the_limit_is_read(
    small_client: TestClient, make_user: UserMaker, make_report: ReportMaker
) -> None:
    cllr = make_user("cllr.chunked.small")
    report = make_report()
    text = httpx2.Request("POST", "/", json={"reports": [report]}).content

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(text), 100):
            yield text[start : start + 100]

    response = small_client.post(
        "/v1/reports/batch",
        content=chunks(),
        headers={**cllr, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "created"
