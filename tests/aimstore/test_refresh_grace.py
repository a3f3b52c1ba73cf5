"""A replaced refresh token works once, briefly; every sign-in ends after a fixed lifetime.

A reply lost in transit must not sign a councillor out, so the token just replaced is
accepted once within a short grace period. Any other use of it means a copy exists
elsewhere: the device is signed out and the audit log says why.
"""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD
from tests.support.api import assert_error, audit_rows
from wardapp.aimstore import models
from wardapp.aimstore.accounts import add_user
from wardapp.aimstore.app import create_app
from wardapp.aimstore.settings import AimStoreSettings

USER = "cllr.grace"


@pytest.fixture
def store(db_url: str, engine: Engine) -> Iterator[TestClient]:
    settings = AimStoreSettings(database_url=db_url, refresh_grace_seconds=60, session_max_days=30)
    with Session(engine) as session, session.begin():
        add_user(session, USER, "councillor", PASSWORD, [])
    with TestClient(create_app(settings)) as client:
        yield client


def sign_in(client: TestClient) -> dict[str, Any]:
    response = client.post(
        "/v1/auth/token", json={"username": USER, "password": PASSWORD, "device_name": "laptop"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def refresh(client: TestClient, token: str) -> httpx2.Response:
    return client.post("/v1/auth/refresh", json={"refresh_token": token})


def age_device(engine: Engine, **ago: timedelta) -> None:
    """Moves the device's stored times into the past (tests do not sleep)."""
    with Session(engine) as session, session.begin():
        device = session.scalars(select(models.Device)).one()
        session.execute(
            update(models.Device)
            .where(models.Device.id == device.id)
            .values({name: getattr(device, name) - delta for name, delta in ago.items()})
        )


def the_device(engine: Engine) -> models.Device:
    with Session(engine) as session:
        return session.scalars(select(models.Device)).one()


def test_replaced_token_works_once_within_the_grace_period(
    store: TestClient, engine: Engine
) -> None:
    first = sign_in(store)["refresh_token"]
    assert refresh(store, first).status_code == 200  # the reply is lost on the way
    retried = refresh(store, first)
    assert retried.status_code == 200, retried.text
    # The lost reply's token and the retried one are both gone; the newest one works.
    assert refresh(store, retried.json()["refresh_token"]).status_code == 200
    assert the_device(engine).revoked_at is None


def test_second_reuse_is_refused_and_signs_the_device_out(
    store: TestClient, engine: Engine
) -> None:
    first = sign_in(store)["refresh_token"]
    refresh(store, first)
    newest = refresh(store, first).json()["refresh_token"]  # the one use allowed
    assert_error(refresh(store, first), 401)
    device = the_device(engine)
    assert device.revoked_reason == "refresh token reused"
    assert_error(refresh(store, newest), 401)  # a thief's copy dies with the device
    rows = audit_rows(engine, "device_revoked")
    assert [(r.target, r.detail and r.detail["reason"]) for r in rows] == [
        (USER, "refresh token reused")
    ]


def test_reuse_after_the_grace_period_is_refused(store: TestClient, engine: Engine) -> None:
    first = sign_in(store)["refresh_token"]
    second = refresh(store, first).json()["refresh_token"]
    age_device(engine, last_used_at=timedelta(seconds=61))
    assert_error(refresh(store, first), 401)
    assert the_device(engine).revoked_reason == "refresh token reused"
    assert_error(refresh(store, second), 401)
    assert len(audit_rows(engine, "device_revoked")) == 1


def test_sign_in_ends_after_its_absolute_lifetime(store: TestClient, engine: Engine) -> None:
    """Refreshing every day keeps a device going only until the lifetime is over."""
    token = sign_in(store)["refresh_token"]
    age_device(engine, created_at=timedelta(days=29, hours=23))
    token = refresh(store, token).json()["refresh_token"]  # still within 30 days
    age_device(engine, created_at=timedelta(hours=2))
    body = assert_error(refresh(store, token), 401)
    assert "sign in again" in body["message"]
    # A fresh sign-in with the password starts a new lifetime.
    assert refresh(store, sign_in(store)["refresh_token"]).status_code == 200


def test_expiry_never_reaches_past_the_lifetime(store: TestClient, engine: Engine) -> None:
    sign_in(store)
    device = the_device(engine)
    assert device.expires_at <= device.created_at + timedelta(days=30)


def test_defaults() -> None:
    settings = AimStoreSettings(database_url="sqlite://")
    assert settings.refresh_grace_seconds == 60
    assert settings.session_max_days == 30
