"""Never a 500 for bad input: odd bodies to every POST route, odd queries to every GET route."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import ReportMaker, UserMaker
from wardapp.aimstore import models
from wardapp.aimstore.security import (
    AccessClaims,
    issue_access_token,
    new_refresh_token,
    token_digest,
)

POST_ROUTES = ["/v1/auth/token", "/v1/auth/refresh", "/v1/auth/logout", "/v1/reports/batch"]
GET_ROUTES = ["/v1/taxonomy", "/v1/wards", "/v1/reports/mine", "/v1/reports", "/healthz"]

NESTED_JUNK: Any = {"a": [{"b": [None, {"c": [1, "2", [3.5, {"d": {}}]]}]}]}
ODD_JSON: list[Any] = [
    None,
    0,
    -1,
    10**40,
    1.5e308,
    "a string",
    "",
    True,
    [],
    [1, 2, 3],
    [{"reports": []}],
    {},
    NESTED_JUNK,
    {"username": 10**40, "password": None, "device_name": []},
    {"username": "u\x00", "password": "p\x00", "device_name": "d\x00"},
    {"username": "x" * 10_000, "password": "y", "device_name": "z"},
    {"username": {"$ne": ""}, "password": {"$ne": ""}, "device_name": "d"},
    {"refresh_token": 10**40},
    {"refresh_token": "\x00" * 10},
    {"refresh_token": ["a"]},
    {"reports": None},
    {"reports": 10**40},
    {"reports": "[]"},
    {"reports": [None, 1, "x", [], {}]},
    {"reports": [NESTED_JUNK]},
    {"reports": [{"id": 10**40, "lat": 10**40, "lon": -(10**40), "version": 10**40}]},
    {"reports": [{"id": None, "category": None, "occurred_on": None, "captured_at": None}]},
    {"reports": [{"id": ["x"], "occurred_on": 20261014, "captured_at": 1_700_000_000}]},
    {"reports": [{"resident_contact": "yes", "description": {"text": "x"}}]},
]
RAW_BODIES: list[bytes] = [
    b"",
    b"not json",
    b"{",
    b"NaN",
    b"Infinity",
    b'{"reports": [NaN, Infinity, -Infinity]}',
    b"\xff\xfe\xfd",
    b"\x00\x00",
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 5_000 + b"1" + b"}" * 5_000,
    b"1" * 5_000,
    b'{"reports": [' + b'{"lat": 1' + b"0" * 5_000 + b"}]}",
    b'"\\ud800"',
]
# Each of these must be rejected as an item, with the batch answered 200.
REPORT_FIELD_JUNK: list[dict[str, Any]] = [
    {"lat": float("nan")},
    {"lon": float("inf")},
    {"accuracy_m": float("nan")},
    {"lat": 1e308},
    {"occurred_on": "0000-00-00"},
    {"occurred_on": "9999-12-31"},
    {"captured_at": "2026-10-15T10:02:11+99:00"},
    {"occurred_time": "24:00"},
    {"description": "\x00"},
    {"version": -(2**63)},
    {"version": 2**64},
    {"resident_contact": {"consent": True, "name": "\x00"}},
    {"resident_contact": {"consent": "true", "phone": "1" * 41}},
    {"resident_contact": []},
]
# Odd but not wrong enough to refuse: these must simply not break anything.
REPORT_FIELD_ODD: list[dict[str, Any]] = [
    {"description": "\U0001f600" * 2000},
    {"description": "\u202e right-to-left override"},
    {"occurred_on": "1990-01-01"},
    {"accuracy_m": 0},
    {"version": 1_000_000},
]


def assert_not_server_error(response: httpx2.Response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error", "message", "fields"}, body
        assert isinstance(body["error"], str) and isinstance(body["message"], str)
        assert isinstance(body["fields"], dict)
        assert all(isinstance(v, str) for v in body["fields"].values())


@pytest.fixture
def quiet(client: TestClient) -> Iterator[TestClient]:
    """Answers 500s as responses instead of raising, so the assertion names the input."""
    with TestClient(client.app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def analyst(make_user: UserMaker) -> dict[str, str]:
    return make_user("analyst.fuzz", "analyst")


def post_json(
    client: TestClient, route: str, content: bytes, headers: dict[str, str]
) -> httpx2.Response:
    return client.post(
        route, content=content, headers={**headers, "Content-Type": "application/json"}
    )


def fresh_headers(client: TestClient, route: str, analyst: dict[str, str]) -> dict[str, str]:
    """Sign-out kills the token it is called with, so each sign-out call gets its own device."""
    if route != "/v1/auth/logout":
        return analyst
    store = client.app.state.store  # type: ignore[attr-defined]
    with Session(store.engine) as session, session.begin():
        user = session.scalars(
            select(models.User).where(models.User.username == "analyst.fuzz")
        ).one()
        device = models.Device(
            user_id=user.id,
            name="fuzz",
            refresh_hash=token_digest(new_refresh_token()),
            expires_at=datetime.now(UTC) + timedelta(days=1),
        )
        session.add(device)
        session.flush()
        claims = AccessClaims(user.id, device.id, user.role)
    token = issue_access_token(store.signing_key, claims, timedelta(minutes=5))
    return {"Authorization": f"Bearer {token}"}


def check_all(failures: list[str]) -> None:
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", POST_ROUTES)
def test_odd_json_bodies(quiet: TestClient, analyst: dict[str, str], route: str) -> None:
    failures: list[str] = []
    for payload in ODD_JSON:
        headers = fresh_headers(quiet, route, analyst)
        response = post_json(quiet, route, json.dumps(payload).encode(), headers)
        try:
            assert_not_server_error(response)
            if route == "/v1/reports/batch" and not (
                isinstance(payload, dict)
                and isinstance(payload.get("reports"), list)
                and payload["reports"]
            ):
                assert response.status_code == 422, response.text
        except AssertionError as exc:
            failures.append(f"{route} {repr(payload)[:80]}: {exc}")
    check_all(failures)


@pytest.mark.parametrize("route", POST_ROUTES)
def test_raw_bodies(quiet: TestClient, analyst: dict[str, str], route: str) -> None:
    failures: list[str] = []
    for content in RAW_BODIES:
        response = post_json(quiet, route, content, fresh_headers(quiet, route, analyst))
        try:
            assert_not_server_error(response)
        except AssertionError as exc:
            failures.append(f"{route} {content[:40]!r}: {exc}")
    check_all(failures)


@pytest.mark.parametrize("route", POST_ROUTES)
def test_other_content_types(quiet: TestClient, analyst: dict[str, str], route: str) -> None:
    failures: list[str] = []
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "", "application/xml"]:
        headers = {**fresh_headers(quiet, route, analyst), "Content-Type": content_type}
        response = quiet.post(route, content=b"reports=1", headers=headers)
        try:
            assert_not_server_error(response)
        except AssertionError as exc:
            failures.append(f"{route} {content_type}: {exc}")
    check_all(failures)


def test_junk_report_fields_are_rejected_per_item(
    quiet: TestClient, analyst: dict[str, str], make_report: ReportMaker
) -> None:
    failures: list[str] = []
    for junk in REPORT_FIELD_JUNK:
        # json.dumps writes NaN and Infinity as the JavaScript literals, which the parser takes.
        content = json.dumps({"reports": [make_report(**junk)]}).encode()
        response = post_json(quiet, "/v1/reports/batch", content, analyst)
        try:
            assert_not_server_error(response)
            if response.status_code == 200:
                (result,) = response.json()["results"]
                assert result["status"] == "rejected", result
                assert result["error"]["fields"], result
        except AssertionError as exc:
            failures.append(f"{repr(junk)[:80]}: {exc}")
    check_all(failures)


def test_odd_report_fields_do_not_break_anything(
    quiet: TestClient, analyst: dict[str, str], make_report: ReportMaker
) -> None:
    for odd in REPORT_FIELD_ODD:
        report = make_report(**odd)
        response = post_json(
            quiet, "/v1/reports/batch", json.dumps({"reports": [report]}).encode(), analyst
        )
        assert_not_server_error(response)
        assert response.status_code == 200
    listed = quiet.get("/v1/reports/mine", headers=analyst)
    assert listed.status_code == 200, listed.text


ODD_QUERIES = [
    "limit=",
    "limit=abc",
    "limit=1e3",
    "limit=-5",
    "limit=99999999999999999999999999",
    "limit=1&limit=2000",
    "since=",
    "since=%00",
    "since=%FF%FE",
    "since=" + "A" * 5_000,
    "since=djE6" + "9" * 200,
    "cursor=%00",
    "cursor=djE6MTox",
    "cursor=" + "QQ" * 3_000,
    "ward=%00",
    "ward=" + "W" * 1_000,
    "category=%E2%80%AE",
    "status=%00",
    "status=received&status=closed",
    "period=%FF",
    "period=2026-Q" + "9" * 100,
    "period=9" * 50,
    "period=" + "2026-01" * 500,
    "unknown=1",
    "%00=%00",
    "&&&===",
]


@pytest.mark.parametrize("route", GET_ROUTES)
def test_odd_query_strings(quiet: TestClient, analyst: dict[str, str], route: str) -> None:
    failures: list[str] = []
    for query in ODD_QUERIES:
        response = quiet.get(f"{route}?{query}", headers=analyst)
        try:
            assert_not_server_error(response)
        except AssertionError as exc:
            failures.append(f"{route}?{query[:60]}: {exc}")
    check_all(failures)


@pytest.mark.parametrize("route", GET_ROUTES[:4])
def test_odd_queries_without_a_token_are_401(quiet: TestClient, route: str) -> None:
    response = quiet.get(f"{route}?limit=abc&since=%00")
    assert response.status_code == 401
    assert_not_server_error(response)
