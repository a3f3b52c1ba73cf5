"""Behind the proxy, the audit trail records the client's address, and only the proxy is believed.

Behind the shipped Docker Compose proxy every audit row once recorded the proxy's address.
Here a real store process trusts one "proxy" address (127.0.0.2, as compose.yaml trusts its
proxy network); requests come from it and from other loopback addresses.
"""

import http.client
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live_store import COUNCILLOR, PASSWORD, LiveStore
from wardapp.aimstore.settings import AimStoreSettings, SettingsError, load_settings

PROXY = "127.0.0.2"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStore]:
    live = LiveStore(tmp_path_factory.mktemp("forwarded"))
    live.env["WARDAPP_AIMSTORE_FORWARDED_ALLOW_IPS"] = PROXY
    live.cli("migrate")
    live.add_user(COUNCILLOR, "councillor")
    live.start()
    yield live
    live.stop()


def sign_in_from(store: LiveStore, source: str, forwarded_for: str) -> None:
    connection = http.client.HTTPConnection(
        "127.0.0.1", store.port, timeout=30, source_address=(source, 0)
    )
    body = {"username": COUNCILLOR, "password": PASSWORD, "device_name": f"from {source}"}
    connection.request(
        "POST",
        "/v1/auth/token",
        body=json.dumps(body),
        headers={"Content-Type": "application/json", "X-Forwarded-For": forwarded_for},
    )
    response = connection.getresponse()
    assert response.status == 200, response.read()
    connection.close()


def last_sign_in_address(store: LiveStore) -> str:
    with sqlite3.connect(store.db_path, timeout=30) as db:
        row = db.execute(
            "SELECT client FROM audit_log WHERE event = 'sign_in' ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return str(row[0])


def test_the_trusted_proxy_passes_on_the_client_address(store: LiveStore) -> None:
    sign_in_from(store, PROXY, "203.0.113.7")
    assert last_sign_in_address(store) == "203.0.113.7"


@pytest.mark.parametrize("source", ["127.0.0.3", "127.0.0.1"])
def test_a_forged_forwarded_address_from_anyone_else_is_ignored(
    store: LiveStore, source: str
) -> None:
    sign_in_from(store, source, "198.51.100.9")
    assert last_sign_in_address(store) == source


def test_by_default_only_this_machine_is_believed() -> None:
    assert AimStoreSettings().forwarded_allow_ips == "127.0.0.1,::1"


@pytest.mark.parametrize("value", ["*", "proxy", "10.0.0.0/33", "127.0.0.1, nonsense"])
def test_a_mistyped_proxy_address_is_refused_with_a_message(
    value: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WARDAPP_AIMSTORE_FORWARDED_ALLOW_IPS", value)
    with pytest.raises(SettingsError, match=r"FORWARDED_ALLOW_IPS.*not an IP address or network"):
        load_settings(str(_empty(tmp_path)))


def _empty(folder: Path) -> Path:
    path = folder / "aimstore.env"
    path.write_text("")
    return path
