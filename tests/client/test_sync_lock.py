"""Never two syncs of one profile at once, across processes and threads."""

import threading
from pathlib import Path

from filelock import FileLock

from tests.client.keyring_memory import MemoryKeyring
from wardapp.client.profile import Profile
from wardapp.client.sync import SyncResult


def test_a_sync_already_running_elsewhere_makes_this_one_say_busy(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    profile = Profile.open(tmp_path, "http://127.0.0.1:9")
    try:
        # Another process holding the profile's sync lock (an OS lock, gone if it dies).
        with FileLock(tmp_path / "sync.lock"):
            result = profile.sync_once()
        assert result.busy and not result.ok
        assert "Another sync" in (result.error or "")
    finally:
        profile.close()


def test_two_threads_of_one_app_do_not_sync_together(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    profile = Profile.open(tmp_path, "http://127.0.0.1:9")
    results: list[SyncResult] = []
    inside = threading.Event()
    release = threading.Event()

    def slow_first_sync() -> None:
        original = profile._sync_lock.acquire

        def acquire_and_wait(*args: object, **kwargs: object) -> object:
            proxy = original(*args, **kwargs)  # type: ignore[arg-type]
            inside.set()
            release.wait(5)
            return proxy

        profile._sync_lock.acquire = acquire_and_wait  # type: ignore[method-assign]
        results.append(profile.sync_once())

    first = threading.Thread(target=slow_first_sync)
    first.start()
    try:
        assert inside.wait(5)
        second = profile.sync_once()
        assert second.busy
    finally:
        release.set()
        first.join(10)
        profile.close()
    assert results and not results[0].busy  # the first one ran (and failed offline)
