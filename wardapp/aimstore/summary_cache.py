"""Audited years kept in memory: auditing a year takes a second or two, a lookup none.

Reports that arrive late, about months that are over, change a year's counts. Auditing the
year again on every such change made every summary reader wait behind an audit when many
councillors synced at once, so a year whose counts changed is audited again at most every
``refresh_s`` seconds; until then readers get the last audited tables. Those are a complete,
audited publication, only a little older. Anything else that shapes the tables (areas,
taxonomy, boundaries, policy, which months are over) is never served stale.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from wardapp.core.anonymise import PublishedYear


@dataclass(frozen=True)
class _Entry:
    shape: object
    counts: int
    made_at: float
    published: PublishedYear


class SummaryCache:
    """Audited years of this process, each with what it was made from and when."""

    def __init__(self, refresh_s: float = 0.0, clock: Callable[[], float] = time.monotonic):
        self.refresh_s = refresh_s
        self._clock = clock
        self._lock = threading.Lock()  # guards the dictionaries below, held only briefly
        self._entries: dict[int, _Entry] = {}
        self._auditing: dict[int, threading.Lock] = {}

    def year(
        self, year: int, shape: object, counts: int, make: Callable[[], PublishedYear]
    ) -> PublishedYear:
        """The year's tables for this ``shape`` and ``counts`` version, or recent enough ones."""
        with self._lock:
            usable = self._usable(year, shape, counts)
            if usable is not None:
                return usable
            auditing = self._auditing.setdefault(year, threading.Lock())
            if auditing.locked():  # someone is auditing it: a usable older copy will do
                entry = self._entries.get(year)
                if entry is not None and entry.shape == shape:
                    return entry.published
        with auditing:  # one audit of a year at a time; the others wait for its answer
            with self._lock:
                usable = self._usable(year, shape, counts)
            if usable is not None:
                return usable
            published = make()
            with self._lock:
                self._entries[year] = _Entry(shape, counts, self._clock(), published)
            return published

    def _usable(self, year: int, shape: object, counts: int) -> PublishedYear | None:
        entry = self._entries.get(year)
        if entry is None or entry.shape != shape:
            return None
        if entry.counts >= counts or self._clock() - entry.made_at < self.refresh_s:
            return entry.published
        return None
