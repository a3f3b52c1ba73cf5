"""`wardapp sign-in`, `status`, `sync` and `sign-out`, run as a person would in a terminal."""

import subprocess
import sys
from pathlib import Path

from tests.client.conftest import wire_report
from tests.support.live_store import COUNCILLOR, PASSWORD, LiveStore
from wardapp.client.profile import Profile

WARDAPP = str(Path(sys.executable).parent / "wardapp")


def wardapp(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [WARDAPP, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120
    )


def test_sign_in_save_sync_status_and_sign_out_from_the_terminal(
    live_store: LiveStore, profile_env: dict[str, str], tmp_path: Path
) -> None:
    folder = str(tmp_path / "profile")
    wrong = wardapp(
        profile_env, "sign-in", "--profile", folder, "--server", live_store.url,
        "--username", COUNCILLOR, stdin="not the password\n",
    )  # fmt: skip
    assert wrong.returncode == 1
    assert "username or password is not right" in wrong.stderr
    assert "Traceback" not in wrong.stderr

    signed = wardapp(
        profile_env, "sign-in", "--profile", folder, "--username", COUNCILLOR,
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    assert f"signed in as {COUNCILLOR}" in signed.stdout

    profile = Profile.open(folder)
    profile.save_report(wire_report(profile))
    profile.close()

    status = wardapp(profile_env, "status", "--profile", folder)
    assert "waiting to send: 1" in status.stdout
    synced = wardapp(profile_env, "sync", "--profile", folder)
    assert synced.returncode == 0, synced.stderr
    assert "sent 1," in synced.stdout and "still to send 0" in synced.stdout
    assert live_store.count() == 1

    out = wardapp(profile_env, "sign-out", "--profile", folder)
    assert out.returncode == 0 and "signed out" in out.stdout
    after = wardapp(profile_env, "status", "--profile", folder)
    assert "signed in as: nobody" in after.stdout


def test_status_of_a_folder_without_a_profile_says_what_to_do(
    profile_env: dict[str, str], tmp_path: Path
) -> None:
    done = wardapp(profile_env, "status", "--profile", str(tmp_path / "none"))
    assert done.returncode == 1
    assert "give the AIM store's address" in done.stderr
    assert not (tmp_path / "none").exists()
