"""The anonymisation policy: the only numbers about other people's reports a ward member sees.

Counts live in fixed buckets (ward or area x category x month, quarter, year); a count of
1 to 4 is shown as "fewer than 5"; every other count and every total is rounded to 5 on
its own; hot spots are H3 hexagons with enough reports from enough reporters; sensitive
categories are left out of everything. Totals, areas and quarters are rounded
independently of their parts, so each publication is audited against every table published
before it (``publication``). Thresholds come in a ``Policy`` (the AIM store's settings).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import h3  # type: ignore[import-untyped]

from wardapp.core.disclosure import INF
from wardapp.core.periods import PUBLISH_DELAY_DAYS

Scope = tuple[str, str]  # ("ward", code) or ("area", code)


@dataclass(frozen=True)
class Policy:
    """Thresholds of the information-sharing protocol (defaults as agreed by the partnership)."""

    min_count: int = 5  # counts 1 .. min_count-1 are never shown
    rounding: int = 5  # shown counts are rounded to the nearest multiple
    hex_min_reports: int = 5
    hex_min_reporters: int = 2
    h3_resolution: int = 8
    publish_delay_days: int = PUBLISH_DELAY_DAYS  # October is published from 6 November

    def __post_init__(self) -> None:
        if self.rounding < 1 or self.min_count < 1:
            raise ValueError("min_count and rounding must be at least 1")
        if self.min_count <= self.rounding // 2:
            raise ValueError("min_count must exceed half the rounding, or a count could show as 0")
        if self.hex_min_reports < self.min_count or self.hex_min_reporters < 1:
            raise ValueError("hex_min_reports must be at least min_count; reporters at least 1")
        if not 0 <= self.h3_resolution <= 15:
            raise ValueError("h3_resolution must be between 0 and 15")
        if not 0 <= self.publish_delay_days <= 60:
            raise ValueError("publish_delay_days must be between 0 and 60")

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
        """A shown hexagon holds its largest reporter's reports (at least 1) and 5 more."""
        low = count - self.rounding // 2
        return (max(low, self.hex_min_reports + 1), low + self.rounding - 1)


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
class Raw:
    """The true counts behind one table: reports per category, and per hexagon per reporter."""

    categories: Counter[str] = field(default_factory=Counter)
    hexes: dict[str, Counter[str]] = field(default_factory=dict)

    def merge(self, other: "Raw") -> None:
        self.categories.update(other.categories)
        for cell, reporters in other.hexes.items():
            self.hexes.setdefault(cell, Counter()).update(reporters)


@dataclass
class Cut:
    """Every ward's raw counts for one month as they stood when it was published.

    ``hexes`` must already leave out sensitive categories (the store filters them when it
    reads); ``counts`` may hold them, since only the codes a publication shows are used.
    """

    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # ward, category
    hexes: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)  # ward, cell

    def add(self, ward: str, category: str, cell: str, reporter: str, sensitive: bool) -> None:
        """Count one report (tests, and anything that counts from raw reports)."""
        self.counts[(ward, category)] = self.counts.get((ward, category), 0) + 1
        if not sensitive:
            self.hexes.setdefault((ward, cell), Counter())[reporter] += 1

    def ward(self, ward: str, categories: Iterable[str]) -> Raw:
        raw = Raw(Counter({c: self.counts.get((ward, c), 0) for c in categories}))
        for (w, cell), reporters in self.hexes.items():
            if w == ward:
                raw.hexes[cell] = Counter(reporters)
        return raw


@dataclass
class Table:
    """What one ward or area shows for one period."""

    categories: dict[str, Shown]
    total: Shown
    hotspots: dict[str, int]  # H3 cell -> rounded count


def is_hotspot(reporters: Counter[str], policy: Policy) -> bool:
    """The dominance rule: enough reports from enough people without its largest reporter.

    One extra report beside one person's cluster must not unlock it: that would show where
    that one person's reports are.
    """
    counts = sorted((+reporters).values(), reverse=True)
    rest = counts[1:]
    return sum(rest) >= policy.hex_min_reports and len(rest) >= policy.hex_min_reporters


def primary(raw: Raw, categories: list[str], policy: Policy) -> Table:
    """The table before the audit: each number shown or suppressed on its own."""
    return Table(
        categories={c: policy.show(raw.categories[c]) for c in categories},
        total=policy.show(sum(raw.categories[c] for c in categories)),
        hotspots={
            cell: policy.rounded(sum(reporters.values()))
            for cell, reporters in sorted(raw.hexes.items())
            if is_hotspot(reporters, policy)
        },
    )
