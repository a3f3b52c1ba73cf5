"""The app gets a councillor back in while someone else keeps failing their sign-in.

Against a real store process: the laptop's sign-in runs out, an attacker has locked the
account, and the councillor's password sign-in on that laptop still works, because the app
sends the refresh token the store ended along with it.
"""

from pathlib import Path

import pytest
import requests
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.support.live_store import COUNCILLOR, PASSWORD, LiveStore
from wardapp.aimstore import models
from wardapp.aimstore.db import make_engine
from wardapp.aimstore.models import utcnow
from wardapp.client.errors import NotSignedIn, SignInFailed
from wardapp.client.profile import Profile


def lock_account(store: LiveStore) -> None:
    for _ in range(5):
        requests.post(
            store.url + "/v1/auth/token",
            json={"username": COUNCILLOR, "password": "a wrong guess", "device_name": "x"},
            timeout=10,
        )
    refused = requests.post(
        store.url + "/v1/auth/token",
        json={"username": COUNCILLOR, "password": PASSWORD, "device_name": "elsewhere"},
        timeout=10,
    )
    assert refused.status_code == 429


def end_every_sign_in(store: LiveStore) -> None:
    engine = make_engine(f"sqlite:///{store.db_path}")
    with Session(engine) as session, session.begin():
        session.execute(update(models.Device).values(expires_at=utcnow()))
    engine.dispose()


def test_laptop_signs_in_through_a_lock_others_caused(
    signed_in_profile: Profile, live_store: LiveStore, tmp_path: Path
) -> None:
    end_every_sign_in(live_store)
    lock_account(live_store)
    with pytest.raises(NotSignedIn):
        signed_in_profile.auth.refresh()
    assert signed_in_profile.user() is None
    signed_in_profile.close()  # the app is closed and opened again the next morning
    reopened = Profile.open(tmp_path / "profile", live_store.url)
    try:
        user = reopened.sign_in(COUNCILLOR, PASSWORD, "test laptop")
        assert user["username"] == COUNCILLOR
        assert reopened.auth.refresh()  # the new sign-in works as usual
    finally:
        reopened.close()


def test_another_laptop_is_told_of_the_lock_in_the_stores_words(
    live_store: LiveStore, profile_env: dict[str, str], tmp_path: Path
) -> None:
    """Without a sign-in of its own to show, a laptop waits out the lock, and is told so."""
    lock_account(live_store)
    profile = Profile.open(tmp_path / "other", live_store.url)
    try:
        with pytest.raises(SignInFailed) as refused:
            profile.sign_in(COUNCILLOR, PASSWORD, "another laptop")
        assert str(refused.value).startswith("Too many failed sign-ins")
        assert "HTTP" not in str(refused.value)
    finally:
        profile.close()
