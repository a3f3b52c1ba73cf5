"""Can a hidden small count be worked out from the numbers published beside it?

Every published number says the true count lies in an interval (a count rounded to 5 is
within 2 of it; "fewer than 5" is 1 to 4). Many published numbers are sums of others: a
total of its categories, a quarter of its months, an area of its wards. Interval
reasoning over those sums (bounds propagation to its fixpoint) finds what a reader can
deduce by adding and subtracting. A hidden count whose interval shrinks to one value has
been recovered; ``protect`` then withholds published numbers until none is.

The propagation runs on every sum at once with numpy (a year of tables is some 15,000
sums), so an audit takes tens of milliseconds rather than seconds.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

Key = tuple[Any, ...]  # what a count is, e.g. ("c", scope, period, category)
INF = 10**12  # larger than any real count: "no upper bound"; int64 sums of it stay exact
_MAX_ROUNDS = 10_000


@dataclass(frozen=True)
class Sum:
    """``total`` equals the sum of ``parts``: a relation any reader of the tables knows."""

    total: Key
    parts: tuple[Key, ...]


class Inconsistent(ValueError):
    """The intervals cannot all hold: the published numbers were not made from one data set."""


class System:
    """A fixed set of sums, ready to be reasoned over with different published intervals."""

    def __init__(self, sums: Iterable[Sum]) -> None:
        self.sums = list(sums)
        self.index: dict[Key, int] = {}
        rows, cols, signs = [], [], []
        for row, eq in enumerate(self.sums):
            for key, sign in ((eq.total, -1), *((p, 1) for p in eq.parts)):
                rows.append(row)
                cols.append(self.index.setdefault(key, len(self.index)))
                signs.append(sign)
        self.rows = np.array(rows, dtype=np.int64)
        self.cols = np.array(cols, dtype=np.int64)
        self.plus = np.array(signs, dtype=np.int64) > 0
        # Terms grouped by sum (rows are built in order) and by key, for reduceat.
        self.row_starts = np.flatnonzero(np.r_[True, self.rows[1:] != self.rows[:-1]])
        self.by_col = np.argsort(self.cols, kind="stable")
        sorted_cols = self.cols[self.by_col]
        self.col_starts = np.flatnonzero(np.r_[True, sorted_cols[1:] != sorted_cols[:-1]])
        self.col_keys = sorted_cols[self.col_starts]

    def start(self, known: dict[Key, tuple[int, int]]) -> tuple[NDArray[Any], NDArray[Any]]:
        """Interval arrays (indexed by ``self.index``) holding what is published.

        Keys not in ``known`` are unknown counts: anything from 0 up.
        """
        low = np.zeros(len(self.index), dtype=np.int64)
        high = np.full(len(self.index), INF, dtype=np.int64)
        for key, (lo, hi) in known.items():
            if key in self.index:
                low[self.index[key]], high[self.index[key]] = lo, min(hi, INF)
        return low, high

    def bounds(self, low: NDArray[Any], high: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
        """Each key's interval after every deduction from the sums."""
        for _ in range(_MAX_ROUNDS):
            new_low, new_high = self._step(low, high)
            if (new_low > new_high).any():
                key = next(k for k, i in self.index.items() if new_low[i] > new_high[i])
                raise Inconsistent(f"no count fits {key!r}")
            if np.array_equal(new_low, low) and np.array_equal(new_high, high):
                break
            low, high = new_low, new_high
        return low, high

    def _step(self, low: NDArray[Any], high: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
        """One round of every sum's deductions (written as sum(parts) - total = 0)."""
        lo, hi = low[self.cols], high[self.cols]
        term_min = np.where(self.plus, lo, -hi)
        term_max = np.where(self.plus, hi, -lo)
        act_min = np.add.reduceat(term_min, self.row_starts)[self.rows]
        act_max = np.add.reduceat(term_max, self.row_starts)[self.rows]
        others_min, others_max = act_min - term_min, act_max - term_max
        # A part is minus the others; a total is the others.
        cand_low = np.where(self.plus, -others_max, others_min)[self.by_col]
        cand_high = np.where(self.plus, -others_min, others_max)[self.by_col]
        new_low, new_high = low.copy(), high.copy()
        keys = self.col_keys
        new_low[keys] = np.maximum(low[keys], np.maximum.reduceat(cand_low, self.col_starts))
        best_high = np.minimum(np.minimum.reduceat(cand_high, self.col_starts), INF)
        new_high[keys] = np.minimum(high[keys], best_high)
        return new_low, new_high

    def narrowed(
        self, low: NDArray[Any], high: NDArray[Any], hidden: Iterable[Key], margin: int
    ) -> list[Key]:
        """The hidden keys left with fewer than ``margin`` possible values by the sums."""
        low, high = self.bounds(low, high)
        width = high - low + 1
        return [k for k in hidden if k in self.index and width[self.index[k]] < margin]


def protect(
    known: dict[Key, tuple[int, int]],
    sums: list[Sum],
    hidden: set[Key],
    withheld_interval: Callable[[Key], tuple[int, int]],
    cost: Callable[[Key], int],
    margin: int = 3,
    fixed: Iterable[Key] = (),
) -> set[Key]:
    """The published keys to withhold so that no hidden key is recovered.

    Bounds propagation can leave an interval a little wider than an exact reader (an
    integer programme) would: here it once said "1 or 2" where only 1 fits. So a hidden
    count must keep ``margin`` possible values by this reasoning, not merely two.

    Greedy secondary suppression: for each pinned hidden count, withhold the cheapest
    number in a sum beside it (widening outwards if none is left there), then reason again
    from scratch, until nothing is pinned. A hidden count may be withheld too: "fewer than
    5" says it is not 0, which four such parts of a "fewer than 5" sum turn into "each is
    1". ``known`` holds every published key's interval; ``withheld_interval`` says what a
    reader still knows of a withheld one; ``fixed`` keys were published before (or are
    facts a reader knows) and cannot be withheld.
    """
    system = System(sums)
    by_key: dict[Key, list[Sum]] = defaultdict(list)
    for eq in sums:
        for key in (eq.total, *eq.parts):
            by_key[key].append(eq)
    low, high = system.start(known)
    current = dict(known)
    frozen = set(fixed)
    withheld: set[Key] = set()

    def withhold(choice: Key) -> None:
        withheld.add(choice)
        current[choice] = withheld_interval(choice)
        index = system.index[choice]
        low[index], high[index] = current[choice][0], min(current[choice][1], INF)

    ordered_hidden = sorted(hidden, key=repr)
    while pinned := system.narrowed(low, high, ordered_hidden, margin):
        withheld_now: set[Key] = set()
        for key in pinned:
            if withheld_now & {k for eq in by_key[key] for k in (eq.total, *eq.parts)}:
                continue  # something beside it has just gone: reason again first
            choice = _cheapest_nearby(key, by_key, current, withheld | frozen, cost)
            if choice is None and key not in withheld | frozen:
                choice = key  # its neighbours are all gone or exact: hide it further
            if choice is None:
                continue  # what went this round may have freed it: reason again first
            withheld_now.add(choice)
            withhold(choice)
        if not withheld_now:  # nothing withholdable nearby: the cheapest anywhere goes
            rest = [
                k
                for k, interval in current.items()
                if interval[1] > 0 and k not in withheld | frozen and k in system.index
            ]
            if not rest:
                # Everything that may go has gone: what still pins a count is what was
                # published before and what a reader knows changed since, which no number
                # of this publication can take back (a new version after withdrawals).
                return withheld
            withhold(min(rest, key=lambda k: (cost(k), repr(k))))
    return withheld


def _cheapest_nearby(
    start: Key,
    by_key: dict[Key, list[Sum]],
    known: dict[Key, tuple[int, int]],
    not_candidates: set[Key],
    cost: Callable[[Key], int],
) -> Key | None:
    seen = {start}
    frontier = [start]
    while frontier:
        ring = {k for key in frontier for eq in by_key[key] for k in (eq.total, *eq.parts)}
        ring -= seen
        # A published 0 stays: it is exact, and withholding it would say it is not 0.
        candidates = [k for k in ring if known.get(k, (0, 0))[1] > 0 and k not in not_candidates]
        if candidates:
            return min(candidates, key=lambda k: (cost(k), repr(k)))
        seen |= ring
        frontier = list(ring)
    return None
