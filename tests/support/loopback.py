"""Small web servers on 127.0.0.1 for the client's transport tests, plain or TLS.

Each server records every request that reached it (method, path, body) and answers with
a function the test gives, so a test can say both what the app was told and what it sent.
TLS servers carry a certificate from a certificate authority made for the test (trustme),
which no computer trusts unless told to.
"""

import contextlib
import select
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

import trustme


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    body: bytes


Answer = Callable[[BaseHTTPRequestHandler], None]


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    """A complete reply with a Content-Length; extra headers by name (``Location=...``)."""
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def json_ok(handler: BaseHTTPRequestHandler) -> None:
    send(
        handler,
        200,
        b'{"type": "FeatureCollection", "features": []}',
        Content_Type="application/json",
    )


class LoopbackServer:
    """Serves ``answer`` on a free loopback port in a thread until ``stop()``."""

    def __init__(self, answer: Answer = json_ok, tls: ssl.SSLContext | None = None) -> None:
        self.answer = answer
        self.seen: list[Seen] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                owner.seen.append(Seen(self.command, self.path, body))
                owner.answer(self)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, format: str, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # a client that hangs up on purpose is not a failure of the server

        self._server = Server(("127.0.0.1", 0), Handler)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "LoopbackServer":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@dataclass
class LocalAuthority:
    """A certificate authority of the test's own, and its certificate as a PEM file."""

    ca: trustme.CA
    bundle: Path

    @classmethod
    def make(cls, folder: Path, name: str = "test-ca") -> "LocalAuthority":
        ca = trustme.CA()
        bundle = folder / f"{name}.pem"
        ca.cert_pem.write_to_path(str(bundle))
        return cls(ca, bundle)

    def server_context(self, *names: str, expired: bool = False) -> ssl.SSLContext:
        """A TLS server context whose certificate names ``names`` (default 127.0.0.1)."""
        if expired:
            now = datetime.now(UTC)
            cert = self.ca.issue_cert(
                *(names or ("127.0.0.1",)),
                not_before=now - timedelta(days=30),
                not_after=now - timedelta(days=1),
            )
        else:
            cert = self.ca.issue_cert(*(names or ("127.0.0.1",)))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(context)
        return context


class ConnectProxy:
    """An HTTP proxy on loopback that tunnels CONNECT, as a managed network's proxy does;
    ``tunnels`` lists the host:port of each tunnel asked for."""

    def __init__(self) -> None:
        self.tunnels: list[str] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # closed
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        with contextlib.suppress(OSError), client:  # a refused handshake resets the tunnel
            head = b""
            while b"\r\n\r\n" not in head and (chunk := client.recv(4096)):
                head += chunk
            target = head.split(b"\r\n")[0].split()[1].decode()
            self.tunnels.append(target)
            host, port = target.rsplit(":", 1)
            with socket.create_connection((host, int(port))) as upstream:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                ends = {client: upstream, upstream: client}
                while ready := select.select(list(ends), [], [], 5)[0]:
                    for end in ready:
                        data = end.recv(65536)
                        if not data:
                            return
                        ends[end].sendall(data)

    def stop(self) -> None:
        self._listener.close()
