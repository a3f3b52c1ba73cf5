"""Importing a police.uk file: rows per second on SQLite and PostgreSQL, and peak memory.

``python -m tests.benchmarks.import_rate --rows 50000 [--database URL]`` imports a
generated police.uk street-level file of that many rows (inside the real wards, a third of
them anti-social behaviour without a Crime ID) into a fresh store, as the command line
does, and then 2,000 rows one row per transaction as the naive counterpart. The last
line of output is JSON. Each database gets its own process, so the peak RSS is the
import's own (the process's peak minus what it held before the import).
"""

import argparse
import json
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.support.police_files import generated
from tests.support.postgres import PostgresCluster, find_bindir
from wardapp.aimstore import importer, importing
from wardapp.aimstore.db import make_engine
from wardapp.aimstore.migrate import migrate
from wardapp.core.importfile import FileLimits
from wardapp.core.wards import default_ward_set

NAIVE_ROWS = 2000


def _rss_mb() -> float:
    """This process's resident memory now (Linux), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


class PeakRss:
    """The most memory held above the start while the block runs, sampled every 20 ms.

    Not the process's lifetime peak (``ru_maxrss``): writing the test file beforehand can
    take more than the import, which would then show as 0.
    """

    def __enter__(self) -> "PeakRss":
        self.start = self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())

    @property
    def extra_mb(self) -> float:
        return self.peak - self.start


def import_file(engine: Engine, path: Path) -> dict[str, float]:
    started_at, cpu_at = time.perf_counter(), time.process_time()
    with Session(engine) as session:
        prepared = importing.prepare(session, path, "police-uk", None, FileLimits(10**9, 10**9))
    with Session(engine) as session, session.begin():
        started = importing.start(session, prepared, actor=None, actor_name="bench", client="cli")
    result = importing.run(
        engine, prepared, started, retention_days=2190, actor_name="bench", client="cli"
    )
    seconds = time.perf_counter() - started_at
    cpu = time.process_time() - cpu_at
    if result["created"] != prepared.total:
        raise RuntimeError(f"imported {result['created']} of {prepared.total} rows: {result}")
    return {"rows": float(prepared.total), "seconds": seconds, "cpu_seconds": cpu}


def run(rows: int, url_of: "dict[str, str]", work: Path) -> dict[str, float]:
    wards = default_ward_set()
    big = generated(work / "big.csv", wards, rows, month="2026-09")
    small = generated(work / "small.csv", wards, NAIVE_ROWS, month="2026-08")
    engine = make_engine(url_of["big"])
    migrate(engine)
    with PeakRss() as memory:
        timed = import_file(engine, big)
    peak = memory.extra_mb
    engine.dispose()
    naive_engine = make_engine(url_of["naive"])
    migrate(naive_engine)
    importer.BATCH_ROWS = 1  # one row per transaction: what a row-by-row importer does
    naive = import_file(naive_engine, small)
    naive_engine.dispose()
    return {
        "rows": timed["rows"],
        "rows_per_s": timed["rows"] / timed["seconds"],
        # Rows per second of this process's own CPU time: what the rate would be on a core
        # nobody else used (the database server's time is not in it, for PostgreSQL).
        "rows_per_cpu_s": timed["rows"] / timed["cpu_seconds"],
        "naive_rows_per_s": naive["rows"] / naive["seconds"],
        "peak_rss_mb": peak,
        "file_mb": big.stat().st_size / 1e6,
    }


def measure(rows: int) -> dict[str, float]:
    """Both databases, each in a child process; PostgreSQL durable, as in production."""
    from tests.benchmarks.common import run_child

    figures: dict[str, float] = {}
    sqlite = run_child("import_rate", [f"--rows={rows}"], 3600)
    figures.update({f"import_{k}": v for k, v in sqlite.items() if k != "rows"})
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed (Debian: apt-get install postgresql).")
    cluster = PostgresCluster(bindir, durable=True)
    cluster.start()
    try:
        big, naive = cluster.create_database("import_big"), cluster.create_database("import_one")
        pg = run_child(
            "import_rate", [f"--rows={rows}", f"--url={big}", f"--naive-url={naive}"], 3600
        )
    finally:
        cluster.stop()
    figures.update({f"import_pg_{k}": v for k, v in pg.items() if k not in ("rows", "file_mb")})
    figures["import_file_rows"] = float(rows)
    for prefix in ("import", "import_pg"):
        figures[f"{prefix}_ratio"] = (
            figures[f"{prefix}_rows_per_s"] / figures[f"{prefix}_naive_rows_per_s"]
        )
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--url", help="database for the big import (default: a SQLite file)")
    parser.add_argument("--naive-url", help="database for the row-by-row import")
    parser.add_argument("--both", action="store_true", help="SQLite and PostgreSQL, in children")
    args = parser.parse_args(argv)
    if args.both:
        print(json.dumps(measure(args.rows)))
        return
    work = Path(tempfile.mkdtemp(prefix="wardapp-import-bench-"))
    try:
        urls = {
            "big": args.url or f"sqlite:///{work / 'big.db'}",
            "naive": args.naive_url or f"sqlite:///{work / 'naive.db'}",
        }
        figures = run(args.rows, urls, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(", ".join(f"{k} {v:.1f}" for k, v in figures.items()), file=sys.stderr)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
