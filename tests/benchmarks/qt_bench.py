"""The Qt side, one measurement per process: map points, UI stalls during sync, memory.

    python -m tests.benchmarks.qt_bench map --points 20000 --repeats 3
    python -m tests.benchmarks.qt_bench stall --profile DIR --server URL --user U --password P
    python -m tests.benchmarks.qt_bench rss --profile DIR --reports 20000

Each prints one line of JSON. "Drawn" means the page has the data and two animation frames
have passed since (the browser has painted what the scripts built).
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWebEngineWidgets import QWebEngineView

from tests.benchmarks.common import open_profile, percentile, rss_mb
from wardapp.core.taxonomy import default_taxonomy
from wardapp.core.wards import default_ward_set
from wardapp.ui.qt_setup import application

TIMEOUT_S = 180.0
FRAMES = (
    "window.__benchDrawn = 0; requestAnimationFrame(function () {"
    " requestAnimationFrame(function () { window.__benchDrawn = 1; }); }); 0"
)


def run_until(done: Callable[[], bool], timeout_s: float = TIMEOUT_S) -> None:
    """Runs the Qt event loop until ``done()``; fails after ``timeout_s``."""
    loop = QEventLoop()
    deadline = time.monotonic() + timeout_s
    timer = QTimer()
    timer.setInterval(2)

    def check() -> None:
        if done() or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    if not done():
        raise TimeoutError(f"not done in {timeout_s:.0f} s")


def js(page: QWebEnginePage, script: str) -> Any:
    """The value of a script in the page, waiting on the event loop for it."""
    found: list[Any] = []
    page.runJavaScript(script, 0, found.append)
    run_until(lambda: bool(found), 60)
    return found[0]


def until_js(page: QWebEnginePage, script: str, want: Callable[[Any], bool]) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not want(js(page, script)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{script} never became what was wanted")


def drawn(page: QWebEnginePage) -> None:
    """Two animation frames after now: what the scripts built has been painted."""
    js(page, FRAMES)
    until_js(page, "window.__benchDrawn", lambda v: v == 1)


def dispose(widget: Any) -> None:
    """Deleted now, pages and all: a view left to the garbage collector crashes Qt at exit."""
    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def map_points(count: int, seed: int = 5) -> list[dict[str, Any]]:
    """Points spread over the wards' extent, in the page's own format."""
    rng = random.Random(seed)
    wards = default_ward_set().wards
    west = min(w.geometry.bounds[0] for w in wards)
    south = min(w.geometry.bounds[1] for w in wards)
    east = max(w.geometry.bounds[2] for w in wards)
    north = max(w.geometry.bounds[3] for w in wards)
    codes = [c.code for c in default_taxonomy().categories]
    return [
        {
            "id": f"r{i}",
            "lat": rng.uniform(south, north),
            "lon": rng.uniform(west, east),
            "status": rng.choice(["pending", "received", "assessed", "closed"]),
            "category": rng.choice(codes),
            "date": "2026-10-01",
        }
        for i in range(count)
    ]


def app_way(points: list[dict[str, Any]], folder: Path) -> float:
    """The app's map, already open, is handed the points; ms until they are drawn."""
    from wardapp.ui.map_view import MapView

    view = MapView(default_ward_set(), default_taxonomy(), folder)
    view.resize(1200, 800)
    view.show()
    run_until(lambda: view.is_ready)
    drawn(view.map_page)
    started = time.perf_counter()
    view.show_points_json(json.dumps(points))
    until_js(view.map_page, "wardmap.state.reports", lambda v: v == len(points))
    drawn(view.map_page)
    elapsed = (time.perf_counter() - started) * 1000
    errors = js(view.map_page, "JSON.stringify(wardmap.state.errors)")
    dispose(view)
    if errors != "[]":
        raise RuntimeError(f"the map page reported errors: {errors}")
    return elapsed


def naive_way(points: list[dict[str, Any]], folder: Path) -> float:
    """A folium page with one Marker per point, saved and loaded; ms until drawn."""
    import folium

    from wardapp.ui.map_page import web_asset

    class LocalMap(folium.Map):
        """Leaflet from disk (no network here); none of folium's CDN extras."""

        default_js = [("leaflet", web_asset("leaflet/leaflet.js"))]  # noqa: RUF012
        default_css = [("leaflet_css", web_asset("leaflet/leaflet.css"))]  # noqa: RUF012

    wards = default_ward_set().wards
    lat = statistics.fmean(w.geometry.centroid.y for w in wards)
    lon = statistics.fmean(w.geometry.centroid.x for w in wards)
    view = QWebEngineView()
    view.resize(1200, 800)
    view.show()
    loaded: list[bool] = []
    view.loadFinished.connect(loaded.append)
    started = time.perf_counter()
    page = LocalMap(location=[lat, lon], zoom_start=13, tiles=None)
    for p in points:
        folium.Marker([p["lat"], p["lon"]], tooltip=p["category"]).add_to(page)
    path = folder / f"naive-{time.monotonic_ns()}.html"
    page.save(str(path))
    built = time.perf_counter()
    from wardapp.ui.page_scheme import page_scheme_handler

    view.load(page_scheme_handler().page_url(path))  # file:// pages may load no scripts
    run_until(lambda: bool(loaded))
    if not loaded[0]:
        raise RuntimeError("the folium page did not load")
    drawn(view.page())
    elapsed = (time.perf_counter() - started) * 1000
    print(f"folium page built in {(built - started) * 1000:.0f} ms", file=sys.stderr)
    markers = js(view.page(), "document.querySelectorAll('.leaflet-marker-icon').length")
    dispose(view)
    if markers != len(points):
        raise RuntimeError(f"the folium page drew {markers} markers, not {len(points)}")
    return elapsed


def measure_map(count: int, repeats: int, naive_repeats: int, naive_count: int) -> dict[str, float]:
    """The app's way at ``count`` points; the folium page at ``naive_count`` (the same, unless
    the run is too short for it), with the app's way at that count beside it for the ratio."""
    application()
    points = map_points(count)
    few = map_points(naive_count)
    apps: list[float] = []
    apps_few: list[float] = []
    naives: list[float] = []
    with tempfile.TemporaryDirectory(prefix="wardapp-bench-map-") as folder:
        for i in range(max(repeats, naive_repeats)):  # interleaved: noise falls on both
            if i < repeats:
                apps.append(app_way(points, Path(folder)))
                if naive_count != count:
                    apps_few.append(app_way(few, Path(folder)))
            if i < naive_repeats:
                naives.append(naive_way(few, Path(folder)))
    return {
        "map_points_load_ms": statistics.median(apps),
        "map_points_load_ms_first": apps[0],
        "map_points_naive_ms": statistics.median(naives),
        "map_points_load_ms_at_naive_points": statistics.median(apps_few or apps),
        "map_points": float(count),
        "map_points_naive_points": float(naive_count),
    }


def renderer_rss_mb() -> float:
    """RSS of this process's Chromium renderers: forked by a zygote, they keep its command
    line, so a renderer is a descendant whose parent is a zygote (or says it is one)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or not _descends_from(int(entry.name), os.getpid()):
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            parent = _parent(int(entry.name))
            parent_command = Path(f"/proc/{parent}/cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if b"--type=renderer" in command or b"--type=zygote" in parent_command:
            total += rss_mb(int(entry.name))
    if total == 0:
        raise RuntimeError("no web engine renderer process found")
    return total


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _descends_from(pid: int, ancestor: int) -> bool:
    while pid > 1:
        if pid == ancestor:
            return True
        try:
            pid = _parent(pid)
        except (OSError, ValueError):
            return False
    return False


def open_window(profile_folder: Path, server: str, page_folder: Path) -> tuple[Any, Any]:
    """The real main window and engine on a profile, background sync not yet started."""
    from wardapp.ui.engine import Engine
    from wardapp.ui.main_window import MainWindow

    application()
    profile = open_profile(profile_folder, server)
    engine = Engine(profile)
    window = MainWindow(engine, profile.ward_set(), profile.taxonomy(), page_folder)
    window.show()
    engine.start(background_sync=False)
    run_until(lambda: window.map.is_ready)
    return window, engine


def settle(seconds: float) -> None:
    ends = time.monotonic() + seconds
    run_until(lambda: time.monotonic() > ends, seconds + 5)


def measure_stall(profile_folder: Path, server: str, user: str, password: str) -> dict[str, float]:
    """Longest gap between 1 ms timer ticks from the sync's start until it has been shown."""
    with tempfile.TemporaryDirectory(prefix="wardapp-bench-stall-") as folder:
        window, engine = open_window(profile_folder, server, Path(folder))
        engine.profile.sign_in(user, password, "benchmark")
        pending = engine.profile.pending_count()
        until_js(window.map.map_page, "wardmap.state.reports", lambda v: v == pending)
        settle(1.0)
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append((now - last[0]) * 1000)
            last[0] = now

        probe = QTimer()
        probe.setInterval(1)
        probe.timeout.connect(tick)
        results: list[Any] = []
        engine.syncFinished.connect(results.append)
        probe.start()
        started = time.perf_counter()
        engine.scheduler.start()
        run_until(lambda: bool(results), 600)
        seconds = time.perf_counter() - started
        settle(2.0)  # the window takes in the synced reports after the sync ends
        probe.stop()
        window.close()
        engine.close()
        dispose(window)
    result = results[0]
    if not result.ok or result.sent != pending:
        raise RuntimeError(f"the sync under the window did not send {pending}: {result}")
    return {
        "ui_max_stall_ms": max(gaps),
        "ui_stall_p99_ms": percentile(gaps, 0.99),
        "ui_stall_sync_reports": float(pending),
        "ui_stall_sync_s": seconds,
    }


def measure_rss(profile_folder: Path, reports: int) -> dict[str, float]:
    """The app's own memory with every report of the profile loaded and on the map."""
    from tests.benchmarks.common import UNUSED_SERVER

    with tempfile.TemporaryDirectory(prefix="wardapp-bench-rss-") as folder:
        window, engine = open_window(profile_folder, UNUSED_SERVER, Path(folder))
        until_js(window.map.map_page, "wardmap.state.reports", lambda v: v == reports)
        drawn(window.map.map_page)
        settle(2.0)
        own = rss_mb(os.getpid())
        renderer = renderer_rss_mb()
        window.close()
        engine.close()
        dispose(window)
    return {"rss_mb": own, "renderer_rss_mb": renderer, "rss_reports": float(reports)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["map", "stall", "rss"])
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--naive-repeats", type=int, default=1)
    parser.add_argument("--naive-points", type=int, default=20_000)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--server")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--reports", type=int, default=20_000)
    args = parser.parse_args()
    if args.what == "map":
        result = measure_map(args.points, args.repeats, args.naive_repeats, args.naive_points)
    elif args.what == "stall":
        result = measure_stall(args.profile, args.server, args.user, args.password)
    else:
        result = measure_rss(args.profile, args.reports)
    print(json.dumps(result), flush=True)
    QCoreApplication.processEvents()
    # PySide6 can crash in the interpreter's final garbage collection after a big page
    # ("none_dealloc"); the views are gone and the figures printed, so end here. Chromium's
    # helper processes end with their parent.
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
