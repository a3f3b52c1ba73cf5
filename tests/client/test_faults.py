"""Exactly-once delivery through a network that drops, delays and loses replies, and through
a sync process killed at random moments.

A seeded fault proxy stands between the engine and the real AIM store. Whatever happens on
the way, after a final clean sync the store holds every saved report exactly once (and
nothing else), the outbox is empty and every report shows as sent.
"""

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.client.conftest import wire_report
from tests.client.faultproxy import FaultProxy
from tests.support.live_store import COUNCILLOR, PASSWORD, LiveStore
from wardapp.client.profile import Profile

NETWORK_FAULTS = {"pass": 3.0, "drop": 1.0, "delay": 1.0, "cut": 2.0, "truncate": 1.0}
KILL_TIMING = {"pass": 1.0, "delay": 1.0, "slow_reply": 2.0}
SYNC_LOOP = Path(__file__).with_name("sync_loop.py")


@dataclass
class Tally:
    rounds: int = 0
    failed_syncs: int = 0
    kills: int = 0
    answered_duplicate: int = 0
    errors: Counter[str] = field(default_factory=Counter)


@pytest.fixture
def proxy(live_store: LiveStore) -> Iterator[FaultProxy]:
    faulty = FaultProxy(live_store.port, random.Random(1))
    yield faulty
    faulty.close()


@pytest.fixture
def profile(proxy: FaultProxy, profile_env: dict[str, str], tmp_path: Path) -> Iterator[Profile]:
    opened = Profile.open(tmp_path / "profile", proxy.url)
    opened.sign_in(COUNCILLOR, PASSWORD, "test laptop")
    yield opened
    opened.close()


def assert_delivered_exactly_once(
    live_store: LiveStore, profile: Profile, proxy: FaultProxy
) -> int:
    """A clean final sync, then: each saved report on the server once, nothing left to send."""
    proxy.set_weights({"pass": 1.0})
    final = profile.sync_once()
    assert final.ok, final.error
    mine = profile.my_reports()
    saved = {r.id for r in mine}
    on_server = live_store.report_ids()
    versions = live_store.version_rows()
    lost = saved - set(on_server)
    duplicates = len(on_server) - len(set(on_server)) + len(versions) - len(set(versions))
    print(f"reports saved {len(saved)}, lost {len(lost)}, duplicates {duplicates}")
    assert not lost
    assert duplicates == 0
    assert set(on_server) == saved
    assert sorted(versions) == sorted((report_id, 1) for report_id in saved)
    assert profile.pending_count() == 0
    assert {r.sync_state for r in mine} == {"sent"}
    return final.duplicates


def run_network_faults(
    live_store: LiveStore, profile: Profile, proxy: FaultProxy, rounds: int, seed: int
) -> None:
    rng = random.Random(seed)
    proxy.rng.seed(seed)
    proxy.set_weights(NETWORK_FAULTS)
    tally = Tally()
    for _ in range(rounds):
        for _ in range(rng.randint(1, 4)):
            profile.save_report(wire_report(profile, rng.randrange(5)))
        result = profile.sync_once()  # never raises, whatever the network does
        tally.rounds += 1
        tally.answered_duplicate += result.duplicates
        if result.error:
            tally.failed_syncs += 1
            tally.errors[result.error.split("(")[0].strip()] += 1
            assert result.pending == profile.pending_count()
    tally.answered_duplicate += assert_delivered_exactly_once(live_store, profile, proxy)
    print(
        f"fault rounds {tally.rounds} (seed {seed}), failed syncs {tally.failed_syncs}, "
        f"re-sent and answered 'duplicate' {tally.answered_duplicate}, "
        f"proxy faults {dict(proxy.counts)}, errors {dict(tally.errors)}"
    )


def test_a_faulty_network_delivers_each_report_exactly_once(
    live_store: LiveStore, profile: Profile, proxy: FaultProxy
) -> None:
    run_network_faults(live_store, profile, proxy, rounds=30, seed=20261014)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_faulty_network_many_rounds(
    live_store: LiveStore, profile: Profile, proxy: FaultProxy, seed: int
) -> None:
    run_network_faults(live_store, profile, proxy, rounds=100, seed=seed)


def _wait_for_line(process: subprocess.Popen[str], timeout_s: float) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout_s)
    assert ready, "the sync process did not start"
    return process.stdout.readline().strip()


def run_kills(
    live_store: LiveStore,
    profile: Profile,
    proxy: FaultProxy,
    env: dict[str, str],
    rounds: int,
    seed: int,
) -> None:
    """Each round queues a few reports, starts a sync process and kills it at a random moment."""
    rng = random.Random(seed)
    proxy.rng.seed(seed)
    proxy.set_weights(KILL_TIMING)
    proxy.delay_s = (0.1, 0.5)
    tally = Tally()
    for _ in range(rounds):
        for _ in range(rng.randint(2, 6)):
            profile.save_report(wire_report(profile, rng.randrange(5)))
        process = subprocess.Popen(
            [sys.executable, str(SYNC_LOOP), str(profile.directory), proxy.url],
            env={**env, "PYTHONPATH": os.pathsep.join(sys.path)},
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert _wait_for_line(process, 120) == "ready"
            time.sleep(rng.uniform(0.0, 1.0))
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                tally.kills += 1
        finally:
            if process.poll() is None:
                process.kill()
            output, _ = process.communicate(timeout=60)
        for line in output.splitlines():
            tally.answered_duplicate += int(json.loads(line)["duplicates"])
        tally.rounds += 1
    tally.answered_duplicate += assert_delivered_exactly_once(live_store, profile, proxy)
    print(
        f"kill rounds {tally.rounds} (seed {seed}), killed mid-sync {tally.kills}, "
        f"re-sent and answered 'duplicate' {tally.answered_duplicate}, "
        f"proxy {dict(proxy.counts)}"
    )


def test_killing_the_sync_process_loses_and_doubles_nothing(
    live_store: LiveStore, profile: Profile, proxy: FaultProxy, profile_env: dict[str, str]
) -> None:
    run_kills(live_store, profile, proxy, profile_env, rounds=8, seed=7)


@pytest.mark.slow
def test_killing_the_sync_process_many_times(
    live_store: LiveStore, profile: Profile, proxy: FaultProxy, profile_env: dict[str, str]
) -> None:
    run_kills(live_store, profile, proxy, profile_env, rounds=60, seed=11)


def test_a_lost_refresh_reply_does_not_sign_the_user_out(
    live_store: LiveStore, profile: Profile, proxy: FaultProxy
) -> None:
    saved = profile.save_report(wire_report(profile))
    tokens = profile.auth.vault.tokens()
    assert tokens is not None
    profile.auth.vault.save_tokens({**tokens, "expires_at": time.time() - 60})
    proxy.script = ["cut"]  # the refresh reaches the server; its reply is lost
    result = profile.sync_once()
    assert not result.signed_out, result.error
    assert profile.user() is not None
    assert profile.sync_once().ok
    assert live_store.report_ids() == [saved]
