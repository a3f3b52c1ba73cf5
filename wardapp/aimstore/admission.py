"""At most N requests inside the store at once; the rest wait in the event loop.

FastAPI runs a sync route, and then the validation of its response, on worker threads from
one shared pool (40 threads). The request's transaction commits only after that validation,
so a request holding a database connection (and perhaps the change-counter lock) can wait for
a free thread while every thread waits for that connection or lock: under 50 clients the
store stalled until the pool's 30 s timeout. Admitting fewer requests than there are threads
and database connections means every admitted request always finds both.
"""

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

# FastAPI's worker threads (anyio's default limiter); admitted requests must stay below it.
WORKER_THREADS = 40


class AdmissionLimit:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        if not 0 < limit < WORKER_THREADS:
            raise ValueError(f"the limit must be between 1 and {WORKER_THREADS - 1}")
        self.app = app
        self.limit = limit
        self._gate: anyio.Semaphore | None = None  # made in the event loop that uses it

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._gate is None:
            self._gate = anyio.Semaphore(self.limit)
        async with self._gate:
            await self.app(scope, receive, send)
