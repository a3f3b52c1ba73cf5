"""Request limits: each oversized or odd request gets a short, clear 413 or 422, never a 500.

A batch of 501 reports was refused as "at most 500 characters"; a report with 100,000 unknown
fields answered with 10.8 MB of messages; a NUL byte in a path parameter reached the database
(PostgreSQL refuses it: a 500); JSON nested a hundred thousand deep broke the parser.
"""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ReportMaker, UserMaker
from tests.support.api import assert_error
from wardapp.aimstore.bodylimits import JSON_DEPTH_MAX
from wardapp.core.report import PROBLEMS_LISTED_MAX
from wardapp.core.schemas import BATCH_MAX

SMALL_ANSWER = 10_000  # bytes: a page of messages at most


@pytest.fixture
def cllr(make_user: UserMaker) -> dict[str, str]:
    return make_user("cllr.limits")


def test_a_batch_over_the_limit_says_how_many_reports(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    batch = [make_report() for _ in range(BATCH_MAX + 1)]
    body = assert_error(
        client.post("/v1/reports/batch", json={"reports": batch}, headers=cllr), 422
    )
    assert body["fields"] == {"reports": f"Too many: at most {BATCH_MAX} items."}
    assert "characters" not in body["message"]


def test_a_report_with_100000_unknown_fields_gets_a_short_answer(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    report = make_report() | {f"unknown_{i}": i for i in range(100_000)}
    response = client.post("/v1/reports/batch", json={"reports": [report]}, headers=cllr)
    assert response.status_code == 200
    assert len(response.content) < SMALL_ANSWER
    [item] = response.json()["results"]
    assert item["status"] == "rejected"
    fields = item["error"]["fields"]
    assert len(fields) == PROBLEMS_LISTED_MAX + 1
    assert fields["more"] == f"And {100_000 - PROBLEMS_LISTED_MAX:,} more problems, not listed."


def test_a_request_with_100000_unknown_fields_gets_a_short_answer(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    body: dict[str, Any] = {"reports": [make_report()]} | {f"x{i}": 0 for i in range(100_000)}
    response = client.post("/v1/reports/batch", json=body, headers=cllr)
    error = assert_error(response, 422)
    assert len(response.content) < SMALL_ANSWER
    assert len(error["fields"]) == PROBLEMS_LISTED_MAX + 1
    assert "more problems" in error["fields"]["more"]


@pytest.mark.parametrize("depth", [JSON_DEPTH_MAX + 1, 1_000, 100_000])
@pytest.mark.parametrize("bracket", ["[]", '{"a":}'])
def test_json_nested_too_deep_is_422(
    client: TestClient, cllr: dict[str, str], depth: int, bracket: str
) -> None:
    opening, closing = bracket[:-1], bracket[-1]
    nested = opening * depth + "1" + closing * depth
    body = '{"reports": [' + nested + "]}"
    response = client.post(
        "/v1/reports/batch",
        content=body,
        headers={**cllr, "Content-Type": "application/json"},
    )
    error = assert_error(response, 422)
    assert f"{JSON_DEPTH_MAX} levels" in error["message"]


def test_json_as_deep_as_allowed_is_read(client: TestClient, cllr: dict[str, str]) -> None:
    nested = "[" * (JSON_DEPTH_MAX - 2) + "1" + "]" * (JSON_DEPTH_MAX - 2)
    response = client.post(
        "/v1/reports/batch",
        content='{"reports": ' + nested + "}",
        headers={**cllr, "Content-Type": "application/json"},
    )
    [item] = response.json()["results"]
    assert item["status"] == "rejected"  # read and judged as a report, not refused unread


def _routes_with_path_parameters(client: TestClient) -> list[tuple[str, str, list[str]]]:
    """Every route the API describes with a parameter in its path (new ones included)."""
    found = []
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        if path.startswith("/open311/"):
            continue  # Open311's own error form: test_open311_api.py tries NUL bytes there
        for method, operation in operations.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            if names:
                found.append((method.upper(), path, names))
    return found


def test_a_nul_byte_in_any_path_parameter_is_422(client: TestClient, make_user: UserMaker) -> None:
    admin = make_user("root.limits", role="admin")
    routes = _routes_with_path_parameters(client)
    assert len(routes) >= 10
    for method, path, names in routes:
        url = path
        for name in names:
            url = url.replace("{" + name + "}", "E05%00001")
        response = client.request(method, url, headers=admin, json={})
        error = assert_error(response, 422)
        for name in names:
            assert name in error["fields"], (method, path, error)
