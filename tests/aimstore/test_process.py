"""The real `wardapp-aimstore serve` process over real HTTP, as a deployment runs it."""

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import httpx2
import pytest

from tests.conftest import ReportMaker
from tests.support.live_store import ANALYST, COUNCILLOR, PASSWORD, LiveStore

# Starting interpreters for migrate, user add and serve takes several seconds by itself.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveStore]:
    """migrate, user add (password on stdin) and serve, exactly as an administrator would."""
    store = LiveStore(tmp_path_factory.mktemp("served"))
    store.cli("migrate")
    store.add_user(COUNCILLOR, "councillor")
    store.add_user(ANALYST, "analyst")
    store.start()
    yield store
    store.stop()


@contextmanager
def signed_in(server: LiveStore, username: str, device: str = "laptop") -> Iterator[httpx2.Client]:
    """A client of its own (own connection pool), signed in as a new device."""
    with httpx2.Client(base_url=server.url, timeout=120) as client:
        response = client.post(
            "/v1/auth/token",
            json={"username": username, "password": PASSWORD, "device_name": device},
        )
        assert response.status_code == 200, response.text
        client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        yield client


def upload(client: httpx2.Client, reports: list[dict[str, Any]]) -> list[str]:
    response = client.post("/v1/reports/batch", json={"reports": reports})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["id"] for r in results] == [r["id"] for r in reports]
    return [r["status"] for r in results]


def stored_ids(server: LiveStore) -> Counter[str]:
    """Every report id the analyst can list, with how often it appears."""
    return Counter(server.analyst_report_ids())


def batch(make_report: ReportMaker, size: int) -> list[dict[str, Any]]:
    return [make_report(id=str(uuid.uuid4())) for _ in range(size)]


def test_sign_in_upload_and_read_back_over_http(
    server: LiveStore, make_report: ReportMaker
) -> None:
    health = httpx2.get(f"{server.url}/healthz").json()
    assert health["status"] == "ok" and health["database"] == "ok"
    reports = batch(make_report, 3)

    with signed_in(server, COUNCILLOR) as client:
        assert upload(client, reports) == ["created"] * 3
        mine = client.get("/v1/reports/mine").json()["items"]

    by_id = {r["id"]: r for r in mine}
    for report in reports:
        assert by_id[report["id"]]["status"] == "received"
        assert by_id[report["id"]]["description"] == report["description"]
        assert by_id[report["id"]]["ward_code"].startswith("E050098")


def test_same_batch_sent_three_times_is_stored_once(
    server: LiveStore, make_report: ReportMaker
) -> None:
    reports = batch(make_report, 50)

    with signed_in(server, COUNCILLOR) as client:
        rounds = [upload(client, reports) for _ in range(3)]

    assert rounds[0] == ["created"] * 50
    assert rounds[1] == rounds[2] == ["duplicate"] * 50
    stored = stored_ids(server)
    assert all(stored[r["id"]] == 1 for r in reports)


def test_same_batch_sent_concurrently_is_stored_once(
    server: LiveStore, make_report: ReportMaker
) -> None:
    """Four devices retrying the same batch at once, each with its own connection."""
    reports = batch(make_report, 50)

    def send(device: int) -> list[str]:
        with signed_in(server, COUNCILLOR, f"device {device}") as client:
            return upload(client, reports)

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(send, range(4)))

    assert all(status in ("created", "duplicate") for statuses in outcomes for status in statuses)
    created_per_report = Counter(
        report["id"]
        for statuses in outcomes
        for report, status in zip(reports, statuses, strict=True)
        if status == "created"
    )
    assert all(created_per_report[r["id"]] == 1 for r in reports)
    stored = stored_ids(server)
    assert all(stored[r["id"]] == 1 for r in reports)


def test_batch_of_500_over_http(server: LiveStore, make_report: ReportMaker) -> None:
    """Prints the time of one full batch; run with -s to see it. Timing is never asserted."""
    reports = batch(make_report, 500)
    with signed_in(server, COUNCILLOR) as client:
        started = time.perf_counter()
        statuses = upload(client, reports)
        elapsed_ms = (time.perf_counter() - started) * 1000
        again = time.perf_counter()
        resent = upload(client, reports)
        resent_ms = (time.perf_counter() - again) * 1000
    print(
        f"\nbatch of 500 on SQLite: {elapsed_ms:.0f} ms (resent as duplicates: {resent_ms:.0f} ms)"
    )
    assert statuses == ["created"] * 500
    assert resent == ["duplicate"] * 500
