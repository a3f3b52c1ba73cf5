"""The anonymisation policy: the only numbers about other people's reports a ward member sees.

Counts live in fixed buckets (ward or area x category x month, quarter, year); a count of
1 to 4 is shown as "fewer than 5"; every other count and every total is rounded to 5 on
its own; hot spots are H3 hexagons with enough reports from enough reporters; sensitive
categories are left out of everything. Because totals, areas and quarters are rounded
independently of their parts, the tables of a whole year are published together and
audited (``disclosure``): where a reader could narrow a hidden small count too far, more
is withheld, first small counts themselves ("fewer than 5" becomes "not shown"), then hot
spots, then categories, and totals last. Thresholds come in a ``Policy`` (the AIM store's
settings).
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import h3  # type: ignore[import-untyped]

from wardapp.core.disclosure import INF, Key, Sum, protect
from wardapp.core.periods import Period, is_closed, months_of, quarters_of, year_periods

Scope = tuple[str, str]  # ("ward", code) or ("area", code)
TableKey = tuple[Scope, str]  # (scope, period label)


@dataclass(frozen=True)
class Policy:
    """Thresholds of the information-sharing protocol (defaults as agreed by the partnership)."""

    min_count: int = 5  # counts 1 .. min_count-1 are never shown
    rounding: int = 5  # shown counts are rounded to the nearest multiple
    hex_min_reports: int = 5
    hex_min_reporters: int = 2
    h3_resolution: int = 8

    def __post_init__(self) -> None:
        if self.rounding < 1 or self.min_count < 1:
            raise ValueError("min_count and rounding must be at least 1")
        if self.min_count <= self.rounding // 2:
            raise ValueError("min_count must exceed half the rounding, or a count could show as 0")
        if self.hex_min_reports < self.min_count or self.hex_min_reporters < 1:
            raise ValueError("hex_min_reports must be at least min_count; reporters at least 1")
        if not 0 <= self.h3_resolution <= 15:
            raise ValueError("h3_resolution must be between 0 and 15")

    def rounded(self, count: int) -> int:
        return (count + self.rounding // 2) // self.rounding * self.rounding

    def show(self, count: int) -> "Shown":
        if 0 < count < self.min_count:
            return Shown(None, "fewer_than_min")
        return Shown(self.rounded(count))

    def interval(self, shown: "Shown") -> tuple[int, int]:
        """What a reader knows of the true count behind ``shown``."""
        if shown.reason == "fewer_than_min":
            return (1, self.min_count - 1)
        if shown.reason == "withheld":  # never a 0; may be small or large
            return (1, INF)
        assert shown.count is not None
        if shown.count == 0:
            return (0, 0)
        low = shown.count - self.rounding // 2
        return (max(low, self.min_count), low + self.rounding - 1)

    def hex_interval(self, count: int) -> tuple[int, int]:
        low = count - self.rounding // 2
        return (max(low, self.hex_min_reports), low + self.rounding - 1)


@dataclass(frozen=True)
class Shown:
    """A published count: a number, or None with the reason it is not shown."""

    count: int | None
    reason: Literal["", "fewer_than_min", "withheld"] = ""

    @property
    def suppressed(self) -> bool:
        return self.count is None


def hex_cell(lat: float, lon: float, policy: Policy) -> str:
    return str(h3.latlng_to_cell(lat, lon, policy.h3_resolution))


@dataclass
class YearFacts:
    """One calendar year of raw counts, as the store's aggregates hold them.

    ``hexes`` must already leave out sensitive categories (the store filters them when it
    reads); ``counts`` may hold them, since ``publish_year`` only uses the codes it is given.
    """

    year: int
    counts: dict[tuple[str, int, str], int] = field(default_factory=dict)  # ward, month, cat
    hexes: dict[tuple[str, int, str], Counter[str]] = field(default_factory=dict)  # -> reporters

    def add(
        self, ward: str, month: int, category: str, cell: str, reporter: str, sensitive: bool
    ) -> None:
        """Count one report (used by tests and by a rebuild from raw reports)."""
        key = (ward, month, category)
        self.counts[key] = self.counts.get(key, 0) + 1
        if not sensitive:
            self.hexes.setdefault((ward, month, cell), Counter())[reporter] += 1


@dataclass
class Table:
    """What one ward or area shows for one period."""

    categories: dict[str, Shown]
    total: Shown
    hotspots: dict[str, int]  # H3 cell -> rounded count


@dataclass
class PublishedYear:
    year: int
    tables: dict[TableKey, Table]


@dataclass
class _Raw:
    categories: Counter[str] = field(default_factory=Counter)
    hexes: dict[str, Counter[str]] = field(default_factory=dict)

    def merge(self, other: "_Raw") -> None:
        self.categories.update(other.categories)
        for cell, reporters in other.hexes.items():
            self.hexes.setdefault(cell, Counter()).update(reporters)


def publish_year(
    facts: YearFacts,
    categories: list[str],
    wards: Iterable[str],
    areas: Mapping[str, Iterable[str]],
    today: date,
    policy: Policy,
) -> PublishedYear:
    """Every table of the year's closed periods, each ward and each area, audited together.

    ``categories`` are the codes that may be shown (the taxonomy without sensitive ones).
    """
    ward_codes = list(wards)
    members = {a: [w for w in ws if w in set(ward_codes)] for a, ws in areas.items()}
    closed = [p for p in year_periods(facts.year) if is_closed(p, today)]
    raw = _raw_tables(facts, categories, ward_codes, members, closed)
    tables = {key: _primary(r, categories, policy) for key, r in raw.items()}
    cells: dict[Scope, set[str]] = {}
    for (scope, _), r in raw.items():
        cells.setdefault(scope, set()).update(r.hexes)
    model = _Model(tables, categories, cells, members, closed, policy)
    for key in model.protect():
        kind, scope, period, *rest = key
        table = tables[(scope, period)]
        if kind == "t":
            table.total = Shown(None, "withheld")
        elif kind == "c":
            table.categories[rest[0]] = Shown(None, "withheld")
        else:
            table.hotspots.pop(rest[0])
    return PublishedYear(facts.year, tables)


def _raw_tables(
    facts: YearFacts,
    categories: list[str],
    wards: list[str],
    members: dict[str, list[str]],
    closed: list[Period],
) -> dict[TableKey, _Raw]:
    hexes_by_month: dict[tuple[str, int], dict[str, Counter[str]]] = {}
    for (ward, m, cell), reporters in facts.hexes.items():
        hexes_by_month.setdefault((ward, m), {})[cell] = reporters
    raw: dict[TableKey, _Raw] = {}
    for period in closed:
        for ward in wards:
            table = _Raw()
            for m in (month.start.month for month in months_of(period)):
                for code in categories:
                    table.categories[code] += facts.counts.get((ward, m, code), 0)
                table.merge(_Raw(hexes=hexes_by_month.get((ward, m), {})))
            raw[(("ward", ward), period.label)] = table
        for area, area_wards in members.items():
            table = _Raw()
            for ward in area_wards:
                table.merge(raw[(("ward", ward), period.label)])
            raw[(("area", area), period.label)] = table
    return raw


def _primary(raw: _Raw, categories: list[str], policy: Policy) -> Table:
    return Table(
        categories={c: policy.show(raw.categories[c]) for c in categories},
        total=policy.show(sum(raw.categories[c] for c in categories)),
        hotspots={
            cell: policy.rounded(sum(reporters.values()))
            for cell, reporters in sorted(raw.hexes.items())
            if sum(reporters.values()) >= policy.hex_min_reports
            and len(+reporters) >= policy.hex_min_reporters
        },
    )


# What to withhold first when a small count could be worked out: a count already hidden
# ("fewer than 5" becomes "not shown", which costs the reader least), then a hot spot,
# then a category, and a total last (the trend and the map's comparison need totals).
_COST = {"h": 1, "c": 2, "t": 3}


class _Model:
    """The relations a reader knows between the year's published numbers, for the audit."""

    def __init__(
        self,
        tables: dict[TableKey, Table],
        categories: list[str],
        cells: dict[Scope, set[str]],
        members: dict[str, list[str]],
        closed: list[Period],
        policy: Policy,
    ) -> None:
        self.tables, self.policy = tables, policy
        self.categories, self.members = categories, members
        self.closed = closed
        self.labels = [p.label for p in closed]
        # The cells where a scope has reports this year partition its reports exactly. A
        # reader may not know which cells are empty; assuming they do is the cautious side.
        self.cells = {scope: sorted(found) for scope, found in cells.items()}
        self.has = cells

    def protect(self) -> set[Key]:
        known: dict[Key, tuple[int, int]] = {}
        hidden: set[Key] = set()
        for (scope, period), table in self.tables.items():
            for code, shown in table.categories.items():
                known[("c", scope, period, code)] = self.policy.interval(shown)
                if shown.suppressed:
                    hidden.add(("c", scope, period, code))
            known[("t", scope, period)] = self.policy.interval(table.total)
            if table.total.suppressed:
                hidden.add(("t", scope, period))
            for cell, count in table.hotspots.items():
                known[("h", scope, period, cell)] = self.policy.hex_interval(count)

        def withheld(key: Key) -> tuple[int, int]:
            # A withheld count is never 0 (a 0 is exact and stays), nothing more is said.
            return (1, INF) if key[0] in "ct" else (0, INF)

        def cost(key: Key) -> int:
            if key in hidden:
                return 0
            return 10 * _COST[key[0]] + (0 if key[1][0] == "area" else 5)

        margin = min(3, self.policy.min_count - 1)  # [1, 2] is all a min_count of 3 leaves
        return protect(known, self._sums(), hidden, withheld, cost, margin)

    def _sums(self) -> list[Sum]:
        sums: list[Sum] = []
        for scope in self.cells:
            for label in self.labels:
                sums += self._within(scope, label)
            for parent, children in self._period_parts():
                sums += self._over(scope, parent, [(scope, c) for c in children])
        for area, area_wards in self.members.items():
            for label in self.labels:
                parts = [(("ward", w), label) for w in area_wards]
                sums += self._over(("area", area), label, parts)
        return sums

    def _within(self, scope: Scope, label: str) -> list[Sum]:
        """A total is the sum of its categories, and of its hexagons."""
        total = ("t", scope, label)
        return [
            Sum(total, tuple(("c", scope, label, c) for c in self.categories)),
            Sum(total, tuple(("h", scope, label, c) for c in self.cells[scope])),
        ]

    def _over(self, scope: Scope, label: str, parts: list[TableKey]) -> list[Sum]:
        """The table (scope, label) is the sum of the tables ``parts``, number by number."""
        sums = [Sum(("t", scope, label), tuple(("t", s, p) for s, p in parts))]
        sums += [
            Sum(("c", scope, label, c), tuple(("c", s, p, c) for s, p in parts))
            for c in self.categories
        ]
        for cell in self.cells[scope]:
            holders = [(s, p) for s, p in parts if cell in self.cells[s]]
            sums.append(
                Sum(("h", scope, label, cell), tuple(("h", s, p, cell) for s, p in holders))
            )
        return sums

    def _period_parts(self) -> list[tuple[str, list[str]]]:
        """Closed quarters and years with the closed periods they are made of."""
        out: list[tuple[str, list[str]]] = []
        for period in self.closed:
            months = months_of(period)
            if len(months) == 3:
                out.append((period.label, [m.label for m in months]))
            elif len(months) == 12:
                out.append((period.label, [q.label for q in quarters_of(period.start.year)]))
        return out
