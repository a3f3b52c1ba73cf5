"""A loopback HTTP/1.1 proxy that breaks requests on purpose, driven by a seeded RNG.

For each request on each client connection the proxy draws one fault:

- ``pass``: forward the request and relay the reply;
- ``drop``: close the client's connection before anything reaches the server;
- ``delay``: wait, then pass;
- ``slow_reply``: forward, read the whole reply, wait, then relay it (a kill lands in the
  window where the server has committed and the client has not recorded it);
- ``cut``: forward the whole request, read the server's whole reply, then close the
  client's connection without sending a byte of it (the lost reply);
- ``truncate``: as ``cut``, but half the reply is sent first.

It understands just enough HTTP for this (Content-Length bodies, chunked replies); it only
binds 127.0.0.1, and its threads and sockets are bounded and time out.
"""

import contextlib
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Mapping

FAULTS = ("pass", "drop", "delay", "slow_reply", "cut", "truncate")
MAX_CONNECTIONS = 32
SOCKET_TIMEOUT_S = 30.0
MAX_MESSAGE_BYTES = 16_000_000


class _Closed(Exception):
    """The peer closed the connection before a whole message arrived."""


class _Reader:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise _Closed
        self.buffer += chunk
        if len(self.buffer) > MAX_MESSAGE_BYTES:
            raise _Closed

    def until(self, marker: bytes) -> bytes:
        while (end := self.buffer.find(marker)) < 0:
            self._fill()
        end += len(marker)
        data, self.buffer = self.buffer[:end], self.buffer[end:]
        return data

    def exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def message(self, is_reply: bool, request_method: str = "") -> tuple[bytes, str]:
        """One whole HTTP message (head and body); returns it and its first line."""
        head = self.until(b"\r\n\r\n")
        first = head.split(b"\r\n", 1)[0].decode("latin-1")
        headers = {}
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if is_reply:
            status = int(first.split()[1])
            if request_method == "HEAD" or status in (204, 304) or 100 <= status < 200:
                return head, first
        if "content-length" in headers:
            return head + self.exactly(int(headers["content-length"])), first
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size_line = self.until(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                body += size_line + self.exactly(size + 2)
                if size == 0:
                    return head + body, first
        if not is_reply:
            return head, first
        # A reply without a length ends when the server closes the connection.
        body = self.buffer
        self.buffer = b""
        try:
            while chunk := self.sock.recv(65536):
                body += chunk
        except OSError:
            pass
        return head + body, first


class FaultProxy:
    """Forwards 127.0.0.1:<port> to the AIM store, injecting faults by ``weights``."""

    def __init__(
        self,
        target_port: int,
        rng: random.Random,
        weights: Mapping[str, float] | None = None,
        delay_s: tuple[float, float] = (0.05, 0.3),
    ) -> None:
        self.target_port = target_port
        self.rng = rng
        self.delay_s = delay_s
        self.weights: dict[str, float] = dict(weights or {"pass": 1.0})
        self.script: list[str] = []  # faults for the next requests, in order, before any draw
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._open: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._accept, name="faultproxy", daemon=True)
        self._thread.start()

    def set_weights(self, weights: Mapping[str, float]) -> None:
        unknown = set(weights) - set(FAULTS)
        assert not unknown, unknown
        with self._lock:
            self.weights = dict(weights)

    def _draw(self) -> tuple[str, float]:
        with self._lock:
            names = list(self.weights)
            fault = self.rng.choices(names, [self.weights[n] for n in names])[0]
            if self.script:
                fault = self.script.pop(0)
            delay = self.rng.uniform(*self.delay_s)
            self.counts[fault] += 1
        return fault, delay

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._slots.acquire(timeout=SOCKET_TIMEOUT_S):
                client.close()
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _track(self, sock: socket.socket) -> None:
        sock.settimeout(SOCKET_TIMEOUT_S)
        with self._lock:
            self._open.add(sock)

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        self._track(client)
        try:
            from_client = _Reader(client)
            from_server: _Reader | None = None
            while not self._stopping.is_set():
                request, first = from_client.message(is_reply=False)
                fault, delay = self._draw()
                if fault == "drop":
                    return
                if fault == "delay":
                    time.sleep(delay)
                if upstream is None:
                    upstream = socket.create_connection(("127.0.0.1", self.target_port), 10)
                    self._track(upstream)
                    from_server = _Reader(upstream)
                assert from_server is not None
                upstream.sendall(request)
                reply, _ = from_server.message(is_reply=True, request_method=first.split()[0])
                if fault == "cut":
                    return
                if fault == "truncate":
                    client.sendall(reply[: len(reply) // 2])
                    return
                if fault == "slow_reply":
                    time.sleep(delay)
                client.sendall(reply)
        except (_Closed, OSError, ValueError, IndexError):
            return
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    with self._lock:
                        self._open.discard(sock)
                    sock.close()
            self._slots.release()

    def close(self) -> None:
        self._stopping.set()
        self._listener.close()
        self._thread.join(5)
        with self._lock:
            remaining = list(self._open)
        for sock in remaining:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
