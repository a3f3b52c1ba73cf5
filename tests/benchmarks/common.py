"""Shared pieces of the benchmarks: synthetic reports, queued profiles, percentiles, children.

Profiles here are protected by a passphrase (the key comes from it, tokens live in the store),
so a profile folder with a full outbox can be made once and copied for each sync run, and no
keyring is needed.
"""

import json
import os
import random
import shutil
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from shapely.geometry import Point
from shapely.prepared import prep

from wardapp.client.profile import Profile
from wardapp.core.taxonomy import default_taxonomy
from wardapp.core.wards import default_ward_set

PASSPHRASE = "benchmark profile passphrase"
UNUSED_SERVER = "http://127.0.0.1:9"
ROOT = Path(__file__).resolve().parents[2]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation), as the summary benchmark always did."""
    ordered = sorted(values)
    return ordered[int(fraction * (len(ordered) - 1))]


def synthetic_reports(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Valid reports as the form saves them: inside the real wards, in the last two years."""
    rng = random.Random(seed)
    shapes = [(w.geometry.bounds, prep(w.geometry)) for w in default_ward_set().wards]
    codes = [c.code for c in default_taxonomy().categories if not c.sensitive]
    today = date.today()
    captured = datetime.now(UTC).isoformat()
    reports = []
    for _ in range(count):
        (west, south, east, north), inside = rng.choice(shapes)
        while True:  # a point spread over the ward, not one per ward: clustering is real
            point = Point(rng.uniform(west, east), rng.uniform(south, north))
            if inside.contains(point):
                break
        reports.append(
            {
                "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "category": rng.choice(codes),
                "occurred_on": (today - timedelta(days=rng.randrange(1, 700))).isoformat(),
                "time_band": rng.choice(["morning", "afternoon", "evening", "night"]),
                "lat": round(point.y, 6),
                "lon": round(point.x, 6),
                "observed_by": "councillor",
                "description": "Group shouting outside the shops most nights",
                "captured_at": captured,
            }
        )
    return reports


def open_profile(folder: Path, server_url: str = UNUSED_SERVER) -> Profile:
    return Profile.open(folder, server_url, passphrase=PASSPHRASE)


def queued_profile(folder: Path, count: int, seed: int = 7) -> float:
    """A profile with ``count`` reports waiting in its outbox; returns the seconds it took."""
    started = time.perf_counter()
    profile = open_profile(folder)
    # Setup, not measurement: without an fsync per save, 20,000 reports take seconds.
    profile.store._db.execute("PRAGMA synchronous = OFF")
    try:
        for report in synthetic_reports(count, seed):
            profile.save_report(report)
    finally:
        profile.close()
    return time.perf_counter() - started


def copy_profile(source: Path, target: Path) -> Path:
    """A copy of a closed profile folder (its WAL checkpointed on close)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.lock"))
    return target


def rss_mb(pid: int) -> float:
    """Resident set size of one process, from /proc (Linux)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def run_child(module: str, args: list[str], timeout_s: float) -> dict[str, Any]:
    """Runs ``python -m tests.benchmarks.MODULE ARGS`` on its own; its last line is JSON.

    Qt and Chromium get a process each, so one measurement's caches and threads do not
    colour the next. A child that fails fails the run, with its output.
    """
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    done = subprocess.run(
        [sys.executable, "-m", f"tests.benchmarks.{module}", *args],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        cwd=ROOT,
        env=env,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"benchmark {module} failed (exit {done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    result: dict[str, Any] = json.loads(lines[-1])
    return result
