"""How uvicorn serves the store: a deadline for request headers, and whose addresses to trust.

uvicorn has no timeout for a request that is still arriving: its keep-alive timer only runs
between requests and stops at the first byte, so a client sending a header line now and then
keeps its connection (and a file descriptor) for ever. ``HeaderDeadlineProtocol`` closes a
connection whose request line and headers are not complete within ``header_timeout`` seconds
of the connection opening, or of the first byte of a later request on it. Bodies have their
own deadline in ``intake.RequestIntake``, which sees the forwarded client address.
"""

import asyncio
import functools
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from wardapp.aimstore.settings import AimStoreSettings

# The request line and headers together; the apps send well under 2 KiB.
MAX_HEADER_BYTES = 64 * 1024


def _refusal(status: bytes, error: bytes, message: bytes) -> bytes:
    body = b'{"error":"%s","message":"%s","fields":{}}' % (error, message)
    return (
        b"HTTP/1.1 %s\r\ncontent-type: application/json\r\nconnection: close\r\n"
        b"content-length: %d\r\n\r\n%s" % (status, len(body), body)
    )


TOO_SLOW = _refusal(
    b"408 Request Timeout", b"request_timeout", b"The request headers arrived too slowly."
)
TOO_LONG = _refusal(
    b"431 Request Header Fields Too Large", b"too_large", b"The request headers are too long."
)


class HeaderDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline on each request's line and headers."""

    def __init__(self, *args: Any, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timeout = header_timeout
        self._header_timer: asyncio.TimerHandle | None = None
        self._header_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._header_timer is not None:  # the headers are still incomplete after this
            self._header_bytes += len(data)
            if self._header_bytes > MAX_HEADER_BYTES:
                self._refuse(TOO_LONG)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def _arm(self) -> None:
        if self._header_timer is None:
            self._header_bytes = 0
            self._header_timer = self.loop.call_later(self._header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _too_slow(self) -> None:
        self._header_timer = None
        self._refuse(TOO_SLOW)

    def _refuse(self, answer: bytes) -> None:
        self._disarm()
        if not self.transport.is_closing():
            self.transport.write(answer)
            self.transport.close()


def uvicorn_options(settings: AimStoreSettings) -> dict[str, Any]:
    """What ``uvicorn.run`` needs beyond the app, host and port (a partial pickles by
    reference, so worker processes get the same protocol)."""
    return {
        "http": functools.partial(
            HeaderDeadlineProtocol, header_timeout=settings.header_timeout_seconds
        ),
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
        # Idle connections between requests: the apps reuse theirs within a sync.
        "timeout_keep_alive": 5,
    }
