"""`serve --workers 2` on PostgreSQL: several processes, one database, each report once.

Councillors' laptops retry: the same batch can reach two worker processes at the same
moment. Idempotency must hold across processes, not just threads of one.
"""

import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from tests.support.live_store import (
    AIMSTORE,
    COUNCILLOR,
    PASSWORD,
    free_port,
    stop_process,
    wait_until_healthy,
)

ReportMaker = Callable[..., dict[str, Any]]
CLIENTS = 6


def rows(url: str, query: str) -> int:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as db:
        row = db.execute(query).fetchone()
        assert row is not None
        return int(row[0])


@pytest.mark.slow
def test_same_batch_to_two_workers_at_once_stores_each_report_once(
    postgres_url: str, tmp_path: Path, make_report: ReportMaker
) -> None:
    # Settings only in a config file: the workers must read it too (not just the parent).
    config = tmp_path / "aimstore.conf"
    config.write_text(f"DATABASE_URL={postgres_url}\nACCESS_TOKEN_MINUTES=7\n")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run(
        [AIMSTORE, "--config", str(config), "user", "add", "--username", COUNCILLOR,
         "--role", "councillor"],
        input=PASSWORD + "\n", text=True, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [AIMSTORE, "--config", str(config), "serve", "--host", "127.0.0.1",
             "--port", str(port), "--workers", "2"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until_healthy(url, process, log)
        tokens = []
        for i in range(CLIENTS):
            response = requests.post(
                url + "/v1/auth/token",
                json={"username": COUNCILLOR, "password": PASSWORD, "device_name": f"pc {i}"},
                timeout=60,
            )
            assert response.status_code == 200, response.text
            assert response.json()["expires_in"] == 7 * 60  # the config file reached the worker
            tokens.append(response.json()["access_token"])

        batch = [make_report(description=f"bikes on the field, evening {i}") for i in range(200)]
        start = threading.Barrier(CLIENTS)
        answers: list[list[dict[str, Any]]] = [[] for _ in range(CLIENTS)]

        def send(i: int) -> None:
            session = requests.Session()  # own connection: the kernel spreads them over workers
            start.wait()
            response = session.post(
                url + "/v1/reports/batch",
                json={"reports": batch},
                headers={"Authorization": f"Bearer {tokens[i]}"},
                timeout=120,
            )
            assert response.status_code == 200, response.text
            answers[i] = response.json()["results"]

        threads = [threading.Thread(target=send, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(180)

        created: Counter[str] = Counter()
        for results in answers:
            assert [r["id"] for r in results] == [r["id"] for r in batch]
            assert {r["status"] for r in results} <= {"created", "duplicate"}, results
            created.update(r["id"] for r in results if r["status"] == "created")
        assert created == Counter({r["id"]: 1 for r in batch})
        assert rows(postgres_url, "SELECT count(*) FROM reports") == len(batch)
        assert rows(postgres_url, "SELECT count(*) FROM report_versions") == len(batch)

        # A batch of 500 on PostgreSQL, for the issue note (printed, never asserted).
        big = [make_report(description=f"fly-tipping in the lane {i}") for i in range(500)]
        began = time.perf_counter()
        response = requests.post(
            url + "/v1/reports/batch",
            json={"reports": big},
            headers={"Authorization": f"Bearer {tokens[0]}"},
            timeout=120,
        )
        took = time.perf_counter() - began
        assert {r["status"] for r in response.json()["results"]} == {"created"}
        print(f"\nbatch of 500 over HTTP on PostgreSQL, 2 workers: {took:.2f} s")
    finally:
        stop_process(process)
    assert log.read_text().count("Started server process") >= 2, log.read_text()[-3000:]
