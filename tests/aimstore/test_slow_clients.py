"""Slow and half-sent requests against a real store process: everyone else still gets answers.

Eight sockets that sent the headers of a sign-in and one byte of its body once held every
admission slot, so /healthz and every sign-in waited for as long as they stayed open. A
request now holds no slot until its body is in, a body must arrive in time, and one address
may keep only a few requests half-sent at once.
"""

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.live_store import COUNCILLOR, PASSWORD, LiveStore

SLOW_BODIES = 150
SLOW_HEADERS = 50
DEADLINE_S = 2  # the store's header and body deadlines in these tests
PER_ADDRESS = 16
PROMPT_S = 5.0  # far above an idle store's answer, far below "waits for the slow ones"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[LiveStore]:
    live = LiveStore(tmp_path)
    live.env |= {
        "WARDAPP_AIMSTORE_HEADER_TIMEOUT_SECONDS": str(DEADLINE_S),
        "WARDAPP_AIMSTORE_BODY_TIMEOUT_SECONDS": str(DEADLINE_S),
        "WARDAPP_AIMSTORE_MAX_INCOMPLETE_PER_CLIENT": str(PER_ADDRESS),
    }
    live.cli("migrate")
    live.add_user(COUNCILLOR, "councillor")
    live.start()
    yield live
    live.stop()


def half_sent(port: int, head: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(head)
    return sock


def answer_of(sock: socket.socket, until: float) -> bytes:
    """What the store said before closing (b"" without a word, b"open" if still open)."""
    received = b""
    try:
        while True:
            sock.settimeout(max(0.01, until - time.monotonic()))
            chunk = sock.recv(4096)
            if not chunk:
                return received
            received += chunk
    except TimeoutError:
        return received or b"open"
    except OSError:
        return received
    finally:
        sock.close()


def test_many_slow_connections_leave_health_and_sign_in_prompt(store: LiveStore) -> None:
    sign_in_head = (
        b"POST /v1/auth/token HTTP/1.1\r\nHost: store\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n{"
    )
    slow_bodies = [half_sent(store.port, sign_in_head) for _ in range(SLOW_BODIES)]
    slow_headers = [
        half_sent(store.port, b"POST /v1/auth/token HTTP/1.1\r\nHost: st")
        for _ in range(SLOW_HEADERS)
    ]
    time.sleep(0.5)  # every slow request is inside the store by now
    try:
        health = requests.get(f"{store.url}/healthz", timeout=PROMPT_S)
        assert health.status_code == 200
        signed_in = requests.post(
            f"{store.url}/v1/auth/token",
            json={"username": COUNCILLOR, "password": PASSWORD, "device_name": "surgery"},
            timeout=PROMPT_S,
        )
        assert signed_in.status_code == 200, signed_in.text
    finally:
        until = time.monotonic() + DEADLINE_S + 5
        body_answers = [answer_of(sock, until) for sock in slow_bodies]
        header_answers = [answer_of(sock, until) for sock in slow_headers]
    # Beyond the per-address cap at once (429); the rest when their deadline passed (408).
    statuses = [answer.split(b" ", 2)[1] if b" " in answer else answer for answer in body_answers]
    assert set(statuses) <= {b"408", b"429"}, set(statuses)
    assert statuses.count(b"408") >= PER_ADDRESS // 2
    assert statuses.count(b"429") >= SLOW_BODIES - PER_ADDRESS
    assert b'"too_many_requests"' in body_answers[-1]
    # Half-sent headers are closed by the deadline, with a 408 or without a word.
    assert all(a == b"" or a.startswith(b"HTTP/1.1 408") for a in header_answers)
