"""Every route against every role: the access table of docs/api.md, checked route by route.

A route added to the app without a row here fails ``test_every_route_is_in_the_matrix``, so
access to a new route is always a decision, never an accident.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD, ReportMaker, UserMaker
from wardapp.aimstore import models
from wardapp.core import police_uk
from wardapp.core.wards import WardSet

ROLES = ["anonymous", "councillor", "analyst", "admin"]
DOCS_ROUTES = {("GET", "/docs"), ("GET", "/docs/oauth2-redirect"), ("GET", "/redoc")}


@dataclass(frozen=True)
class Setup:
    """What a row's request maker may use to build a valid request (and what it needs first)."""

    client: TestClient
    make_user: UserMaker
    make_report: ReportMaker
    wards: WardSet


# A request maker returns keyword arguments for ``client.request``; a "url" key replaces the
# route's path template (for routes with path parameters such as ``{id}``).
RequestMaker = Callable[[Setup], dict[str, Any]]


def _no_body(_setup: Setup) -> dict[str, Any]:
    return {}


def _batch(setup: Setup) -> dict[str, Any]:
    return {"json": {"reports": [setup.make_report()]}}


def _triage(setup: Setup) -> dict[str, Any]:
    author = setup.make_user("matrix.author")
    report = setup.make_report()
    sent = setup.client.post("/v1/reports/batch", json={"reports": [report]}, headers=author)
    assert sent.json()["results"][0]["status"] == "created", sent.text
    return {"url": f"/v1/reports/{report['id']}", "json": {"status": "assessed"}}


def _new_action(setup: Setup) -> dict[str, Any]:
    return {
        "json": {
            "wards": [setup.wards.wards[0].code],
            "title": "Close the gap in the park fence",
            "lead_agency": "Council parks",
            "due_on": (date.today() + timedelta(days=90)).isoformat(),
        }
    }


def _action_update(setup: Setup) -> dict[str, Any]:
    analyst = setup.make_user("matrix.setup.analyst", "analyst")
    made = setup.client.post("/v1/actions", headers=analyst, **_new_action(setup))
    assert made.status_code == 201, made.text
    return {
        "url": f"/v1/actions/{made.json()['id']}",
        "json": {"progress": "on_track", "note": "Fence contractor booked."},
    }


def _ward_actions(setup: Setup) -> dict[str, Any]:
    return {"url": f"/v1/wards/{setup.wards.wards[0].code}/actions"}


def _target_user(setup: Setup) -> str:
    """An account for the admin routes to act on (not the caller's own)."""
    setup.make_user("matrix.target")
    return "/v1/admin/users/matrix.target"


def _new_user(_setup: Setup) -> dict[str, Any]:
    return {"json": {"username": "matrix.new", "role": "councillor", "password": PASSWORD}}


def _user_update(setup: Setup) -> dict[str, Any]:
    return {"url": _target_user(setup), "json": {"role": "analyst"}}


def _password_reset(setup: Setup) -> dict[str, Any]:
    return {"url": f"{_target_user(setup)}/password", "json": {"password": "a new passphrase"}}


def _user_devices(setup: Setup) -> dict[str, Any]:
    return {"url": f"{_target_user(setup)}/devices"}


def _device_revoke(setup: Setup) -> dict[str, Any]:
    url = _target_user(setup)
    admin = setup.make_user("matrix.setup.admin", "admin")
    devices = setup.client.get(f"{url}/devices", headers=admin).json()["items"]
    return {"url": f"{url}/devices/{devices[0]['id']}"}


def _retire_category(_setup: Setup) -> dict[str, Any]:
    return {"json": {"code": "graffiti_damage"}}


def _ward_summary(setup: Setup) -> dict[str, Any]:
    code = setup.wards.wards[0].code
    return {"url": f"/v1/summaries/wards/{code}", "params": {"period": "2025-06"}}


def _area(setup: Setup) -> dict[str, Any]:
    return {"url": "/v1/admin/areas/east", "json": {"name": "East", "wards": []}}


def _area_summary(setup: Setup) -> dict[str, Any]:
    admin = setup.make_user("matrix.setup.areas", "admin")
    made = setup.client.put(headers=admin, **_area(setup))
    assert made.status_code == 200, made.text
    return {"url": "/v1/summaries/areas/east", "params": {"period": "2025"}}


def _area_removal(setup: Setup) -> dict[str, Any]:
    admin = setup.make_user("matrix.setup.removal", "admin")
    made = setup.client.put(headers=admin, **_area(setup))
    assert made.status_code == 200, made.text
    return {"url": "/v1/admin/areas/east"}


# (method, path) -> (a valid request, status for the allowed roles, roles that may use it)
def _import_upload(_setup: Setup) -> dict[str, Any]:
    header = ",".join(police_uk.COLUMNS) + "\n"  # a file with no rows: imports nothing
    return {"files": {"file": ("none.csv", header, "text/csv")}, "data": {"format": "police-uk"}}


def _unknown_import(_setup: Setup) -> dict[str, Any]:
    return {"url": "/v1/imports/999999"}  # who may read imports is told it does not exist


MATRIX: dict[tuple[str, str], tuple[RequestMaker, int, set[str]]] = {
    ("POST", "/v1/auth/logout"): (_no_body, 204, {"councillor", "analyst", "admin"}),
    ("GET", "/v1/taxonomy"): (_no_body, 200, {"councillor", "analyst", "admin"}),
    ("GET", "/v1/wards"): (_no_body, 200, {"councillor", "analyst", "admin"}),
    ("POST", "/v1/reports/batch"): (_batch, 200, {"councillor", "analyst", "admin"}),
    ("GET", "/v1/reports/mine"): (_no_body, 200, {"councillor", "analyst", "admin"}),
    ("GET", "/v1/reports"): (_no_body, 200, {"analyst", "admin"}),
    ("POST", "/v1/imports"): (_import_upload, 202, {"analyst", "admin"}),
    ("GET", "/v1/imports/{import_id}"): (_unknown_import, 404, {"analyst", "admin"}),
    ("GET", "/v1/admin/users"): (_no_body, 200, {"admin"}),
    ("POST", "/v1/admin/users"): (_new_user, 201, {"admin"}),
    ("PATCH", "/v1/admin/users/{username}"): (_user_update, 200, {"admin"}),
    ("POST", "/v1/admin/users/{username}/password"): (_password_reset, 204, {"admin"}),
    ("GET", "/v1/admin/users/{username}/devices"): (_user_devices, 200, {"admin"}),
    ("DELETE", "/v1/admin/users/{username}/devices/{device_id}"): (_device_revoke, 204, {"admin"}),
    ("POST", "/v1/admin/taxonomy/retire"): (_retire_category, 200, {"admin"}),
    ("GET", "/v1/admin/taxonomy/retired"): (_no_body, 200, {"admin"}),
    ("PATCH", "/v1/reports/{report_id}"): (_triage, 200, {"analyst", "admin"}),
    ("POST", "/v1/actions"): (_new_action, 201, {"analyst", "admin"}),
    ("PATCH", "/v1/actions/{action_id}"): (_action_update, 200, {"analyst", "admin"}),
    ("GET", "/v1/wards/{code}/actions"): (
        _ward_actions,
        200,
        {"councillor", "analyst", "admin"},
    ),
    ("GET", "/v1/summaries/wards/{code}"): (_ward_summary, 200, {"councillor", "analyst", "admin"}),
    ("GET", "/v1/summaries/areas/{code}"): (_area_summary, 200, {"councillor", "analyst", "admin"}),
    ("GET", "/v1/summaries/overview"): (
        lambda _s: {"params": {"period": "2025-Q2"}},
        200,
        {"councillor", "analyst", "admin"},
    ),
    ("GET", "/v1/areas"): (_no_body, 200, {"councillor", "analyst", "admin"}),
    ("PUT", "/v1/admin/areas/{code}"): (_area, 200, {"admin"}),
    ("DELETE", "/v1/admin/areas/{code}"): (_area_removal, 204, {"admin"}),
}
# Routes that need no token at all; each is exercised by test_public_routes_need_no_token.
SIGN_IN = {
    ("GET", "/healthz"),
    ("GET", "/openapi.json"),
    ("POST", "/v1/auth/token"),
    ("POST", "/v1/auth/refresh"),
}
PUBLIC = SIGN_IN | {
    # Open311: no role; an API key where one is needed (tests/aimstore/test_open311_*.py).
    ("GET", "/open311/v2/services.{fmt}"),
    ("GET", "/open311/v2/services/{service_code}.{fmt}"),
    ("GET", "/open311/v2/requests.{fmt}"),
    ("POST", "/open311/v2/requests.{fmt}"),
    ("GET", "/open311/v2/requests/{service_request_id}.{fmt}"),
}


def app_routes(client: TestClient) -> set[tuple[str, str]]:
    """(method, path) of every HTTP route, with included routers flattened."""
    routes: set[tuple[str, str]] = set()
    for route in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        assert route.path is not None and route.methods, f"not an HTTP route: {route!r}"
        routes |= {(method, route.path) for method in route.methods if method != "HEAD"}
    return routes - DOCS_ROUTES


def test_every_route_is_in_the_matrix(client: TestClient) -> None:
    routes = app_routes(client)
    unlisted = routes - set(MATRIX) - PUBLIC
    assert not unlisted, f"routes missing from the role matrix: {sorted(unlisted)}"
    stale = (set(MATRIX) | PUBLIC) - routes
    assert not stale, f"matrix rows for routes the app does not have: {sorted(stale)}"


def test_the_guard_notices_a_new_route(client: TestClient) -> None:
    """The completeness check sees routes added directly and through an included router."""
    router = APIRouter(prefix="/v1/extra")
    router.add_api_route("/thing", lambda: {}, methods=["PATCH"], include_in_schema=False)
    client.app.include_router(router)  # type: ignore[attr-defined]
    client.app.add_api_route("/v1/direct", lambda: {}, methods=["GET"])  # type: ignore[attr-defined]
    unlisted = app_routes(client) - set(MATRIX) - PUBLIC
    assert unlisted == {("PATCH", "/v1/extra/thing"), ("GET", "/v1/direct")}


def test_matrix_follows_the_role_order() -> None:
    """Roles are ordered councillor < analyst < admin: whoever may, everyone above may too."""
    order = ["councillor", "analyst", "admin"]
    for key, (_, _, allowed) in MATRIX.items():
        assert "anonymous" not in allowed, key
        lowest = min(order.index(role) for role in allowed)
        assert allowed == set(order[lowest:]), key


def headers_for(role: str, make_user: UserMaker) -> dict[str, str]:
    if role == "anonymous":
        return {}
    return make_user(f"{role}.matrix", role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_role_matrix(
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    wards: WardSet,
    route: tuple[str, str],
    role: str,
) -> None:
    method, path = route
    request, allowed_status, allowed = MATRIX[route]
    headers = headers_for(role, make_user)
    kwargs = request(Setup(client, make_user, make_report, wards))
    url = kwargs.pop("url", path)
    response = client.request(method, url, headers=headers, **kwargs)
    if role in allowed:
        expected = allowed_status
    elif role == "anonymous":
        expected = 401
    else:
        expected = 403
    assert response.status_code == expected, response.text
    if expected >= 400:
        body = response.json()
        assert set(body) == {"error", "message", "fields"}
        words = {401: "unauthorised", 403: "forbidden", 404: "not_found"}
        assert body["error"] == words[expected]
    if expected == 401:
        assert response.headers.get("www-authenticate") == "Bearer"


def test_forbidden_route_has_no_side_effects(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker
) -> None:
    """A refused request is refused before it touches anything."""
    councillor = make_user("cllr.refused")
    assert client.get("/v1/reports", headers=councillor).status_code == 403
    anonymous = client.post("/v1/reports/batch", json={"reports": [make_report()]})
    assert anonymous.status_code == 401
    analyst = make_user("analyst.check", "analyst")
    assert client.get("/v1/reports", headers=analyst).json()["items"] == []


def test_public_routes_need_no_token(client: TestClient, make_user: UserMaker) -> None:
    make_user("cllr.public")
    signed_in = client.post(
        "/v1/auth/token",
        json={"username": "cllr.public", "password": PASSWORD, "device_name": "phone"},
    )
    answers = {
        ("GET", "/healthz"): client.get("/healthz"),
        ("GET", "/openapi.json"): client.get("/openapi.json"),
        ("POST", "/v1/auth/token"): signed_in,
        ("POST", "/v1/auth/refresh"): client.post(
            "/v1/auth/refresh", json={"refresh_token": signed_in.json()["refresh_token"]}
        ),
    }
    assert set(answers) == SIGN_IN
    for route, response in answers.items():
        assert response.status_code == 200, (route, response.text)


def test_role_is_read_from_the_account_not_the_token(
    client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    """Demoting an analyst takes effect at once, without waiting for the token to expire."""
    headers = make_user("analyst.demoted", "analyst")
    assert client.get("/v1/reports", headers=headers).status_code == 200
    with Session(engine) as session, session.begin():
        session.execute(
            update(models.User)
            .where(models.User.username == "analyst.demoted")
            .values(role="councillor")
        )
    assert client.get("/v1/reports", headers=headers).status_code == 403
    assert client.get("/v1/reports/mine", headers=headers).status_code == 200


def test_disabled_account_loses_access_at_once(
    client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    headers = make_user("cllr.disabled")
    assert client.get("/v1/taxonomy", headers=headers).status_code == 200
    with Session(engine) as session, session.begin():
        session.execute(
            update(models.User).where(models.User.username == "cllr.disabled").values(disabled=True)
        )
    assert client.get("/v1/taxonomy", headers=headers).status_code == 401
