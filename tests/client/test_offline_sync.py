"""Working offline, then syncing: nothing lost, nothing twice, the user told in plain words.

Every test runs the real AIM store (its own command line, in a child process) and the real
engine with its encrypted store and a file keyring.
"""

import json
import time
from pathlib import Path

import pytest

from tests.client.conftest import wire_report
from tests.support.live_store import COUNCILLOR, PASSWORD, LiveStore
from wardapp.client.errors import SignInFailed
from wardapp.client.profile import Profile
from wardapp.client.sync import SyncEngine


def test_signing_in_needs_the_server_but_saving_does_not(
    live_store: LiveStore, profile_env: dict[str, str], tmp_path: Path
) -> None:
    live_store.stop()
    profile = Profile.open(tmp_path / "profile", live_store.url)
    try:
        with pytest.raises(SignInFailed, match="could not be reached"):
            profile.sign_in(COUNCILLOR, PASSWORD)
        assert profile.user() is None
        profile.save_report(wire_report(profile))
        result = profile.sync_once()
        assert result.signed_out
        assert result.error is not None and "Sign in" in result.error
        assert profile.pending_count() == 1
    finally:
        profile.close()


def test_two_hundred_reports_saved_offline_arrive_in_one_sync(
    live_store: LiveStore, signed_in_profile: Profile
) -> None:
    profile = signed_in_profile
    live_store.stop()
    saved = {profile.save_report(wire_report(profile, i % 5)) for i in range(200)}
    assert profile.pending_count() == 200

    offline = profile.sync_once()
    assert not offline.ok
    assert offline.error is not None
    assert "could not be reached" in offline.error
    assert "kept" in offline.error
    assert offline.offline
    assert offline.pending == 200
    assert offline.sent == 0
    assert profile.pending_count() == 200
    assert {r.sync_state for r in profile.my_reports()} == {"pending"}

    live_store.start()
    started = time.perf_counter()
    online = profile.sync_once()
    elapsed = time.perf_counter() - started
    print(f"\nsync of 200 reports: {elapsed:.2f} s ({200 / elapsed:.0f} reports/s)")
    assert online.ok, online.error
    assert online.sent == 200
    assert online.pending == 0
    assert profile.pending_count() == 0
    assert set(live_store.report_ids()) == saved
    assert sorted(live_store.analyst_report_ids()) == sorted(saved)
    mine = profile.my_reports()
    assert {r.sync_state for r in mine} == {"sent"}
    assert {r.server_status for r in mine} == {"received"}

    again = profile.sync_once()
    assert again.ok
    assert (again.sent, again.duplicates, again.pending) == (0, 0, 0)
    assert live_store.count() == 200


def test_signing_out_keeps_unsent_reports_for_the_next_sign_in(
    live_store: LiveStore, signed_in_profile: Profile
) -> None:
    profile = signed_in_profile
    saved = {profile.save_report(wire_report(profile)) for _ in range(5)}
    profile.sign_out()
    assert profile.user() is None
    assert profile.pending_count() == 5

    result = profile.sync_once()
    assert result.signed_out
    assert result.error is not None and "kept" in result.error
    assert profile.pending_count() == 5
    assert live_store.count() == 0

    profile.sign_in(COUNCILLOR, PASSWORD)
    result = profile.sync_once()
    assert result.ok, result.error
    assert result.sent == 5
    assert profile.pending_count() == 0
    assert set(live_store.report_ids()) == saved


def test_a_report_the_server_refuses_is_shown_with_its_reason_and_can_be_corrected(
    live_store: LiveStore, signed_in_profile: Profile, tmp_path: Path
) -> None:
    """The partnership loads new boundaries without ward 0 while the laptop is offline."""
    profile = signed_in_profile
    outside = profile.save_report(wire_report(profile, 0))
    inside = profile.save_report(wire_report(profile, 1))
    smaller = profile.ward_set().to_geojson()
    dropped = smaller["features"].pop(0)["properties"]["code"]
    boundaries = tmp_path / "boundaries.geojson"
    boundaries.write_text(json.dumps(smaller))
    live_store.cli("wards", "load", str(boundaries), "--name", "boundary-review")

    result = profile.sync_once()
    assert result.ok, result.error
    assert (result.sent, result.rejected) == (1, 1)
    assert profile.pending_count() == 0
    refused = profile.report(outside)
    assert refused is not None
    assert refused.sync_state == "rejected"
    assert refused.problem is not None and "outside every ward" in refused.problem
    assert "lat" in refused.problem_fields
    assert live_store.report_ids() == [inside]
    assert profile.ward_set().get(dropped) is None  # the new boundaries came with the sync

    point = profile.ward_set().wards[0].geometry.representative_point()
    profile.save_report({**refused.report, "lat": point.y, "lon": point.x})
    assert profile.pending_count() == 1
    result = profile.sync_once()
    assert result.ok, result.error
    assert result.sent == 1
    corrected = profile.report(outside)
    assert corrected is not None and corrected.sync_state == "sent"
    assert sorted(live_store.report_ids()) == sorted([outside, inside])
    assert (outside, 1) in live_store.version_rows()


def test_an_expired_access_token_is_refreshed_during_sync(
    live_store: LiveStore, signed_in_profile: Profile
) -> None:
    profile = signed_in_profile
    saved = {profile.save_report(wire_report(profile)) for _ in range(3)}
    vault = profile.auth.vault
    tokens = vault.tokens()
    assert tokens is not None
    vault.save_tokens({**tokens, "expires_at": time.time() - 3600})

    result = profile.sync_once()
    assert result.ok, result.error
    assert result.sent == 3
    assert set(live_store.report_ids()) == saved
    renewed = vault.tokens()
    assert renewed is not None
    assert renewed["refresh_token"] != tokens["refresh_token"]
    assert renewed["expires_at"] > time.time()
    assert profile.user() == tokens["user"]


def test_a_revoked_device_is_signed_out_and_keeps_its_reports(
    live_store: LiveStore, signed_in_profile: Profile
) -> None:
    profile = signed_in_profile
    profile.save_report(wire_report(profile))
    assert profile.sync_once().sent == 1
    live_store.cli("user", "disable", "--username", COUNCILLOR)
    kept = {profile.save_report(wire_report(profile)) for _ in range(2)}

    result = profile.sync_once()
    assert result.signed_out
    assert result.error is not None
    assert "sign in again" in result.error.lower()
    assert "kept" in result.error
    assert result.pending == 2
    assert profile.user() is None
    assert {r.id for r in profile.my_reports() if r.sync_state == "pending"} == kept
    assert live_store.count() == 1


def test_revocation_between_batches_stops_the_sync_and_keeps_the_rest(
    live_store: LiveStore, signed_in_profile: Profile
) -> None:
    profile = signed_in_profile
    for _ in range(30):
        profile.save_report(wire_report(profile))

    class DisableAfterFirstBatch:
        def sync_progress(self, done: int, total: int) -> None:
            if done == 10:
                live_store.cli("user", "disable", "--username", COUNCILLOR)

    engine = SyncEngine(profile.store, profile.api, profile.auth, batch_size=10)
    result = engine.run(DisableAfterFirstBatch())
    assert result.signed_out
    assert result.sent == 10
    assert result.pending == 20
    assert profile.pending_count() == 20
    assert live_store.count() == 10
    states = [r.sync_state for r in profile.my_reports()]
    assert (states.count("sent"), states.count("pending")) == (10, 20)


def test_a_sync_token_the_store_no_longer_reads_starts_the_pull_again(
    live_store: LiveStore, signed_in_profile: Profile
) -> None:
    """After the store is upgraded (older, readable tokens) or its key changes, the app
    pulls everything again instead of being refused at every sync."""
    profile = signed_in_profile
    saved = profile.save_report(wire_report(profile))
    assert profile.sync_once().ok
    with profile.store.transaction() as db:
        profile.store.set_meta(db, "sync_token", "djE6MTIz")  # "v1:123", as tokens once were
    result = profile.sync_once()
    assert result.ok, result.error
    assert result.pulled >= 1 and saved in live_store.report_ids()
    assert profile.store.get_meta("sync_token") != "djE6MTIz"
    assert profile.sync_once().pulled == 0  # and from then on, only what changed
