"""/v1/admin: accounts, devices and the taxonomy, as an administrator uses them."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import PASSWORD, ReportMaker, UserMaker
from tests.support.api import assert_error, audit_rows
from wardapp.core.wards import WardSet

NEW_PASSWORD = "a brand new passphrase"


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/v1/auth/token",
        json={"username": username, "password": password, "device_name": "phone"},
    )


def test_create_and_list_users(
    client: TestClient, make_user: UserMaker, engine: Engine, wards: WardSet
) -> None:
    admin = make_user("admin.one", "admin")
    ward = wards.wards[0].code
    created = client.post(
        "/v1/admin/users",
        headers=admin,
        json={"username": "cllr.new", "role": "councillor", "wards": [ward], "password": PASSWORD},
    )
    assert created.status_code == 201, created.text
    assert created.json()["wards"] == [ward] and created.json()["disabled"] is False
    assert sign_in(client, "cllr.new").status_code == 200
    listed = client.get("/v1/admin/users", headers=admin).json()["items"]
    assert [(u["username"], u["role"]) for u in listed] == [
        ("admin.one", "admin"),
        ("cllr.new", "councillor"),
    ]
    [row] = audit_rows(engine, "user_created")
    assert (row.actor, row.target, row.client) == ("admin.one", "cllr.new", "testclient")
    assert row.detail == {"role": "councillor", "wards": [ward]}


def test_create_user_refusals_are_4xx(client: TestClient, make_user: UserMaker) -> None:
    admin = make_user("admin.one", "admin")

    def create(**body: Any) -> Any:
        base = {"username": "cllr.x", "role": "councillor", "password": PASSWORD}
        return client.post("/v1/admin/users", headers=admin, json={**base, **body})

    assert "already exists" in assert_error(create(username="admin.one"), 400)["message"]
    assert "at least" in assert_error(create(password="short"), 400)["message"]
    assert "Unknown ward" in assert_error(create(wards=["E00000000"]), 400)["message"]
    assert "role" in assert_error(create(role="mayor"), 422)["fields"]
    assert "shoe_size" in assert_error(create(shoe_size=9), 422)["fields"]


def test_change_role_and_wards(
    client: TestClient, make_user: UserMaker, engine: Engine, wards: WardSet
) -> None:
    admin = make_user("admin.one", "admin")
    analyst = make_user("analyst.one", "analyst")
    assert client.get("/v1/reports", headers=analyst).status_code == 200
    codes = sorted(w.code for w in wards.wards[:2])
    changed = client.patch(
        "/v1/admin/users/analyst.one", headers=admin, json={"role": "councillor", "wards": codes}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "councillor" and changed.json()["wards"] == codes
    assert client.get("/v1/reports", headers=analyst).status_code == 403  # at the next call
    [role] = audit_rows(engine, "user_role_changed")
    assert role.detail == {"from": "analyst", "to": "councillor"}
    [ward_change] = audit_rows(engine, "user_wards_changed")
    assert ward_change.detail == {"from": [], "to": codes}
    assert ward_change.actor == "admin.one"


def test_disable_revokes_every_device_and_enable_lets_in_again(
    client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    admin = make_user("admin.one", "admin")
    laptop = make_user("cllr.away")
    phone = {"Authorization": f"Bearer {sign_in(client, 'cllr.away').json()['access_token']}"}
    done = client.patch("/v1/admin/users/cllr.away", headers=admin, json={"disabled": True})
    assert done.status_code == 200 and done.json()["disabled"] is True
    for headers in (laptop, phone):
        assert_error(client.get("/v1/taxonomy", headers=headers), 401)
    assert_error(sign_in(client, "cllr.away"), 401)
    devices = client.get("/v1/admin/users/cllr.away/devices", headers=admin).json()["items"]
    assert {d["revoked_reason"] for d in devices} == {"account disabled"}
    assert client.patch("/v1/admin/users/cllr.away", headers=admin, json={"disabled": False})
    assert sign_in(client, "cllr.away").status_code == 200
    assert_error(client.get("/v1/taxonomy", headers=laptop), 401)  # old devices stay out
    assert [
        e.event for e in audit_rows(engine, "user_disabled") + audit_rows(engine, "user_enabled")
    ] == [
        "user_disabled",
        "user_enabled",
    ]


def test_the_last_admin_cannot_remove_themselves(client: TestClient, make_user: UserMaker) -> None:
    admin = make_user("admin.only", "admin")
    for body in ({"role": "analyst"}, {"disabled": True}):
        refused = client.patch("/v1/admin/users/admin.only", headers=admin, json=body)
        assert "only active admin" in assert_error(refused, 409)["message"]
    make_user("admin.two", "admin")
    demoted = client.patch("/v1/admin/users/admin.only", headers=admin, json={"role": "analyst"})
    assert demoted.status_code == 200


def test_update_refusals(client: TestClient, make_user: UserMaker) -> None:
    admin = make_user("admin.one", "admin")
    make_user("cllr.one")
    assert_error(client.patch("/v1/admin/users/nobody", headers=admin, json={"role": "admin"}), 404)
    assert_error(client.patch("/v1/admin/users/cllr.one", headers=admin, json={}), 400)
    bad = client.patch("/v1/admin/users/cllr.one", headers=admin, json={"disabled": "yes"})
    assert "disabled" in assert_error(bad, 422)["fields"]
    wards = client.patch("/v1/admin/users/cllr.one", headers=admin, json={"wards": ["X1"]})
    assert_error(wards, 400)


def test_password_reset_signs_out_and_sets_the_new_password(
    client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    admin = make_user("admin.one", "admin")
    old = make_user("cllr.forgot")
    url = "/v1/admin/users/cllr.forgot/password"
    assert_error(client.post(url, headers=admin, json={"password": "short"}), 400)
    assert client.post(url, headers=admin, json={"password": NEW_PASSWORD}).status_code == 204
    assert_error(client.get("/v1/taxonomy", headers=old), 401)
    assert_error(sign_in(client, "cllr.forgot"), 401)
    assert sign_in(client, "cllr.forgot", NEW_PASSWORD).status_code == 200
    [row] = audit_rows(engine, "password_reset")
    assert row.detail == {"devices_revoked": 1}
    assert NEW_PASSWORD not in str(row.detail)
    assert_error(
        client.post(
            "/v1/admin/users/nobody/password", headers=admin, json={"password": NEW_PASSWORD}
        ),
        404,
    )


def test_list_and_revoke_one_device(
    client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    admin = make_user("admin.one", "admin")
    laptop = make_user("cllr.lost")  # device "test laptop"
    phone = {"Authorization": f"Bearer {sign_in(client, 'cllr.lost').json()['access_token']}"}
    devices = client.get("/v1/admin/users/cllr.lost/devices", headers=admin).json()["items"]
    assert [d["name"] for d in devices] == ["test laptop", "phone"]
    assert all(d["revoked_at"] is None and d["last_used_at"] for d in devices)
    url = f"/v1/admin/users/cllr.lost/devices/{devices[0]['id']}"
    assert client.delete(url, headers=admin).status_code == 204
    assert client.delete(url, headers=admin).status_code == 204  # already revoked: no error
    assert_error(client.get("/v1/taxonomy", headers=laptop), 401)  # cut off at its next call
    assert client.get("/v1/taxonomy", headers=phone).status_code == 200
    after = client.get("/v1/admin/users/cllr.lost/devices", headers=admin).json()["items"]
    assert after[0]["revoked_reason"] == "revoked by an administrator"
    [row] = audit_rows(engine, "device_revoked")
    assert row.detail == {"device_id": devices[0]["id"], "name": "test laptop"}
    assert (row.actor, row.target) == ("admin.one", "cllr.lost")


def test_device_refusals(client: TestClient, make_user: UserMaker) -> None:
    admin = make_user("admin.one", "admin")
    make_user("cllr.a")
    make_user("cllr.b")
    theirs = client.get("/v1/admin/users/cllr.b/devices", headers=admin).json()["items"][0]["id"]
    # A device is only revoked through its own user.
    assert_error(client.delete(f"/v1/admin/users/cllr.a/devices/{theirs}", headers=admin), 404)
    assert_error(client.delete("/v1/admin/users/cllr.a/devices/0", headers=admin), 422)
    assert_error(client.delete("/v1/admin/users/cllr.a/devices/abc", headers=admin), 422)
    assert_error(client.get("/v1/admin/users/nobody/devices", headers=admin), 404)


def test_retire_category_keeps_old_reports(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, engine: Engine
) -> None:
    admin = make_user("admin.one", "admin")
    councillor = make_user("cllr.graffiti")
    old = make_report(category="graffiti_damage")
    sent = client.post("/v1/reports/batch", headers=councillor, json={"reports": [old]})
    assert sent.json()["results"][0]["status"] == "created"
    before = client.get("/v1/taxonomy", headers=councillor).json()

    retired = client.post(
        "/v1/admin/taxonomy/retire", headers=admin, json={"code": "graffiti_damage"}
    )
    assert retired.status_code == 200, retired.text
    now = client.get("/v1/taxonomy", headers=councillor).json()
    assert now["version"] == before["version"] + 1 == retired.json()["version"]
    codes = [c["code"] for c in now["categories"]]
    assert "graffiti_damage" not in codes
    assert codes == [c["code"] for c in before["categories"] if c["code"] != "graffiti_damage"]

    new = make_report(category="graffiti_damage")
    result = client.post("/v1/reports/batch", headers=councillor, json={"reports": [new]})
    item = result.json()["results"][0]
    assert item["status"] == "rejected"
    assert "graffiti_damage" in item["error"]["message"]
    mine = client.get("/v1/reports/mine", headers=councillor).json()["items"]
    assert [(r["id"], r["category"]) for r in mine] == [(old["id"], "graffiti_damage")]
    everything = client.get("/v1/reports", headers=admin).json()["items"]
    assert [r["category"] for r in everything] == ["graffiti_damage"]
    assert client.get("/v1/admin/taxonomy/retired", headers=admin).json() == {
        "graffiti_damage": before["version"]
    }
    [row] = audit_rows(engine, "category_retired")
    assert row.detail == {"from_version": before["version"], "to_version": now["version"]}


def test_retire_refusals(client: TestClient, make_user: UserMaker, engine: Engine) -> None:
    admin = make_user("admin.one", "admin")
    url = "/v1/admin/taxonomy/retire"
    unknown = assert_error(client.post(url, headers=admin, json={"code": "unicorns"}), 400)
    assert "Unknown category 'unicorns'" in unknown["message"]
    assert client.post(url, headers=admin, json={"code": "asb"}).status_code == 200
    again = assert_error(client.post(url, headers=admin, json={"code": "asb"}), 400)
    assert "already retired" in again["message"]
    assert_error(client.post(url, headers=admin, json={}), 422)
    codes = [c["code"] for c in client.get("/v1/taxonomy", headers=admin).json()["categories"]]
    for code in codes[:-1]:
        assert client.post(url, headers=admin, json={"code": code}).status_code == 200
    last = assert_error(client.post(url, headers=admin, json={"code": codes[-1]}), 400)
    assert "last category" in last["message"]
    assert len(client.get("/v1/taxonomy", headers=admin).json()["categories"]) == 1
