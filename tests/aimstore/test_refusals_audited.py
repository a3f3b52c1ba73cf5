"""A signed-in user refused by their role leaves a trace: probing is seen, not just stopped."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import UserMaker
from tests.support.api import assert_error, audit_rows


def test_councillor_on_analyst_and_admin_routes_is_refused_and_audited(
    client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    cllr = make_user("cllr.probe")
    assert_error(client.get("/v1/reports", headers=cllr), 403)
    assert_error(client.patch("/v1/reports/r-1", json={"status": "closed"}, headers=cllr), 403)
    assert_error(client.get("/v1/admin/users", headers=cllr), 403)
    rows = audit_rows(engine, "access_refused")
    assert [(r.actor, r.target, r.client) for r in rows] == [
        ("cllr.probe", "GET /v1/reports", "testclient"),
        ("cllr.probe", "PATCH /v1/reports/{report_id}", "testclient"),
        ("cllr.probe", "GET /v1/admin/users", "testclient"),
    ]
    assert rows[0].detail == {"role": "councillor", "needs": "analyst"}
    assert rows[2].detail == {"role": "councillor", "needs": "admin"}


def test_analyst_on_admin_routes_is_audited(
    client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    analyst = make_user("analyst.probe", "analyst")
    assert_error(client.post("/v1/admin/users", json={}, headers=analyst), 403, 422)
    assert_error(client.get("/v1/admin/users", headers=analyst), 403)
    rows = audit_rows(engine, "access_refused")
    assert rows and rows[-1].actor == "analyst.probe"
    assert rows[-1].detail == {"role": "analyst", "needs": "admin"}


def test_allowed_and_anonymous_requests_write_no_refusal(
    client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    analyst = make_user("analyst.fine", "analyst")
    assert client.get("/v1/reports", headers=analyst).status_code == 200
    assert_error(client.get("/v1/reports"), 401)  # no token: nobody to name
    assert audit_rows(engine, "access_refused") == []
