"""A redirect from the AIM store's address is never followed: nothing is sent a second time.

A store (or something pretending to be it) that answers 307 to plain http:// on another
host would otherwise receive the password, refresh tokens and report batches again, in
clear, at the address it chose. Here the second address is a real server that records
whatever arrives; nothing must.
"""

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.client.conftest import wire_report
from tests.support.loopback import LoopbackServer, send
from wardapp.client.api import AimStoreApi, Redirected
from wardapp.client.auth import Authenticator, StoreTokenVault
from wardapp.client.errors import SignInFailed
from wardapp.client.profile import Profile

PASSWORD = "correct horse battery staple"
PASSPHRASE = "a long enough local passphrase"


@pytest.fixture
def elsewhere() -> Iterator[LoopbackServer]:
    """Where the redirects point: records everything, answers like a real store would."""
    with LoopbackServer() as server:
        yield server


def redirecting(target: str, status: int = 307) -> LoopbackServer:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        send(handler, status, b"", Location=target + handler.path)

    return LoopbackServer(answer)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_sign_in_is_not_resent_to_where_a_redirect_points(
    elsewhere: LoopbackServer, status: int
) -> None:
    with redirecting(elsewhere.url, status) as store:
        api = AimStoreApi(store.url)
        with pytest.raises(Redirected) as caught:
            api.sign_in("councillor", PASSWORD, "laptop")
        api.close()
    assert elsewhere.seen == []  # the password went nowhere else
    assert len(store.seen) == 1  # and was not retried either
    message = caught.value.message
    assert f"redirect to {elsewhere.url}/v1/auth/token" in message
    assert "check the store's address in Settings" in message


def test_the_sign_in_dialog_is_told_why(elsewhere: LoopbackServer, tmp_path: Path) -> None:
    with redirecting(elsewhere.url) as store:
        profile = Profile.open(tmp_path / "p", store.url, passphrase=PASSPHRASE)
        try:
            with pytest.raises(SignInFailed, match="answered with a redirect to http://"):
                profile.sign_in("councillor", PASSWORD, "laptop")
        finally:
            profile.close()
    assert elsewhere.seen == []


def test_refresh_tokens_and_reports_with_contacts_stay_put(
    elsewhere: LoopbackServer, tmp_path: Path
) -> None:
    with redirecting(elsewhere.url) as store:
        profile = Profile.open(tmp_path / "p", store.url, passphrase=PASSPHRASE)
        try:
            contact = {"name": "Ann Example", "phone": "01642 000000", "consent": True}
            profile.save_report(wire_report(profile, resident_contact=contact))
            vault = StoreTokenVault(profile.store)
            user = {"username": "councillor", "role": "councillor", "wards": []}
            vault.save_tokens(
                {"access_token": "a", "refresh_token": "r", "expires_at": 0, "user": user}
            )
            result = profile.sync_once()
            assert result.error is not None and "redirect" in result.error
            assert profile.pending_count() == 1  # kept for when the address is put right
            # the refresh token alone, asked for directly
            with pytest.raises(Redirected):
                Authenticator(profile.api, vault).refresh()
            vault.save_tokens(
                {"access_token": "a", "refresh_token": "r", "expires_at": 1e12, "user": user}
            )
            assert "redirect" in (profile.sync_once().error or "")
        finally:
            profile.close()
    assert elsewhere.seen == []
    assert {seen.path for seen in store.seen} >= {"/v1/auth/refresh", "/v1/reports/batch"}


def test_a_hostile_location_is_shown_short_and_plain(elsewhere: LoopbackServer) -> None:
    target = elsewhere.url + "/<b>x</b>\x07" + "a" * 5000

    def answer(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 302, b"", Location=target)

    with LoopbackServer(answer) as store:
        api = AimStoreApi(store.url)
        with pytest.raises(Redirected) as caught:
            api.wards("token")
        api.close()
    message = caught.value.message
    assert len(message) < 400
    assert "\x07" not in message
    assert elsewhere.seen == []
