"""What the Open311 tests share: a spec-only client on the test store, keys, form fields."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.open311_client import Open311Client
from wardapp.core.wards import WardSet

ENDPOINT = "/open311/v2"
Cli = Callable[..., tuple[int, str, str]]
KeyMaker = Callable[[str], str]
FormMaker = Callable[..., dict[str, str]]


@pytest.fixture
def open311(client: TestClient) -> Open311Client:
    return Open311Client(client, ENDPOINT)


@pytest.fixture
def make_key(cli: Cli) -> KeyMaker:
    """`wardapp-aimstore apikey add --name NAME`; returns the key from its last line."""

    def make(name: str) -> str:
        code, out, err = cli("apikey", "add", "--name", name)
        assert code == 0, err
        return out.strip().splitlines()[-1]

    return make


def point_in(wards: WardSet, index: int = 0) -> tuple[str, str]:
    """lat and long (as form text) of a point inside the ward ``index``."""
    point = wards.wards[index].geometry.representative_point()
    return f"{point.y:.6f}", f"{point.x:.6f}"


@pytest.fixture
def form(wards: WardSet) -> FormMaker:
    """A valid POST of a resident's report in the first ward, with these changes."""

    def make(api_key: str, **changes: Any) -> dict[str, str]:
        lat, lon = point_in(wards)
        fields = {
            "api_key": api_key,
            "service_code": "fly_tipping",
            "lat": lat,
            "long": lon,
            "description": "Mattresses dumped in the back lane",
            "email": "resident@example.org",
            "first_name": "Pat",
            "last_name": "Jones",
            "phone": "01642 000111",
        }
        fields.update({k: str(v) for k, v in changes.items() if v is not None})
        for name in [k for k, v in changes.items() if v is None]:
            fields.pop(name, None)
        return fields

    return make
