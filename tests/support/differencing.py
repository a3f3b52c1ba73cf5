"""A reader who tries to work out hidden small counts from published summaries.

Exact, unlike the store's own audit: an integer programme (scipy's HiGHS) over the raw
counts behind every published table, constrained by every published number, asked for
the smallest and largest value each hidden count can take. A hidden count with one
possible value has been recovered. Built only from what the API publishes, and from what
changed between two versions of a month (``Change``), which the reader is taken to know
exactly, as someone who made every change would, except where a bucket was empty before or
after (then knowing the change is knowing the count).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from wardapp.core.anonymise import Cut


@dataclass
class PublishedTable:
    """One published table as a reader sees it: which raw buckets it adds up, and its numbers."""

    name: str
    wards: list[str]
    months: list[str]
    categories: dict[str, int | None]  # None: not shown ("fewer than 5" or withheld)
    category_reasons: dict[str, str]
    total: int | None
    total_reason: str
    hotspots: dict[str, int] = field(default_factory=dict)
    cuts: dict[str, str] = field(default_factory=dict)  # month -> data cut; default "1"

    def cut(self, month: str) -> str:
        return self.cuts.get(month, "1")


@dataclass
class Change:
    """Between two cuts of one month: how much each bucket changed (added minus withdrawn)."""

    month: str
    before: str
    after: str
    net: dict[tuple[str, str], int] = field(default_factory=dict)  # (ward, category)
    net_hexes: dict[tuple[str, str], int] = field(default_factory=dict)  # (ward, cell)
    # Buckets empty before: every report in them now is a change, known to this reader.
    fresh: dict[tuple[str, str], int] = field(default_factory=dict)  # (ward, category)


def published_table(
    name: str, wards: list[str], months: list[str], body: dict[str, Any], cut: str = "1"
) -> PublishedTable:
    """A ward or area summary as the API answered it, as this reader reads it."""
    reason = {None: "", "small": "fewer_than_min", "withheld": "withheld"}
    return PublishedTable(
        name=f"{name}#{cut}",
        wards=wards,
        months=months,
        categories={c["code"]: c["count"] for c in body["categories"]},
        category_reasons={c["code"]: reason[c["reason"]] for c in body["categories"]},
        total=body["total"],
        total_reason=reason[body["total_reason"]],
        hotspots={
            f["properties"]["cell"]: f["properties"]["count"] for f in body["hotspots"]["features"]
        },
        cuts=dict.fromkeys(months, cut),
    )


def change_between(old: Cut, new: Cut, month: str, before: str, after: str) -> Change:
    """What changed in each bucket of a month between two cuts, where neither side is empty."""

    def net(a: dict[tuple[str, str], int], b: dict[tuple[str, str], int]) -> Any:
        return {k: b[k] - a[k] for k in set(a) & set(b) if a[k] and b[k]}

    def hexes(cut: Cut) -> dict[tuple[str, str], int]:
        return {k: reporters.total() for k, reporters in cut.hexes.items()}

    fresh = {k: n for k, n in new.counts.items() if n and not old.counts.get(k)}
    return Change(
        month, before, after, net(old.counts, new.counts), net(hexes(old), hexes(new)), fresh
    )


@dataclass(frozen=True)
class Rules:
    min_count: int = 5
    rounding: int = 5
    hex_min_reports: int = 6  # 5 beside the largest reporter, who has at least 1

    def interval(self, count: int | None, reason: str) -> tuple[float, float]:
        if count is None:
            return (1, self.min_count - 1) if reason == "fewer_than_min" else (1, np.inf)
        if count == 0:
            return (0, 0)
        low = count - self.rounding // 2
        return (max(low, self.min_count), low + self.rounding - 1)


def recovered(
    tables: list[PublishedTable], rules: Rules = Rules(), changes: Iterable[Change] = ()
) -> list[tuple[str, str, int]]:
    """(table, number, value) for every hidden count of 1-4 a reader can pin down exactly."""
    variables: dict[tuple[str, ...], int] = {}

    def var(*key: str) -> int:
        return variables.setdefault(key, len(variables))

    wards = sorted({w for t in tables for w in t.wards})
    month_cuts = sorted({(m, t.cut(m)) for t in tables for m in t.months})
    categories = sorted({c for t in tables for c in t.categories})
    cells = sorted({c for t in tables for c in t.hotspots})
    rows: list[tuple[dict[int, float], float, float]] = []
    for ward in wards:
        for month, cut in month_cuts:
            # Every report of a bucket is in one category and in one hexagon (or elsewhere).
            link = {var("a", ward, month, cut, c): 1.0 for c in categories}
            for cell in cells:
                link[var("h", ward, month, cut, cell)] = -1.0
            link[var("rest", ward, month, cut)] = -1.0
            rows.append((link, 0, 0))
    changes = list(changes)
    known: dict[tuple[str, str, str, str], int] = {}  # (ward, month, cut, category)
    for change in changes:
        for (ward, code), n in change.fresh.items():
            known[(ward, change.month, change.after, code)] = n
    for change in changes:
        buckets = [("a", key, n) for key, n in change.net.items()]
        buckets += [("h", key, n) for key, n in change.net_hexes.items()]
        for kind, (ward, what), n in buckets:
            after = var(kind, ward, change.month, change.after, what)
            before = var(kind, ward, change.month, change.before, what)
            rows.append(({after: 1.0, before: -1.0}, n, n))
    hidden: list[tuple[str, str, dict[int, float], int]] = []
    for table in tables:
        buckets = [(w, m, table.cut(m)) for w in table.wards for m in table.months]
        for code, count in table.categories.items():
            terms = {var("a", w, m, k, code): 1.0 for w, m, k in buckets}
            reason = table.category_reasons.get(code, "")
            rows.append((terms, *rules.interval(count, reason)))
            if count is None:
                mine = sum(known.get((w, m, k, code), 0) for w, m, k in buckets)
                hidden.append((table.name, code, terms, mine))
        total = {var("a", w, m, k, c): 1.0 for w, m, k in buckets for c in categories}
        rows.append((total, *rules.interval(table.total, table.total_reason)))
        if table.total is None:
            mine = sum(known.get((w, m, k, c), 0) for w, m, k in buckets for c in categories)
            hidden.append((table.name, "total", total, mine))
        for cell, count in table.hotspots.items():
            terms = {var("h", w, m, k, cell): 1.0 for w, m, k in buckets}
            low = max(count - rules.rounding // 2, rules.hex_min_reports)
            rows.append((terms, low, count - rules.rounding // 2 + rules.rounding - 1))
    matrix = lil_matrix((len(rows), len(variables)))
    lower, upper = np.empty(len(rows)), np.empty(len(rows))
    for index, (terms, low, high) in enumerate(rows):
        for column, coefficient in terms.items():
            matrix[index, column] = coefficient
        lower[index], upper[index] = low, high
    constraint = LinearConstraint(matrix.tocsr(), lower, upper)
    integral = np.ones(len(variables))
    found = []
    for name, number, terms, mine in hidden:
        objective = np.zeros(len(variables))
        for column in terms:
            objective[column] = 1.0
        low = _solve(objective, constraint, integral)
        high = -_solve(-objective, constraint, integral)
        # A withheld number pinned at 5 or more says nothing about a small count (the
        # policy would have shown it, rounded); one pinned at 1-4 is a disclosure, unless
        # it is all reports the reader knows (put into buckets that were empty before).
        if round(low) == round(high) and mine < round(low) < rules.min_count:
            found.append((name, number, round(low)))
    return found


# No real count comes near this; it keeps a withheld number's maximum finite.
CEILING = 1_000_000


def _solve(objective: np.ndarray, constraint: LinearConstraint, integral: np.ndarray) -> float:
    bounds = Bounds(np.zeros(len(objective)), np.full(len(objective), CEILING))
    result = milp(objective, constraints=constraint, integrality=integral, bounds=bounds)
    if result.status != 0:
        raise AssertionError(f"the published numbers are inconsistent: {result.message}")
    return float(result.fun)


def tables_of(published: Iterable[PublishedTable], names: Iterable[str]) -> list[PublishedTable]:
    wanted = set(names)
    return [t for t in published if t.name in wanted]
