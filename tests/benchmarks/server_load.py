"""Many councillors at once: concurrent clients syncing small batches and reading summaries.

Each client is a thread with its own connection, signed in before the clock starts, that
alternates a batch upload of fresh reports with a ward summary read, one request every
``PACE_S`` seconds (from a random start): a far busier app than a real one, which syncs every
few minutes. Latency counts from when a request was due, not when it was sent, so a store
that falls behind is charged for the wait too. Any answer that is not 2xx, or any failed
request, is an error. The first ``WARM_UP_S`` seconds are not counted: the first read of a
period publishes it (and audits it), and each worker process reads published tables into
memory once after it starts.
"""

import random
import threading
import time
from typing import Any

import requests

from tests.benchmarks.common import percentile, synthetic_reports

BATCH = 5
PACE_S = 1.0
WARM_UP_S = 8.0
PERIODS = ["2026-10", "2026-Q3", "2025", "2025-06"]


def _client(
    base: str,
    token: str,
    wards: list[str],
    seed: int,
    reports: list[dict[str, Any]],
    stop: threading.Event,
    counted_from: float,
    latencies: list[float],
    errors: list[str],
) -> None:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    rng = random.Random(seed)
    sent = 0
    due = time.perf_counter() + rng.uniform(0, PACE_S)
    upload = rng.random() < 0.5
    while not stop.is_set():
        wait = due - time.perf_counter()
        if wait > 0 and stop.wait(wait):
            break
        try:
            if upload:
                batch = reports[sent : sent + BATCH]
                sent = (sent + BATCH) % (len(reports) - BATCH)
                answer = http.post(f"{base}/v1/reports/batch", json={"reports": batch}, timeout=30)
            else:
                answer = http.get(
                    f"{base}/v1/summaries/wards/{rng.choice(wards)}",
                    params={"period": rng.choice(PERIODS)},
                    timeout=30,
                )
            failed = answer.status_code >= 300
            failure = f"{answer.status_code} {answer.text[:200]}" if failed else ""
        except requests.RequestException as exc:
            failure = repr(exc)
        if due >= counted_from:
            if failure:
                errors.append(failure)
            # A request that failed or timed out kept its client waiting all the same.
            latencies.append((time.perf_counter() - due) * 1000)
        due += PACE_S
        upload = not upload
    http.close()


def load(
    base: str, users: list[str], password: str, seconds: float, clients: int
) -> dict[str, Any]:
    """``clients`` clients for ``seconds``, sharing the accounts ``users`` in turn (signing
    in is deliberately slow, argon2); p95 latency over every request, and errors."""
    tokens = []
    for username in users:
        answer = requests.post(
            f"{base}/v1/auth/token",
            json={"username": username, "password": password, "device_name": "load"},
            timeout=60,
        )
        answer.raise_for_status()
        tokens.append(answer.json()["access_token"])
    wards = [
        f["properties"]["code"]
        for f in requests.get(
            f"{base}/v1/wards", headers={"Authorization": f"Bearer {tokens[0]}"}, timeout=60
        ).json()["features"]
    ]
    everyone = synthetic_reports(400 * clients, seed=99)  # made before the clock starts
    reports = [everyone[i * 400 : (i + 1) * 400] for i in range(clients)]
    stop = threading.Event()
    latencies: list[float] = []
    errors: list[str] = []
    counted_from = time.perf_counter() + WARM_UP_S
    threads = [
        threading.Thread(
            target=_client,
            args=(base, token, wards, i, reports[i], stop, counted_from, latencies, errors),
        )
        for i, token in enumerate(tokens[i % len(tokens)] for i in range(clients))
    ]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, counted_from - time.perf_counter()))
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(120)
    elapsed = time.perf_counter() - started
    if not latencies:
        raise RuntimeError("no request was made under load")
    return {
        "server_p95_ms_50_clients": percentile(latencies, 0.95),
        "server_p50_ms_50_clients": percentile(latencies, 0.5),
        "server_errors_50_clients": float(len(errors)),
        "server_requests_per_s_50_clients": len(latencies) / elapsed,
        "server_load_clients": float(clients),
        "server_load_seconds": seconds,
        "first_errors": errors[:3],
    }
