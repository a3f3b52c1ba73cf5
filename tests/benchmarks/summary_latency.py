"""Ward summary latency over HTTP with many reports in PostgreSQL.

    python -m tests.benchmarks.summary_latency --reports 100000 1000000

Starts its own PostgreSQL cluster and a real AIM store process, fills the store with
synthetic reports on the real wards (bulk SQL, then the store's own aggregate rebuild),
and times ward summaries: the first request of a period (which publishes it, with the months
of its trend, each audited against what was published before) and repeated requests
(published tables, kept in memory). Prints a table; returns figures.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.benchmarks.common import percentile
from tests.support.live_store import AIMSTORE, free_port, stop_process, wait_until_healthy
from tests.support.postgres import PostgresCluster, find_bindir
from wardapp.aimstore import aggregates
from wardapp.aimstore.accounts import add_user
from wardapp.aimstore.db import make_engine
from wardapp.aimstore.migrate import migrate
from wardapp.aimstore.wardsets import ActiveWards
from wardapp.core.taxonomy import default_taxonomy

PASSWORD = "benchmark passphrase"
REPORTERS = 60
POINTS = 4000
PERIODS = ["2026-10", "2026-Q3", "2025", "2025-06"]


def fill(url: str, count: int, seed: int = 1) -> dict[str, float]:
    """``count`` reports from 2023 to October 2026, then the aggregates counted afresh."""
    engine = make_engine(url)
    rng = random.Random(seed)
    with Session(engine) as session, session.begin():
        boundary_set_id, wards = ActiveWards().get(session)
        users = [
            add_user(session, f"bench{i}", "councillor", PASSWORD, []).id for i in range(REPORTERS)
        ]
        points = []
        for _ in range(POINTS):
            ward = rng.choice(wards.wards)
            west, south, east, north = ward.geometry.bounds
            while True:  # a random point inside the ward, so every report has its ward
                lon, lat = rng.uniform(west, east), rng.uniform(south, north)
                if wards.locate(lat, lon) is ward:
                    break
            points.append({"lat": lat, "lon": lon, "ward": ward.code})
        session.execute(
            text("CREATE TEMP TABLE bench_points (n int, lat float, lon float, ward text)")
        )
        session.execute(
            text("INSERT INTO bench_points VALUES (:n, :lat, :lon, :ward)"),
            [dict(p, n=i) for i, p in enumerate(points)],
        )
        codes = [c.code for c in default_taxonomy().categories]
        started = time.perf_counter()
        session.execute(
            text(
                """
                INSERT INTO reports (id, version, author_id, source, category, occurred_on,
                    occurred_time, time_band, lat, lon, accuracy_m, observed_by, description,
                    repeat_issue, resident_contact, captured_at, withdrawn, ward_code,
                    boundary_set_id, status, status_note, server_received_at, updated_at,
                    change_seq, content_hash)
                SELECT gen_random_uuid()::text, 1,
                    (CAST(:users AS int[]))[1 + (g % :nusers)], 'wardapp',
                    (CAST(:codes AS text[]))[1 + floor(random() * :ncodes)::int],
                    date '2023-01-01' + floor(random() * 1399)::int, NULL, 'evening',
                    p.lat, p.lon, NULL, 'resident', '', false, NULL, now(), false, p.ward,
                    :bs, 'received', NULL, now(), now(), 1, 'benchmark'
                FROM generate_series(1, :count) AS g
                JOIN bench_points p ON p.n = (g::bigint * 7919) % :npoints
                """
            ),
            {
                "users": users,
                "nusers": len(users),
                "codes": codes,
                "ncodes": len(codes),
                "bs": boundary_set_id,
                "count": count,
                "npoints": len(points),
            },
        )
        inserted = time.perf_counter() - started
        started = time.perf_counter()
        aggregates.rebuild(session)
        rebuilt = time.perf_counter() - started
    engine.dispose()
    settle(url)
    return {"insert_s": inserted, "aggregate_rebuild_s": rebuilt}


def settle(url: str) -> None:
    """After a bulk load, what an administrator does and a live store has long since done:
    statistics brought up to date, dead rows cleared and the load's writes checkpointed, so
    the measurements that follow do not share the disk with the aftermath of the setup."""
    engine = make_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
        connection.execute(text("CHECKPOINT"))
    engine.dispose()


def measure(base: str, repeats: int) -> dict[str, float]:
    http = requests.Session()
    token = http.post(
        f"{base}/v1/auth/token",
        json={"username": "bench0", "password": PASSWORD, "device_name": "benchmark"},
        timeout=60,
    ).json()["access_token"]
    http.headers["Authorization"] = f"Bearer {token}"
    wards = [
        f["properties"]["code"] for f in http.get(f"{base}/v1/wards", timeout=60).json()["features"]
    ]
    first: list[float] = []
    for period in PERIODS:  # each the first request of its year, or of its year's tables
        started = time.perf_counter()
        answer = http.get(
            f"{base}/v1/summaries/wards/{wards[0]}", params={"period": period}, timeout=120
        )
        first.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    times: list[float] = []
    rng = random.Random(2)
    for _ in range(repeats):
        url = f"{base}/v1/summaries/wards/{rng.choice(wards)}"
        started = time.perf_counter()
        answer = http.get(url, params={"period": rng.choice(PERIODS)}, timeout=60)
        times.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    times.sort()
    return {
        "first_of_year_ms_max": max(first),
        "summary_ms_p50": statistics.median(times),
        "summary_ms_p95": percentile(times, 0.95),
    }


@contextmanager
def serving(url: str, workers: int = 1) -> Iterator[str]:
    """A real ``wardapp-aimstore serve`` on ``url``'s database; yields its base address."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="wardapp-bench-"))
    log = folder / "server.log"
    env = {**os.environ, "WARDAPP_AIMSTORE_DATABASE_URL": url}
    command = [AIMSTORE, "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as out:
        server = subprocess.Popen(
            [*command, "--workers", str(workers)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", server, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(server)
        shutil.rmtree(folder, ignore_errors=True)


def run(
    counts: list[int],
    repeats: int = 300,
    during: Callable[[str, str, int], dict[str, float]] | None = None,
) -> dict[int, dict[str, float]]:
    """Summary figures per size; ``during(base_url, database_url, count)`` adds more."""
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed (Debian: apt-get install postgresql).")
    cluster = PostgresCluster(bindir, durable=True)  # as in production: commits reach the disk
    cluster.start()
    results: dict[int, dict[str, float]] = {}
    try:
        for count in counts:
            url = cluster.create_database(f"bench_{count}")
            migrate(make_engine(url))
            figures = fill(url, count)
            with serving(url) as base:
                figures.update(measure(base, repeats))
                if during is not None:
                    figures.update(during(base, url, count))
            results[count] = figures
            print(f"{count:>9} reports: " + ", ".join(f"{k} {v:.1f}" for k, v in figures.items()))
            sys.stdout.flush()
    finally:
        cluster.stop()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args(argv)
    results: dict[int, dict[str, Any]] = run(args.reports, args.repeats)
    print("reports     first-of-year ms   p50 ms   p95 ms   rebuild s")
    for count, f in results.items():
        print(
            f"{count:>9}   {f['first_of_year_ms_max']:>14.0f}   {f['summary_ms_p50']:>6.1f}"
            f"   {f['summary_ms_p95']:>6.1f}   {f['aggregate_rebuild_s']:>8.1f}"
        )


if __name__ == "__main__":
    main()
