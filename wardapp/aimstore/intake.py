"""Every request body is in, on time and within its limits, before the request is admitted.

The admission limit (admission.py) lets only a few requests in at once. A request that took
its turn and then waited for a body arriving a byte at a time kept everybody else out, so
eight such sockets stalled the store. Here, outside the admission limit, each body is read
whole first. It must arrive at the pace ``bodylimits.Pace`` sets (else 408), be no larger
than its route's limit (``bodylimits.BodyLimits``; else 413) and, as JSON, nest no
deeper than ``JSON_DEPTH_MAX`` (else 422). One client address may have at most
``per_client`` bodies still arriving at once (else 429); the address is the one uvicorn took
from X-Forwarded-For when the connection came from a trusted proxy (transport.py). Bodies
over ``SPOOL_OVER`` bytes wait in a temporary file, not in memory.
"""

import tempfile
from collections import Counter
from typing import IO, Any

import anyio
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wardapp.aimstore.bodylimits import JSON_DEPTH_MAX, BodyLimits, Pace, nested_deeper_than
from wardapp.aimstore.errors import error_response

SPOOL_OVER = 1024 * 1024
# A body still missing this long after its headers counts as arriving (toward per_client).
QUICK_S = 0.05


class Refused(Exception):
    def __init__(self, status: int, error: str, message: str, **fields: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.fields = status, error, message, fields


class ClientGone(Exception):
    """The client closed the connection before its body was in: nobody to answer."""


class RequestIntake:
    def __init__(self, app: ASGIApp, limits: BodyLimits, pace: Pace, per_client: int) -> None:
        self.app = app
        self.limits = limits
        self.pace = pace
        self.per_client = per_client
        self.arriving: Counter[str] = Counter()  # bodies still arriving, by client address

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_body(headers := Headers(scope=scope)):
            await self.app(scope, receive, send)
            return
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_OVER) as body:
            try:
                size = await self._read(scope, headers, receive, body)
                if _is_json(headers):
                    body.seek(0)
                    if nested_deeper_than(body.read(), JSON_DEPTH_MAX):
                        raise Refused(
                            422,
                            "invalid_request",
                            f"The JSON nests more than {JSON_DEPTH_MAX} levels deep.",
                            body=f"At most {JSON_DEPTH_MAX} levels of arrays and objects.",
                        )
            except ClientGone:
                return
            except Refused as refused:
                close = {"connection": "close"} if refused.status != 422 else {}
                response = error_response(
                    refused.status, refused.error, refused.message, refused.fields, close
                )
                await response(scope, receive, send)
                return
            body.seek(0)
            await self.app(scope, _replay(body, size, receive), send)

    async def _read(self, scope: Scope, headers: Headers, receive: Receive, body: IO[bytes]) -> int:
        """Receives the whole body into ``body``; returns its size or raises Refused."""
        limit = self.limits.for_path(scope["path"])
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(limit)
        client = scope.get("client")
        address = str(client[0]) if client else "unknown"
        started = anyio.current_time()
        received = 0
        counted = False
        try:
            while True:
                deadline = self.pace.deadline(started, received)
                if not counted:
                    deadline = min(deadline, anyio.current_time() + QUICK_S)
                message: Message | None = None
                with anyio.move_on_after(max(0.0, deadline - anyio.current_time())):
                    message = await receive()
                if message is None and counted:
                    raise Refused(
                        408,
                        "request_timeout",
                        "The request arrived too slowly; try again on a better connection.",
                    )
                if message is not None:
                    if message["type"] != "http.request":
                        raise ClientGone
                    chunk: bytes = message.get("body", b"")
                    received += len(chunk)
                    if received > limit:
                        raise _too_large(limit)
                    body.write(chunk)  # to memory, or a page-cache write: not worth a thread
                    if not message.get("more_body", False):
                        return received
                if not counted:
                    counted = True
                    self.arriving[address] += 1
                    if self.arriving[address] > self.per_client:
                        raise Refused(
                            429,
                            "too_many_requests",
                            "Too many unfinished requests from your address; "
                            "wait for them to finish.",
                        )
        finally:
            if counted:
                self.arriving[address] -= 1
                if not self.arriving[address]:
                    del self.arriving[address]


def _has_body(headers: Headers) -> bool:
    return "transfer-encoding" in headers or headers.get("content-length", "0") != "0"


def _is_json(headers: Headers) -> bool:
    """FastAPI parses a body as JSON when it says so, and when it names no type at all."""
    kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return not kind or kind == "application/json" or kind.endswith("+json")


def _too_large(limit: int) -> Refused:
    return Refused(413, "too_large", f"The request body is over {limit} bytes; send less at once.")


def _replay(body: IO[bytes], size: int, receive: Receive) -> Receive:
    """The body again, a megabyte at a time; then the real receive (for the disconnect)."""
    left = size

    async def replay() -> Message:
        nonlocal left
        if left < 0:
            return await receive()
        chunk = body.read(SPOOL_OVER)
        left -= len(chunk)
        more = left > 0
        if not more:
            left = -1
        message: dict[str, Any] = {"type": "http.request", "body": chunk, "more_body": more}
        return message

    return replay
