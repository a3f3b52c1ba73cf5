"""Who read which summary for which period: audited, coalesced, written in the background.

Reading a summary is how someone would probe it (upload, read, withdraw), so each read is
recorded as ``summary_read`` with the reader, the summary and the period. Repeated reads
of the same summary and period by the same reader within the hour make one row, and rows
are written together every second or so by one thread, in one transaction: a read never
waits for a write of its own to reach the disk.
"""

import logging
import threading
import time
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from wardapp.aimstore import audit

_FLUSH_SECONDS = 1.0
_SEEN_LIMIT = 100_000  # coalescing memory; cleared each hour anyway
_PENDING_LIMIT = 100_000  # rows kept while the database is away; the newest beyond go
log = logging.getLogger(__name__)


class SummaryReads:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()
        self._pending: list[tuple[int, str, str, str, str, datetime]] = []
        self._seen: set[tuple[int, str, str, int]] = set()
        self._hour = -1
        self._wake = threading.Event()
        self._writer: threading.Thread | None = None

    def read(self, user_id: int, username: str, summary: str, period: str, client: str) -> None:
        """Note one read; the first of each reader, summary and period in an hour is kept."""
        now = datetime.now(UTC)
        hour = int(now.timestamp() // 3600)
        with self._lock:
            if hour != self._hour or len(self._seen) > _SEEN_LIMIT:
                self._seen.clear()
                self._hour = hour
            key = (user_id, summary, period, hour)
            if key in self._seen:
                return
            self._seen.add(key)
            self._pending.append((user_id, username, summary, period, client, now))
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(target=self._run, name="summary-reads", daemon=True)
                self._writer.start()
        self._wake.set()

    def flush(self) -> int:
        """Write what is pending now (also at shutdown); returns the rows written."""
        with self._lock:
            rows, self._pending = self._pending, []
        if not rows:
            return 0
        try:
            with self._sessions() as session, session.begin():
                for user_id, username, summary, period, client, at in rows:
                    audit.record(
                        session,
                        "summary_read",
                        actor_name=username,
                        actor_id=user_id,
                        target=summary,
                        detail={"period": period},
                        client=client,
                        at=at,
                    )
        except Exception:
            with self._lock:  # kept for the next try, up to a limit of memory
                self._pending[:0] = rows
                del self._pending[_PENDING_LIMIT:]
            raise
        return len(rows)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            time.sleep(_FLUSH_SECONDS)  # gather the reads of the next moment
            try:
                self.flush()
            except Exception:  # the database is away: the rows are kept for the next try
                log.warning("summary reads not written yet; trying again", exc_info=True)
                self._wake.set()
