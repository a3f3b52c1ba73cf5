"""First use: the sign-in dialog makes the profile for the server it names, off the UI thread."""

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.support.live_store import COUNCILLOR, PASSWORD, LiveStore
from wardapp.client.profile import Profile
from wardapp.ui.launch import FirstSignIn

SIGN_IN_TIMEOUT_MS = 30_000


def test_first_sign_in_makes_the_profile_and_keeps_no_password(
    qtbot: QtBot, live_store: LiveStore, profile_env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "profile"
    first = FirstSignIn(folder, passphrase=None)
    with qtbot.waitSignal(first.succeeded, timeout=SIGN_IN_TIMEOUT_MS) as signed_in:
        first.attempt(live_store.url, COUNCILLOR, PASSWORD)
    profile: Profile = signed_in.args[0]
    try:
        assert profile.user() is not None
        assert profile.user()["username"] == COUNCILLOR  # type: ignore[index]
        assert profile.settings["server_url"] == live_store.url
    finally:
        profile.close()
    stored = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert PASSWORD.encode() not in stored


def test_a_wrong_password_is_said_in_plain_words(
    qtbot: QtBot, live_store: LiveStore, profile_env: dict[str, str], tmp_path: Path
) -> None:
    first = FirstSignIn(tmp_path / "profile", passphrase=None)
    with qtbot.waitSignal(first.failed, timeout=SIGN_IN_TIMEOUT_MS) as failed:
        first.attempt(live_store.url, COUNCILLOR, "not the password")
    message = failed.args[0]
    assert "password" in message.lower()
    assert "Traceback" not in message
    # Nothing is kept of a failed first attempt: a mistyped address can be typed again.
    qtbot.waitUntil(lambda: not (tmp_path / "profile").exists(), timeout=5000)


def test_an_unsafe_server_address_is_refused_before_any_request(
    qtbot: QtBot, profile_env: dict[str, str], tmp_path: Path
) -> None:
    first = FirstSignIn(tmp_path / "profile", passphrase=None)
    with qtbot.waitSignal(first.failed, timeout=SIGN_IN_TIMEOUT_MS) as failed:
        first.attempt("http://aim.example.org", COUNCILLOR, PASSWORD)
    assert "https" in failed.args[0]
