"""A real store process: an import goes on after the uploader hangs up, and is read back."""

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.live_store import ANALYST, PASSWORD, LiveStore
from tests.support.police_files import generated
from wardapp.core.wards import WardSet


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LiveStore]:
    live = LiveStore(tmp_path / "live")
    live.folder.mkdir()
    live.cli("migrate")
    live.add_user(ANALYST, "analyst")
    live.start()
    yield live
    live.stop()


def test_an_import_finishes_after_the_uploader_hangs_up(
    store: LiveStore, wards: WardSet, tmp_path: Path
) -> None:
    token = requests.post(
        store.url + "/v1/auth/token",
        json={"username": ANALYST, "password": PASSWORD, "device_name": "tests"},
        timeout=30,
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    path = generated(tmp_path / "2026-09-cleveland-street.csv", wards, 10_000)
    upload = requests.Request(
        "POST",
        store.url + "/v1/imports",
        files={"file": (path.name, path.read_bytes(), "text/csv")},
        data={"format": "police-uk"},
        headers=auth,
    ).prepare()
    head = f"POST /v1/imports HTTP/1.1\r\nHost: 127.0.0.1:{store.port}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in upload.headers.items()
    )
    assert isinstance(upload.body, bytes)
    with socket.create_connection(("127.0.0.1", store.port), timeout=30) as uploader:
        uploader.sendall(head.encode() + b"\r\n" + upload.body)
        first = uploader.recv(200)  # the 202 arrives; the uploader hangs up at once
    assert first.startswith(b"HTTP/1.1 202"), first
    deadline, state = time.monotonic() + 120, {}
    while time.monotonic() < deadline:
        state = requests.get(store.url + "/v1/imports/1", headers=auth, timeout=30).json()
        if state["status"] != "running":
            break
        time.sleep(0.2)
    assert (state["status"], state["rows"], state["created"]) == ("done", 10_000, 10_000)
    assert store.count() == 10_000
