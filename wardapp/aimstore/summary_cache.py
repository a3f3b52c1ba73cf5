"""Audited years kept in memory: auditing a year takes about half a second, a lookup none."""

import threading
from collections.abc import Callable

from wardapp.core.anonymise import PublishedYear


class SummaryCache:
    """Audited years of this process, each with the stamp it was made under."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._years: dict[int, tuple[object, PublishedYear]] = {}

    def year(self, stamp: object, year: int, make: Callable[[], PublishedYear]) -> PublishedYear:
        with self._lock:  # one audit at a time; the others wait for its answer
            cached = self._years.get(year)
            if cached is None or cached[0] != stamp:
                self._years[year] = (stamp, make())
            return self._years[year][1]
