"""A passphrase too short to protect a new profile is refused, and the app says what to fix."""

import json
import uuid
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from wardapp.client.keys import MIN_PASSPHRASE_CHARS
from wardapp.client.profile import Profile
from wardapp.ui import launch
from wardapp.ui.launch import FirstSignIn, open_profile

URL = "http://127.0.0.1:9"
ADVICE = f"at least {MIN_PASSPHRASE_CHARS} characters"


def test_first_sign_in_with_a_short_passphrase_says_what_to_fix(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """WARDAPP_PROFILE_PASSPHRASE too short: the sign-in dialog shows why, nothing is made."""
    folder = tmp_path / "profile"
    first = FirstSignIn(folder, passphrase="short")
    with qtbot.waitSignal(first.failed, timeout=10_000) as failed:
        first.attempt(URL, "councillor", "a password")
    assert ADVICE in failed.args[0]
    qtbot.waitUntil(lambda: not folder.exists(), timeout=5000)


def test_the_passphrase_prompt_repeats_the_advice(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A profile whose making stopped before its key was made asks for a new passphrase."""
    folder = tmp_path / "profile"
    folder.mkdir()
    settings = {"profile_id": str(uuid.uuid4()), "key_source": "passphrase", "server_url": URL}
    (folder / "profile.json").write_text(json.dumps(settings))
    typed = iter(["short", "a long enough passphrase"])
    prompts: list[str] = []

    def ask(prompt: str) -> str | None:  # what the person types in the dialog
        prompts.append(prompt)
        return next(typed)

    monkeypatch.setattr(launch, "_ask_passphrase", ask)
    profile = open_profile(folder, None)
    assert isinstance(profile, Profile)
    profile.close()
    assert len(prompts) == 2 and ADVICE in prompts[1]
