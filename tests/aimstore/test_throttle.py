"""Failed sign-ins are limited per account, with Retry-After, and unknown names alike."""

from collections.abc import Iterator
from datetime import timedelta

import httpx2
import pytest
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
from wardapp.aimstore.throttle import ThrottlePolicy, throttle_key

WRONG = "not the password at all"


@pytest.fixture
def store(db_url: str, engine: Engine) -> Iterator[TestClient]:
    """Three failures lock for 30 s; an account "cllr.lock" and "cllr.other" exist."""
    settings = AimStoreSettings(
        database_url=db_url, sign_in_max_failures=3, sign_in_lock_seconds=30
    )
    with Session(engine) as session, session.begin():
        add_user(session, "cllr.lock", "councillor", PASSWORD, [])
        add_user(session, "cllr.other", "councillor", PASSWORD, [])
    with TestClient(create_app(settings)) as client:
        yield client


def attempt(client: TestClient, username: str, password: str = WRONG) -> httpx2.Response:
    return client.post(
        "/v1/auth/token",
        json={"username": username, "password": password, "device_name": "laptop"},
    )


def account_key(store: TestClient, username: str) -> str:
    """Rows are keyed by an HMAC, never by the name as typed."""
    signing_key: str = store.app.state.store.signing_key  # type: ignore[attr-defined]
    return throttle_key(signing_key, "account", username)


def unlock(store: TestClient, engine: Engine, username: str) -> None:
    """As if the lock had run out (tests do not sleep)."""
    with Session(engine) as session, session.begin():
        session.execute(
            update(models.SignInThrottle)
            .where(models.SignInThrottle.username == account_key(store, username))
            .values(locked_until=utcnow() - timedelta(seconds=1))
        )


def test_account_locks_after_the_threshold(store: TestClient) -> None:
    for _ in range(2):
        assert_error(attempt(store, "cllr.lock"), 401)
    locked = attempt(store, "cllr.lock")
    body = assert_error(locked, 429)
    assert body["error"] == "too_many_attempts"
    assert "Try again in about 1 minute" in body["message"]
    assert locked.headers["Retry-After"] == "30"
    # Even the right password waits out the lock.
    right = attempt(store, "cllr.lock", PASSWORD)
    assert_error(right, 429)
    assert 1 <= int(right.headers["Retry-After"]) <= 30


def test_other_accounts_are_not_affected(store: TestClient) -> None:
    for _ in range(3):
        attempt(store, "cllr.lock")
    assert attempt(store, "cllr.lock", PASSWORD).status_code == 429
    assert attempt(store, "cllr.other", PASSWORD).status_code == 200


def test_lock_ends_and_success_resets(store: TestClient, engine: Engine) -> None:
    for _ in range(3):
        attempt(store, "cllr.lock")
    unlock(store, engine, "cllr.lock")
    assert attempt(store, "cllr.lock", PASSWORD).status_code == 200
    with Session(engine) as session:
        assert session.get(models.SignInThrottle, account_key(store, "cllr.lock")) is None
    # Counting starts again from nothing.
    for _ in range(2):
        assert_error(attempt(store, "cllr.lock"), 401)


def test_lock_grows_while_failures_go_on(store: TestClient, engine: Engine) -> None:
    waits = []
    for _ in range(3):
        response = attempt(store, "cllr.lock")
    waits.append(int(response.headers["Retry-After"]))
    for _ in range(2):
        unlock(store, engine, "cllr.lock")
        response = attempt(store, "cllr.lock")
        assert response.status_code == 429
        waits.append(int(response.headers["Retry-After"]))
    assert waits == [30, 60, 120]


def test_unknown_username_is_throttled_the_same_way(store: TestClient) -> None:
    known = [attempt(store, "cllr.lock") for _ in range(4)]
    unknown = [attempt(store, "nobody.here") for _ in range(4)]
    assert [r.status_code for r in known] == [401, 401, 429, 429]
    assert [r.status_code for r in unknown] == [401, 401, 429, 429]
    assert known[2].json() == unknown[2].json()
    assert known[2].headers["Retry-After"] == unknown[2].headers["Retry-After"]


def test_old_failures_are_forgotten(store: TestClient, engine: Engine) -> None:
    for _ in range(2):
        attempt(store, "cllr.lock")
    with Session(engine) as session, session.begin():
        session.execute(
            update(models.SignInThrottle).values(first_failed_at=utcnow() - timedelta(minutes=16))
        )
    assert_error(attempt(store, "cllr.lock"), 401)  # would be the third within 15 minutes
    with Session(engine) as session:
        row = session.get(models.SignInThrottle, account_key(store, "cllr.lock"))
        assert row is not None and row.failures == 1 and row.locked_until is None


def test_failed_and_locked_sign_ins_are_audited(store: TestClient, engine: Engine) -> None:
    for _ in range(4):
        attempt(store, "cllr.lock")
    with Session(engine) as session:
        rows = session.scalars(
            select(models.AuditEntry).where(models.AuditEntry.event == "sign_in_failed")
        ).all()
        succeeded = session.scalars(
            select(models.AuditEntry).where(models.AuditEntry.event == "sign_in")
        ).all()
    reasons = [r.detail["reason"] for r in rows if r.detail]
    assert reasons == ["bad password", "bad password", "bad password", "locked"]
    assert {r.actor for r in rows} == {"cllr.lock"}
    assert {r.client for r in rows} == {"testclient"}
    assert succeeded == []


def test_disabled_account_counts_as_a_failure(store: TestClient, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.execute(
            update(models.User).where(models.User.username == "cllr.lock").values(disabled=True)
        )
    statuses = [attempt(store, "cllr.lock", PASSWORD).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]


def test_defaults_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = ThrottlePolicy.from_settings(AimStoreSettings(database_url="sqlite://"))
    assert defaults.max_failures == 5
    assert defaults.window == timedelta(minutes=15)
    monkeypatch.setenv("WARDAPP_AIMSTORE_SIGN_IN_MAX_FAILURES", "8")
    assert AimStoreSettings(database_url="sqlite://").sign_in_max_failures == 8


def test_lock_is_capped() -> None:
    policy = ThrottlePolicy(
        max_failures=5,
        window=timedelta(minutes=15),
        first_lock=timedelta(seconds=60),
        longest_lock=timedelta(hours=1),
    )
    assert policy.lock_for(5) == timedelta(seconds=60)
    assert policy.lock_for(7) == timedelta(seconds=240)
    assert policy.lock_for(500) == timedelta(hours=1)
