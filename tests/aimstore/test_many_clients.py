"""Many councillors at once against a real store process: every one gets an answer.

More clients than the store has worker threads once made it stall until its database pool
timed out (30 s): a request holding the database waited for a free thread to finish its
answer while every thread waited for the database.
"""

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import ReportMaker
from tests.support.live_store import COUNCILLOR, PASSWORD, LiveStore

CLIENTS = 60  # FastAPI runs sync routes on 40 threads


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LiveStore]:
    live = LiveStore(tmp_path)
    live.cli("migrate")
    live.add_user(COUNCILLOR, "councillor")
    live.start()
    yield live
    live.stop()


def test_sixty_clients_syncing_and_reading_all_get_answers(
    store: LiveStore, make_report: ReportMaker
) -> None:
    token = requests.post(
        f"{store.url}/v1/auth/token",
        json={"username": COUNCILLOR, "password": PASSWORD, "device_name": "many"},
        timeout=60,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    batches = [[make_report() for _ in range(5)] for _ in range(CLIENTS * 2)]
    start = threading.Barrier(CLIENTS)
    failures: list[str] = []

    def client(i: int) -> None:
        http = requests.Session()
        http.headers.update(headers)
        start.wait()
        for batch in batches[2 * i : 2 * i + 2]:
            try:
                sent = http.post(
                    f"{store.url}/v1/reports/batch", json={"reports": batch}, timeout=25
                )
                read = http.get(
                    f"{store.url}/v1/summaries/overview", params={"period": "2025"}, timeout=25
                )
            except requests.RequestException as exc:
                failures.append(repr(exc))
                continue
            failures.extend(
                f"{r.status_code} {r.text[:200]}" for r in (sent, read) if r.status_code != 200
            )

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    stored: Any = set(store.report_ids())
    assert stored == {r["id"] for batch in batches for r in batch}
