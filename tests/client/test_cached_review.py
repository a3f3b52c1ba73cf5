"""What a ward member reviews offline: statuses, notes and actions cached at the last sync."""

from datetime import date, timedelta
from pathlib import Path

import requests

from tests.client.conftest import wire_report
from tests.support.live_store import ANALYST, COUNCILLOR, PASSWORD, LiveStore
from wardapp.client.profile import Profile

WARD = "E05009855"  # Berwick Hills & Pallister


def analyst_headers(url: str) -> dict[str, str]:
    token = requests.post(
        f"{url}/v1/auth/token",
        json={"username": ANALYST, "password": PASSWORD, "device_name": "hub"},
        timeout=30,
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_actions_status_and_notes_stay_readable_with_the_server_gone(
    live_store: LiveStore, profile_env: dict[str, str], tmp_path: Path
) -> None:
    live_store.cli("user", "set-wards", "--username", COUNCILLOR, "--ward", WARD)
    headers = analyst_headers(live_store.url)
    action = {
        "wards": [WARD],
        "title": "Joint patrols on Pallister Park",
        "lead_agency": "Cleveland Police",
        "due_on": (date.today() + timedelta(days=30)).isoformat(),
        "progress": "on_track",
        "note": "First patrols done; bikes seized",
    }
    created = requests.post(
        f"{live_store.url}/v1/actions", json=action, headers=headers, timeout=30
    )
    assert created.status_code == 201, created.text

    profile = Profile.open(tmp_path / "profile", live_store.url)
    try:
        profile.sign_in(COUNCILLOR, PASSWORD)
        report_id = profile.save_report(wire_report(profile))
        assert profile.sync_once().ok
        triaged = requests.patch(
            f"{live_store.url}/v1/reports/{report_id}",
            json={"status": "assessed", "status_note": "Passed to the neighbourhood team"},
            headers=headers,
            timeout=30,
        )
        assert triaged.status_code == 200, triaged.text
        assert profile.sync_once().ok
        live_store.stop()

        actions = profile.ward_actions(WARD)
        assert actions is not None
        assert [a.title for a in actions.items] == ["Joint patrols on Pallister Park"]
        assert actions.items[0].progress == "on_track"
        mine = profile.report(report_id)
        assert mine is not None
        assert (mine.server_status, mine.status_note) == (
            "assessed",
            "Passed to the neighbourhood team",
        )
        assert profile.ward_actions("E05009866") is None  # not one of this councillor's wards
    finally:
        profile.close()
