"""A failed sign-in tells nobody whether the account exists, and keeps no typed secrets.

A password typed into the username box must not stay in the audit log (or anywhere else
in the database) for good; only names of real accounts are kept.
"""

import time
from collections.abc import Iterator

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import PASSWORD
from tests.support.api import assert_error, audit_rows
from wardapp.aimstore import models
from wardapp.aimstore.accounts import add_user
from wardapp.aimstore.app import create_app
from wardapp.aimstore.settings import AimStoreSettings

REAL = "cllr.real"
TYPED_SECRET = "Hunter2-typed-in-the-wrong-box"


@pytest.fixture
def store(db_url: str, engine: Engine) -> Iterator[TestClient]:
    settings = AimStoreSettings(database_url=db_url, sign_in_max_failures=100)
    with Session(engine) as session, session.begin():
        add_user(session, REAL, "councillor", PASSWORD, [])
    with TestClient(create_app(settings)) as client:
        yield client


def attempt(client: TestClient, username: str, password: str = "wrong password") -> httpx2.Response:
    return client.post(
        "/v1/auth/token",
        json={"username": username, "password": password, "device_name": "laptop"},
    )


def test_unknown_user_and_wrong_password_answer_alike(store: TestClient) -> None:
    wrong = attempt(store, REAL)
    unknown = attempt(store, "nobody.at.all")
    assert assert_error(wrong, 401) == assert_error(unknown, 401)
    assert wrong.headers.get("www-authenticate") == unknown.headers.get("www-authenticate")


def test_unknown_user_and_wrong_password_take_about_as_long(store: TestClient) -> None:
    """Both check a password hash: the fastest of a few tries are within a broad factor."""

    def fastest(username: str) -> float:
        times = []
        for n in range(3):
            start = time.perf_counter()
            attempt(store, f"{username}{'' if username == REAL else n}")
            times.append(time.perf_counter() - start)
        return min(times)

    attempt(store, REAL)  # warm-up
    wrong, unknown = fastest(REAL), fastest("nobody.")
    assert unknown > wrong / 3 and wrong > unknown / 3, (wrong, unknown)


def test_typed_unknown_names_are_not_kept(store: TestClient, engine: Engine) -> None:
    attempt(store, TYPED_SECRET)
    attempt(store, REAL)
    rows = audit_rows(engine, "sign_in_failed")
    assert [(r.actor, r.detail and r.detail["reason"]) for r in rows] == [
        (None, "unknown username"),
        (REAL, "bad password"),
    ]
    with Session(engine) as session:
        throttle_keys = session.scalars(select(models.SignInThrottle.username)).all()
        audit_text = [
            repr((r.actor, r.target, r.detail)) for r in session.scalars(select(models.AuditEntry))
        ]
    assert len(throttle_keys) >= 2
    assert not any(TYPED_SECRET in key or REAL in key for key in throttle_keys)
    assert not any(TYPED_SECRET in text for text in audit_text)
