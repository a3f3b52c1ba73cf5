"""Sign-in, refresh rotation, per-device sign-out and token checks, through the HTTP API."""

from datetime import timedelta

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD, UserMaker
from tests.support.api import assert_error
from wardapp.aimstore import models
from wardapp.aimstore.accounts import add_user
from wardapp.aimstore.security import AccessClaims, issue_access_token


def sign_in(
    client: TestClient, username: str, password: str = PASSWORD, device: str = "laptop"
) -> httpx2.Response:
    return client.post(
        "/v1/auth/token",
        json={"username": username, "password": password, "device_name": device},
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def account(engine: Engine) -> str:
    with Session(engine) as session, session.begin():
        add_user(session, "cllr.ahmed", "councillor", PASSWORD, [])
    return "cllr.ahmed"


def test_sign_in_answers_tokens_and_user(client: TestClient, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        codes = sorted(session.scalars(select(models.Ward.code)).all())[:2]
        add_user(session, "cllr.jones", "councillor", PASSWORD, codes)
    response = sign_in(client, "cllr.jones")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert isinstance(body["access_token"], str) and body["access_token"]
    assert isinstance(body["refresh_token"], str) and body["refresh_token"]
    assert body["access_token"] != body["refresh_token"]
    assert isinstance(body["expires_in"], int) and body["expires_in"] > 0
    assert body["user"] == {"username": "cllr.jones", "role": "councillor", "wards": codes}
    assert client.get("/v1/taxonomy", headers=bearer(body["access_token"])).status_code == 200


def test_wrong_password_and_unknown_user_look_the_same(client: TestClient, account: str) -> None:
    wrong = assert_error(sign_in(client, account, "not the password at all"), 401)
    unknown = assert_error(sign_in(client, "nobody.here"), 401)
    assert wrong == unknown
    assert wrong["error"] == "unauthorised"


def test_password_is_not_trimmed(client: TestClient, engine: Engine) -> None:
    """Spaces are part of a password: stored as typed, checked as typed."""
    spaced = "  spaces around it  "
    with Session(engine) as session, session.begin():
        add_user(session, "cllr.space", "councillor", spaced, [])
    assert sign_in(client, "cllr.space", spaced).status_code == 200
    assert_error(sign_in(client, "cllr.space", spaced.strip()), 401)


def test_disabled_account_cannot_sign_in(client: TestClient, engine: Engine, account: str) -> None:
    with Session(engine) as session, session.begin():
        user = session.scalars(select(models.User).where(models.User.username == account)).one()
        user.disabled = True
    assert_error(sign_in(client, account), 401)


def test_sign_in_with_missing_fields_is_422(client: TestClient) -> None:
    body = assert_error(client.post("/v1/auth/token", json={"username": "x"}), 422)
    assert set(body["fields"]) == {"password", "device_name"}


def test_refresh_rotates_and_the_used_token_dies(client: TestClient, account: str) -> None:
    first = sign_in(client, account).json()
    second = client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert rotated["user"]["username"] == account
    assert client.get("/v1/taxonomy", headers=bearer(rotated["access_token"])).status_code == 200

    third = client.post("/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert third.status_code == 200, third.text

    # Its successor has been used, so the first token is dead now.
    reused = client.post("/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert_error(reused, 401)


def test_refresh_with_unknown_token_is_401(client: TestClient) -> None:
    assert_error(client.post("/v1/auth/refresh", json={"refresh_token": "made-up"}), 401)


def test_refresh_after_expiry_is_401(client: TestClient, engine: Engine, account: str) -> None:
    tokens = sign_in(client, account).json()
    with Session(engine) as session, session.begin():
        for device in session.scalars(select(models.Device)):
            device.expires_at = device.created_at - timedelta(seconds=1)
    assert_error(
        client.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}), 401
    )


def test_logout_revokes_only_this_device(client: TestClient, account: str) -> None:
    laptop = sign_in(client, account, device="laptop").json()
    tablet = sign_in(client, account, device="tablet").json()

    response = client.post("/v1/auth/logout", headers=bearer(laptop["access_token"]))
    assert response.status_code == 204
    assert response.content == b""

    assert_error(client.get("/v1/taxonomy", headers=bearer(laptop["access_token"])), 401)
    refreshed = client.post("/v1/auth/refresh", json={"refresh_token": laptop["refresh_token"]})
    assert_error(refreshed, 401)

    assert client.get("/v1/taxonomy", headers=bearer(tablet["access_token"])).status_code == 200
    tablet_refresh = client.post(
        "/v1/auth/refresh", json={"refresh_token": tablet["refresh_token"]}
    )
    assert tablet_refresh.status_code == 200


def test_logout_without_token_is_401(client: TestClient) -> None:
    assert_error(client.post("/v1/auth/logout"), 401)


def test_expired_access_token_is_401(client: TestClient, engine: Engine, account: str) -> None:
    sign_in(client, account)
    with Session(engine) as session:
        user = session.scalars(select(models.User).where(models.User.username == account)).one()
        device = session.scalars(
            select(models.Device).where(models.Device.user_id == user.id)
        ).one()
        claims = AccessClaims(user.id, device.id, user.role)
    key = client.app.state.store.signing_key  # type: ignore[attr-defined]
    expired = issue_access_token(key, claims, timedelta(minutes=-1))
    fresh = issue_access_token(key, claims, timedelta(minutes=5))
    response = client.get("/v1/taxonomy", headers=bearer(expired))
    assert_error(response, 401)
    assert response.headers.get("www-authenticate") == "Bearer"
    assert client.get("/v1/taxonomy", headers=bearer(fresh)).status_code == 200


def test_token_signed_with_another_key_is_401(client: TestClient, make_user: UserMaker) -> None:
    make_user("cllr.other")
    forged = issue_access_token(
        "not-the-key" * 4, AccessClaims(1, 1, "admin"), timedelta(minutes=5)
    )
    assert_error(client.get("/v1/reports", headers=bearer(forged)), 401)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer garbage",
        "Bearer ",
        "Bearer a.b.c",
        "Basic dXNlcjpwYXNz",
        "garbage",
        "Bearer " + "x" * 5000,
    ],
)
def test_garbage_token_is_401(client: TestClient, header: str) -> None:
    body = assert_error(client.get("/v1/taxonomy", headers={"Authorization": header}), 401)
    assert body["error"] == "unauthorised"


def test_refresh_token_is_not_an_access_token(client: TestClient, account: str) -> None:
    tokens = sign_in(client, account).json()
    assert_error(client.get("/v1/taxonomy", headers=bearer(tokens["refresh_token"])), 401)


def test_previous_refresh_token_works_until_its_successor_is_used(
    client: TestClient, make_user: UserMaker
) -> None:
    """A reply lost in transit must not sign the user out (the client retries the old one)."""
    make_user("grace")
    first = client.post(
        "/v1/auth/token",
        json={"username": "grace", "password": PASSWORD, "device_name": "laptop"},
    ).json()["refresh_token"]
    lost = client.post("/v1/auth/refresh", json={"refresh_token": first})
    assert lost.status_code == 200  # ... but the reply never reached the laptop
    retried = client.post("/v1/auth/refresh", json={"refresh_token": first})
    assert retried.status_code == 200
    newest = retried.json()["refresh_token"]
    assert client.post("/v1/auth/refresh", json={"refresh_token": newest}).status_code == 200
    # Once a successor has been used, the old tokens are dead.
    assert client.post("/v1/auth/refresh", json={"refresh_token": first}).status_code == 401
    lost_token = lost.json()["refresh_token"]
    assert client.post("/v1/auth/refresh", json={"refresh_token": lost_token}).status_code == 401
