"""Refresh-token theft detection and sign-out: a copied token cuts the device off."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD, UserMaker
from tests.support.api import assert_error, audit_rows
from wardapp.aimstore import models
from wardapp.aimstore.security import token_digest


def sign_in(client: TestClient, username: str, device: str = "laptop") -> dict[str, Any]:
    response = client.post(
        "/v1/auth/token",
        json={"username": username, "password": PASSWORD, "device_name": device},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def refresh(client: TestClient, token: str) -> Any:
    return client.post("/v1/auth/refresh", json={"refresh_token": token})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def device_named(engine: Engine, name: str) -> models.Device:
    with Session(engine) as session:
        return session.scalars(select(models.Device).where(models.Device.name == name)).one()


def test_reused_refresh_token_revokes_the_device(
    client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    """A thief and the owner both hold a token: whichever comes second ends the device."""
    make_user("cllr.theft")
    first = sign_in(client, "cllr.theft", device="stolen laptop")
    second = refresh(client, first["refresh_token"]).json()
    third = refresh(client, second["refresh_token"]).json()  # first is retired now
    live_access = third["access_token"]
    assert client.get("/v1/taxonomy", headers=bearer(live_access)).status_code == 200

    body = assert_error(refresh(client, first["refresh_token"]), 401)
    assert body["error"] == "unauthorised"

    device = device_named(engine, "stolen laptop")
    assert device.revoked_at is not None
    assert device.revoked_reason == "refresh token reused"
    # The device's access token and its newest refresh token stop working at once.
    assert_error(client.get("/v1/taxonomy", headers=bearer(live_access)), 401)
    assert_error(refresh(client, third["refresh_token"]), 401)
    rows = audit_rows(engine, "device_revoked")
    assert len(rows) == 1
    assert rows[0].target == "cllr.theft"
    assert rows[0].detail == {
        "reason": "refresh token reused",
        "device_id": device.id,
        "device_name": "stolen laptop",
    }
    assert rows[0].client == "testclient"


def test_reuse_revokes_only_that_device(client: TestClient, make_user: UserMaker) -> None:
    make_user("cllr.two")  # signs in a "test laptop" of its own
    phone = sign_in(client, "cllr.two", device="phone")
    tablet = sign_in(client, "cllr.two", device="tablet")
    rotated = refresh(client, phone["refresh_token"]).json()
    refresh(client, rotated["refresh_token"])
    assert_error(refresh(client, phone["refresh_token"]), 401)
    assert client.get("/v1/taxonomy", headers=bearer(tablet["access_token"])).status_code == 200
    assert refresh(client, tablet["refresh_token"]).status_code == 200


def test_rotation_retires_each_token_that_leaves(
    client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    make_user("cllr.rotate")
    first = sign_in(client, "cllr.rotate", device="desk")["refresh_token"]
    second = refresh(client, first).json()["refresh_token"]
    with Session(engine) as session:
        assert session.scalars(select(models.RetiredRefreshToken)).all() == []
    third = refresh(client, second).json()["refresh_token"]
    with Session(engine) as session:
        retired = set(session.scalars(select(models.RetiredRefreshToken.token_hash)))
    assert retired == {token_digest(first)}
    device = device_named(engine, "desk")
    assert device.refresh_hash == token_digest(third)
    assert device.previous_refresh_hash == token_digest(second)
    assert device.revoked_at is None


def test_retrying_after_a_lost_reply_is_not_theft(
    client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    """The laptop retries its old token once, soon after: it stays signed in."""
    make_user("cllr.flaky")
    first = sign_in(client, "cllr.flaky", device="flaky")["refresh_token"]
    assert refresh(client, first).status_code == 200  # the reply is lost on the way
    newest = refresh(client, first).json()
    assert refresh(client, newest["refresh_token"]).status_code == 200
    assert device_named(engine, "flaky").revoked_at is None
    assert audit_rows(engine, "device_revoked") == []


def test_token_of_a_revoked_device_stays_dead(client: TestClient, make_user: UserMaker) -> None:
    make_user("cllr.gone")
    tokens = sign_in(client, "cllr.gone", device="gone")
    assert client.post("/v1/auth/logout", headers=bearer(tokens["access_token"])).status_code == 204
    assert_error(refresh(client, tokens["refresh_token"]), 401)
    assert_error(client.get("/v1/taxonomy", headers=bearer(tokens["access_token"])), 401)


def test_logout_is_audited_and_says_why(
    client: TestClient, make_user: UserMaker, engine: Engine
) -> None:
    make_user("cllr.out")
    tokens = sign_in(client, "cllr.out", device="kitchen")
    assert client.post("/v1/auth/logout", headers=bearer(tokens["access_token"])).status_code == 204
    device = device_named(engine, "kitchen")
    assert device.revoked_reason == "signed out"
    rows = audit_rows(engine, "sign_out")
    assert [(r.actor, r.detail) for r in rows] == [("cllr.out", {"device_id": device.id})]


def test_sign_ins_are_audited(client: TestClient, make_user: UserMaker, engine: Engine) -> None:
    make_user("cllr.audit")  # one sign-in
    sign_in(client, "cllr.audit", device="second")
    rows = audit_rows(engine, "sign_in")
    assert [r.actor for r in rows] == ["cllr.audit", "cllr.audit"]
    assert rows[-1].detail is not None and rows[-1].detail["device_name"] == "second"
    assert all(r.client == "testclient" for r in rows)
    assert audit_rows(engine, "sign_in_failed") == []
