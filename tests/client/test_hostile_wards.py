"""A store that sends ward boundaries this app would refuse to draw does not break it.

The AIM store itself refuses a ward name with markup when it loads boundaries, so a real
store cannot send one: the answer is altered on its way here, as a hostile or broken store
would send it.
"""

import copy
from typing import Any

import pytest

from wardapp.client.profile import Profile


def test_hostile_ward_names_are_refused_and_the_last_good_wards_kept(
    signed_in_profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = signed_in_profile
    assert profile.sync_once().ok
    good = profile.cache.get("wards")
    real = profile.api.wards

    def hostile(token: str) -> dict[str, Any]:
        wards = copy.deepcopy(real(token))
        wards["features"][0]["properties"]["name"] = "<img src=x onerror=alert(1)>"
        return wards

    monkeypatch.setattr(profile.api, "wards", hostile)
    result = profile.sync_once()
    assert not result.ok
    assert "does not understand" in (result.error or "")
    assert profile.cache.get("wards") == good  # the map and the form keep working
    assert profile.ward_set().wards  # still readable
