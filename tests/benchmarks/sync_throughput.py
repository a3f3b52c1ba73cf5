"""Sync throughput: the engine's batches against one POST per report, to a real AIM store.

The reports are queued once in a profile that is copied for each run, so every run sends the
same reports from the same starting state to a fresh store. The naive client is the same sync
engine with a batch size of one: the same durable bookkeeping, one request per report.
"""

import shutil
import tempfile
import time
from pathlib import Path

from tests.benchmarks.common import copy_profile, open_profile
from tests.support.live_store import ANALYST, COUNCILLOR, PASSWORD, LiveStore
from wardapp.client.sync import SyncEngine


def sync_rate(
    queued: Path, work: Path, url: str, username: str, password: str, batch_size: int | None
) -> dict[str, float]:
    """Reports per second for one whole sync of a copy of ``queued`` (None: engine's batches)."""
    folder = copy_profile(queued, work / f"profile-{time.monotonic_ns()}")
    profile = open_profile(folder, url)
    try:
        profile.sign_in(username, password, "benchmark")
        pending = profile.pending_count()
        started = time.perf_counter()
        if batch_size is None:
            result = profile.sync_once()
        else:
            result = SyncEngine(profile.store, profile.api, profile.auth, batch_size).run()
        seconds = time.perf_counter() - started
        if not result.ok or result.sent != pending or result.pending:
            raise RuntimeError(f"sync did not send all {pending} reports: {result}")
    finally:
        profile.close()
        shutil.rmtree(folder, ignore_errors=True)
    return {"reports_per_s": pending / seconds, "seconds": seconds, "reports": float(pending)}


class SqliteStores:
    """Fresh SQLite AIM stores, each a copy of one migrated template with a councillor."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="wardapp-bench-stores-"))
        template = LiveStore(self.folder / "template")
        template.folder.mkdir()
        template.cli("migrate")
        template.add_user(COUNCILLOR, "councillor")
        template.add_user(ANALYST, "analyst")
        self.template = template.db_path

    def fresh(self) -> LiveStore:
        folder = self.folder / f"store-{time.monotonic_ns()}"
        folder.mkdir()
        shutil.copyfile(self.template, folder / "store.db")
        return LiveStore(folder)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def sqlite_rates(
    stores: SqliteStores, queued: Path, naive_queued: Path, work: Path
) -> dict[str, float]:
    """The engine's batches and one POST per report, each to its own fresh store."""
    figures: dict[str, float] = {}
    for key, source, batch_size in (
        ("sync_batch", queued, None),
        ("sync_naive", naive_queued, 1),
    ):
        store = stores.fresh()
        store.start()
        try:
            rate = sync_rate(source, work, store.url, COUNCILLOR, PASSWORD, batch_size)
        finally:
            store.stop()
        figures[f"{key}_reports_per_s"] = rate["reports_per_s"]
        figures[f"{key}_reports_measured"] = rate["reports"]
    return figures
