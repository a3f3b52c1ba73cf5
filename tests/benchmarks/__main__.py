"""The benchmark suite: ``python -m tests.benchmarks [--quick] [--write-docs]``.

Sets up everything it needs (profiles, SQLite and PostgreSQL AIM stores, Qt in child
processes), measures each figure beside its naive counterpart in the same run, prints a
table and writes ``benchmarks.json`` at the repository root. Any measurement that fails
fails the run: no figure is ever made up. Targets are reported, not asserted; the exit
status says only whether the benchmarks themselves ran.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.benchmarks import import_rate, local_save, server_load, summary_latency
from tests.benchmarks.common import ROOT, queued_profile, run_child
from tests.benchmarks.sync_throughput import SqliteStores, sqlite_rates, sync_rate
from tests.support.live_store import BIN, COUNCILLOR, PASSWORD


@dataclass(frozen=True)
class Mode:
    name: str
    saves: int
    naive_sync: int
    sizes: list[int]
    summary_repeats: int
    load_seconds: float
    map_repeats: int
    map_naive_repeats: int
    map_naive_points: int
    cold_starts: int
    import_rows: int  # a generated police.uk file of this many rows


# Quick mode draws the folium page with 2,000 markers, not 20,000: built and drawn, 20,000
# take over four minutes here (folium alone takes 90 s to write the page).
# Quick mode measures PostgreSQL at 100,000 reports only (the scaling keys say which sizes).
QUICK = Mode("quick", 300, 200, [100_000], 100, 10.0, 2, 1, 2000, 2, 50_000)
FULL = Mode("full", 2000, 1000, [10_000, 100_000, 1_000_000], 150, 60.0, 3, 1, 20_000, 5, 500_000)
SYNC_REPORTS = 10_000
MAP_POINTS = 20_000
LOAD_CLIENTS = 50
LOAD_WORKERS = os.cpu_count() or 2


def size_name(count: int) -> str:
    return f"{count // 1_000_000}m" if count >= 1_000_000 else f"{count // 1000}k"


def cold_start(runs: int) -> dict[str, float]:
    """``wardapp --self-test`` as a user would start it; the median of ``runs`` starts."""
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [str(BIN / "wardapp"), "--self-test"],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        found = json.loads(lines[-1]) if lines else {}
        if not isinstance(found.get("cold_start_ms"), int | float):
            raise RuntimeError(f"wardapp --self-test gave no cold_start_ms:\n{done.stdout}")
        times.append(float(found["cold_start_ms"]))
    return {"cold_start_ms": statistics.median(times), "cold_start_ms_max": max(times)}


def postgres_figures(mode: Mode, queued: Path, work: Path) -> dict[str, float]:
    """Summary latency, sync into PostgreSQL and the load test, at each size."""
    largest = mode.sizes[-1]

    def during(base: str, url: str, count: int) -> dict[str, float]:
        figures: dict[str, float] = {}
        rate = sync_rate(queued, work, base, "bench0", summary_latency.PASSWORD, batch_size=None)
        figures["sync_pg_reports_per_s"] = rate["reports_per_s"]
        if count == largest:
            summary_latency.settle(url)  # after the sync's 10,000 reports
            users = [f"bench{i}" for i in range(10)]
            # As an administrator runs it on PostgreSQL: a worker process per core.
            with summary_latency.serving(url, LOAD_WORKERS) as many:
                loaded = server_load.load(
                    many, users, summary_latency.PASSWORD, mode.load_seconds, LOAD_CLIENTS
                )
            errors = loaded.pop("first_errors")
            if errors:
                print(f"errors under load, first of them: {errors}", file=sys.stderr)
            figures.update(loaded)
        return figures

    results = summary_latency.run(mode.sizes, mode.summary_repeats, during)
    out: dict[str, float] = {}
    for count, figures in results.items():
        name = size_name(count)
        out[f"scaling_summary_ms_p95_{name}"] = figures["summary_ms_p95"]
        out[f"scaling_summary_first_of_year_ms_{name}"] = figures["first_of_year_ms_max"]
        out[f"scaling_sync_pg_reports_per_s_{name}"] = figures["sync_pg_reports_per_s"]
    out["scaling_sizes_measured"] = float(len(results))
    out["scaling_largest_reports"] = float(largest)
    out["summary_ward_ms_p95"] = results[largest]["summary_ms_p95"]
    out["summary_reports"] = float(largest)
    out["sync_batch_pg_reports_per_s"] = results[mode.sizes[0]]["sync_pg_reports_per_s"]
    for key, value in results[largest].items():
        if key.startswith("server_"):
            out[key] = value
    return out


def measure(mode: Mode, work: Path) -> dict[str, float]:
    figures: dict[str, float] = {"quick": float(mode.name == "quick")}

    def step(name: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {name}", file=sys.stderr, flush=True)

    step("durable local save")
    figures.update(local_save.measure(mode.saves, work / "save"))
    step("cold start")
    figures.update(cold_start(mode.cold_starts))
    step("map points")
    figures.update(
        run_child(
            "qt_bench",
            [
                "map",
                f"--points={MAP_POINTS}",
                f"--repeats={mode.map_repeats}",
                f"--naive-repeats={mode.map_naive_repeats}",
                f"--naive-points={mode.map_naive_points}",
            ],
            1800,
        )
    )
    step("queueing reports in profiles")
    queued, naive, big = work / "queued", work / "naive", work / "queued-20k"
    queued_profile(queued, SYNC_REPORTS)
    queued_profile(naive, mode.naive_sync, seed=9)
    shutil.copytree(queued, big)
    queued_profile(big, MAP_POINTS - SYNC_REPORTS, seed=13)
    step("memory with 20,000 reports")
    args = ["rss", f"--profile={big}", f"--reports={MAP_POINTS}"]
    figures.update(run_child("qt_bench", args, 600))
    step("sync on SQLite: batches, then one POST per report; UI stalls during sync")
    stores = SqliteStores()
    try:
        figures.update(sqlite_rates(stores, queued, naive, work))
        store = stores.fresh()
        store.start()
        try:
            stalled = work / "stall-profile"
            shutil.copytree(queued, stalled)
            args = ["stall", f"--profile={stalled}", f"--server={store.url}"]
            args += [f"--user={COUNCILLOR}", f"--password={PASSWORD}"]
            figures.update(run_child("qt_bench", args, 900))
        finally:
            store.stop()
    finally:
        stores.close()
    step(f"imports: a police.uk file of {mode.import_rows:,} rows, SQLite and PostgreSQL")
    figures.update(import_rate.measure(mode.import_rows))
    step("PostgreSQL: summaries, sync and load at each size")
    figures.update(postgres_figures(mode, queued, work))
    return figures


ROWS = [  # label, key, target, naive key or None, ratio target (ours/naive, "<=" or ">=")
    ("durable save p95 (ms)", "save_report_ms_p95", "< 2", "sqlite_commit_ms_p95", "<= 10"),
    ("sync batches, SQLite (/s)", "sync_batch_reports_per_s", ">= 3000",
     "sync_naive_reports_per_s", ">= 10"),
    ("sync batches, PostgreSQL (/s)", "sync_batch_pg_reports_per_s", ">= 5000", None, ""),
    ("ward summary p95 (ms)", "summary_ward_ms_p95", "< 20", None, ""),
    ("20,000 map points (ms)", "map_points_load_ms", "< 1000", "map_points_naive_ms", ">= 10"),
    ("UI max stall during sync (ms)", "ui_max_stall_ms", "< 50", None, ""),
    ("cold start (ms)", "cold_start_ms", "< 1500", None, ""),
    ("app RSS, 20,000 reports (MB)", "rss_mb", "< 350", None, ""),
    ("renderer RSS (MB)", "renderer_rss_mb", "-", None, ""),
    ("server p95, 50 clients (ms)", "server_p95_ms_50_clients", "< 200", None, ""),
    ("server errors, 50 clients", "server_errors_50_clients", "== 0", None, ""),
    ("police.uk import, SQLite (rows/s)", "import_rows_per_s", ">= 10000",
     "import_naive_rows_per_s", ">= 10"),
    ("police.uk import, PostgreSQL (rows/s)", "import_pg_rows_per_s", ">= 20000",
     "import_pg_naive_rows_per_s", ">= 10"),
    ("import peak RSS, SQLite (MB)", "import_peak_rss_mb", "-", None, ""),
    ("import peak RSS, PostgreSQL (MB)", "import_pg_peak_rss_mb", "-", None, ""),
]  # fmt: skip


DOCS_INTRO = """# Benchmarks

`python -m tests.benchmarks` (full) or `python -m tests.benchmarks --quick` (the CI smoke run)
prints this table and writes `benchmarks.json` at the repository root. Targets are reported,
not asserted. `--write-docs` rewrites the table part of this file from the run."""
NOTES_START = "## How the figures are made"


def meets(value: float, target: str) -> str:
    if target in ("", "-"):
        return ""
    operator, bound = target.split()
    ok = {"<": value < float(bound), "<=": value <= float(bound), ">=": value >= float(bound),
          "==": value == float(bound)}[operator]  # fmt: skip
    return "yes" if ok else "NO"


def table(figures: dict[str, float]) -> str:
    """A Markdown table: figure, target, naive counterpart, ratio and whether each is met."""
    lines = [
        "| figure | value | target | naive | ratio | ratio target | met |",
        "| --- | ---: | --- | ---: | ---: | --- | --- |",
    ]
    for label, key, target, naive_key, ratio_target in ROWS:
        value = figures[key]
        naive = ratio = ""
        met = meets(value, target)
        if naive_key is not None:
            other = figures[naive_key]
            ours = value
            if key == "map_points_load_ms":  # the ratio compares the same number of points
                ours = figures["map_points_load_ms_at_naive_points"]
            naive = f"{other:.1f}"
            # Times: ours over naive (smaller is better); rates: ours over naive.
            ratio_value = ours / other
            if ratio_target.startswith(">=") and key.endswith("_ms"):
                ratio_value = other / ours  # naive time over ours: how many times faster
            ratio = f"{ratio_value:.1f}"
            ratio_met = meets(ratio_value, ratio_target)
            met = "yes" if met == ratio_met == "yes" else "NO"
        lines.append(
            f"| {label} | {value:.1f} | {target} | {naive} | {ratio} | {ratio_target} | {met} |"
        )
    scaling = sorted(k for k in figures if k.startswith("scaling_") and k[-1] in "km")
    lines += ["", "| scaling | value |", "| --- | ---: |"]
    lines += [f"| {k} | {figures[k]:.1f} |" for k in scaling]
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, load average {load:.1f} at the end of the run"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the smoke run (< 5 minutes)")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks.json")
    parser.add_argument("--write-docs", action="store_true", help="docs/benchmarks.md too")
    args = parser.parse_args(argv)
    mode = QUICK if args.quick else FULL
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="wardapp-bench-"))
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):  # leave no files
        os.environ[name] = str(work / name.lower())
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        figures = measure(mode, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures["duration_s"] = time.monotonic() - started
    wanted = [k for _, key, _, naive, _ in ROWS for k in (key, naive) if k]
    missing = [key for key in wanted if not isinstance(figures.get(key), float | int)]
    if missing:
        raise RuntimeError(f"figures missing: {missing}")
    args.output.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    text = table(figures)
    print(f"\n{mode.name} mode, {figures['duration_s']:.0f} s on {machine()}\n\n{text}")
    if args.write_docs:
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        docs = ROOT / "docs" / "benchmarks.md"
        kept = docs.read_text().partition(NOTES_START)  # the written notes stay as they are
        docs.write_text(
            f"{DOCS_INTRO}\n\nLatest {mode.name}-mode run of `python -m tests.benchmarks"
            f"{' --quick' if args.quick else ''}`, {when}, {figures['duration_s']:.0f} s, on "
            f"{machine()}.\n\n{text}\n\n{kept[1]}{kept[2]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
