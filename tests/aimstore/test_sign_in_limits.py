"""Guessing is limited per address too, and nobody can lock a councillor out for good.

An attacker who fails a councillor's sign-in on purpose locks the account for a while, but
the councillor's signed-in devices keep refreshing, and a device that holds its refresh
token signs in with the password through the lock.
"""

from collections.abc import Iterator
from datetime import timedelta

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD
from tests.support.api import assert_error
from wardapp.aimstore import models
from wardapp.aimstore.accounts import add_user
from wardapp.aimstore.app import create_app
from wardapp.aimstore.models import utcnow
from wardapp.aimstore.settings import AimStoreSettings

WRONG = "not the password at all"
VICTIM = "cllr.victim"


@pytest.fixture
def app(db_url: str, engine: Engine) -> FastAPI:
    """Three failures lock an account for 30 s; five from one address lock the address."""
    settings = AimStoreSettings(
        database_url=db_url,
        sign_in_max_failures=3,
        sign_in_lock_seconds=30,
        sign_in_address_max_failures=5,
    )
    with Session(engine) as session, session.begin():
        add_user(session, VICTIM, "councillor", PASSWORD, [])
        add_user(session, "cllr.other", "councillor", PASSWORD, [])
    return create_app(settings)


@pytest.fixture
def office(app: FastAPI) -> Iterator[TestClient]:
    """The councillor's own address."""
    with TestClient(app, client=("192.0.2.10", 50000)) as client:
        yield client


def from_address(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 40000))


def attempt(
    client: TestClient, username: str, password: str = WRONG, device_token: str | None = None
) -> httpx2.Response:
    body = {"username": username, "password": password, "device_name": "laptop"}
    if device_token is not None:
        body["device_token"] = device_token
    return client.post("/v1/auth/token", json=body)


def lock_out(app: FastAPI, username: str) -> None:
    """An attacker fails the account's sign-in from addresses of their own."""
    for n in range(3):
        attempt(from_address(app, f"198.51.100.{n + 1}"), username)
    assert attempt(from_address(app, "198.51.100.99"), username, PASSWORD).status_code == 429


def test_one_address_failing_many_accounts_is_stopped(app: FastAPI, office: TestClient) -> None:
    attacker = from_address(app, "203.0.113.7")
    statuses = [attempt(attacker, f"guess.{n}").status_code for n in range(6)]
    assert statuses == [401, 401, 401, 401, 429, 429]
    refused = assert_error(attempt(attacker, "cllr.other", PASSWORD), 429)
    assert refused["error"] == "too_many_attempts"
    assert "address" in refused["message"]
    # Nobody else is held up, and the attacker's refused tries never reached the account.
    assert attempt(office, "cllr.other", PASSWORD).status_code == 200


def test_signed_in_devices_keep_working_through_a_lock(app: FastAPI, office: TestClient) -> None:
    tokens = attempt(office, VICTIM, PASSWORD).json()
    lock_out(app, VICTIM)
    refreshed = office.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text


def test_device_token_signs_in_through_the_account_lock(
    app: FastAPI, office: TestClient, engine: Engine
) -> None:
    old = attempt(office, VICTIM, PASSWORD).json()["refresh_token"]
    with Session(engine) as session, session.begin():  # the device's sign-in has run out
        session.execute(update(models.Device).values(expires_at=utcnow()))
    lock_out(app, VICTIM)
    assert attempt(office, VICTIM, PASSWORD).status_code == 429  # no token: the lock holds
    through = attempt(office, VICTIM, PASSWORD, device_token=old)
    assert through.status_code == 200, through.text
    # The old device is replaced by the new sign-in: its token opens no door again.
    assert attempt(office, VICTIM, PASSWORD, device_token=old).status_code == 429
    with Session(engine) as session:
        reasons = session.scalars(select(models.Device.revoked_reason).order_by(models.Device.id))
        assert list(reasons) == ["signed in again", None]


def test_a_token_of_a_sign_in_that_ended_long_ago_opens_no_lock(
    app: FastAPI, office: TestClient, engine: Engine
) -> None:
    """A laptop left in a drawer for months must not pass a lock with its old token."""
    old = attempt(office, VICTIM, PASSWORD).json()["refresh_token"]
    with Session(engine) as session, session.begin():
        ended = utcnow() - timedelta(days=61)  # longer ago than REFRESH_TOKEN_DAYS
        session.execute(update(models.Device).values(expires_at=ended))
    lock_out(app, VICTIM)
    assert attempt(office, VICTIM, PASSWORD, device_token=old).status_code == 429


def test_a_device_token_does_not_open_other_doors(app: FastAPI, office: TestClient) -> None:
    other = attempt(office, "cllr.other", PASSWORD).json()["refresh_token"]
    lock_out(app, VICTIM)
    assert attempt(office, VICTIM, PASSWORD, device_token=other).status_code == 429
    assert attempt(office, VICTIM, PASSWORD, device_token="made-up").status_code == 429


def test_guessing_with_a_device_token_is_limited_too(app: FastAPI, office: TestClient) -> None:
    """A stolen laptop's token does not give a thief unlimited guesses."""
    token = attempt(office, VICTIM, PASSWORD).json()["refresh_token"]
    lock_out(app, VICTIM)
    thief = from_address(app, "203.0.113.50")
    statuses = [attempt(thief, VICTIM, device_token=token).status_code for _ in range(4)]
    assert statuses == [401, 401, 429, 429]
    assert attempt(thief, VICTIM, PASSWORD, device_token=token).status_code == 429


def test_tries_during_a_lock_do_not_make_it_longer(app: FastAPI) -> None:
    attacker = from_address(app, "203.0.113.9")
    for _ in range(3):
        locked = attempt(attacker, VICTIM)
    first_wait = int(locked.headers["Retry-After"])
    for n in range(10):
        again = attempt(from_address(app, f"198.51.100.{n + 10}"), VICTIM)
        assert again.status_code == 429
        assert int(again.headers["Retry-After"]) <= first_wait


def test_the_app_signs_in_without_a_device_token(office: TestClient) -> None:
    """Older apps send only username, password and device name."""
    assert attempt(office, VICTIM, PASSWORD).status_code == 200
