"""Durable local save: ``Profile.save_report`` against a bare SQLite insert and commit.

Both write the same row to the same disk, interleaved one after the other so that noise from
other processes falls on both alike. The bare insert uses WAL with ``synchronous=FULL``, the
durability the profile promises; the save adds validation, SQLCipher and the outbox.
"""

import argparse
import json
import sqlite3
import tempfile
import time
from pathlib import Path

from tests.benchmarks.common import open_profile, percentile, synthetic_reports


def measure(count: int, folder: Path) -> dict[str, float]:
    profile = open_profile(folder / "profile")
    bare = sqlite3.connect(folder / "bare.db", isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = FULL")
    bare.execute(
        "CREATE TABLE reports (id TEXT PRIMARY KEY, version INTEGER, payload TEXT, "
        "sync_state TEXT, ward_code TEXT, created_at TEXT, updated_at TEXT)"
    )
    saves: list[float] = []
    commits: list[float] = []
    try:
        for index, report in enumerate(synthetic_reports(count + 20, seed=11)):
            text = json.dumps(report)
            started = time.perf_counter()
            profile.save_report(report)
            save_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            bare.execute("BEGIN IMMEDIATE")
            bare.execute(
                "INSERT INTO reports VALUES (?, 1, ?, 'pending', ?, ?, ?)",
                (report["id"], text, "E05000000", report["captured_at"], report["captured_at"]),
            )
            bare.execute("COMMIT")
            commit_ms = (time.perf_counter() - started) * 1000
            if index >= 20:  # the first few warm caches and the page cache
                saves.append(save_ms)
                commits.append(commit_ms)
    finally:
        profile.close()
        bare.close()
    return {
        "save_report_ms_p95": percentile(saves, 0.95),
        "save_report_ms_p50": percentile(saves, 0.5),
        "sqlite_commit_ms_p95": percentile(commits, 0.95),
        "sqlite_commit_ms_p50": percentile(commits, 0.5),
        "save_samples": float(len(saves)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wardapp-bench-save-") as folder:
        print(json.dumps(measure(args.count, Path(folder))))


if __name__ == "__main__":
    main()
