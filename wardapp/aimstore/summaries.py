"""Anonymised summaries: read the aggregates, apply the policy, answer the same to everyone.

A year's tables are published and audited together (``core.anonymise``); the audited year
is kept in memory until its counts, the areas, the taxonomy, the boundaries, the policy or
the set of closed months change, so a summary is a dictionary lookup most of the time.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import h3  # type: ignore[import-untyped]
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wardapp.aimstore import aggregates, models
from wardapp.aimstore.errors import ApiError
from wardapp.aimstore.state import current_taxonomy
from wardapp.aimstore.summary_cache import SummaryCache
from wardapp.core.anonymise import Policy, PublishedYear, Scope, Table, YearFacts, publish_year
from wardapp.core.periods import Period, is_closed, parse_period, trend_months, year_periods
from wardapp.core.summary_schemas import (
    AreaOverviewEntry,
    AreaSummary,
    CategoryCount,
    Count,
    Overview,
    OverviewEntry,
    Place,
    PolicyOut,
    TrendPoint,
    WardSummary,
)
from wardapp.core.taxonomy import Taxonomy
from wardapp.core.wards import WardSet


@dataclass(frozen=True)
class Areas:
    names: dict[str, str]
    wards: dict[str, tuple[str, ...]]


def read_areas(session: Session) -> Areas:
    names: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for code, name, ward in session.execute(
        select(models.Area.code, models.Area.name, models.AreaWard.ward_code)
        .outerjoin(models.AreaWard, models.AreaWard.area_code == models.Area.code)
        .order_by(models.Area.code, models.AreaWard.ward_code)
    ):
        names[code] = name
        members.setdefault(code, [])
        if ward is not None:
            members[code].append(ward)
    return Areas(names, {code: tuple(w) for code, w in members.items()})


@dataclass
class Context:
    """What every summary request reads before looking up the tables it needs."""

    session: Session
    policy: Policy
    taxonomy: Taxonomy
    wards: WardSet
    boundary_set_id: int
    areas: Areas
    today: date
    cache: SummaryCache
    _years: dict[int, PublishedYear] = field(default_factory=dict)
    _versions: dict[int, int] = field(default_factory=dict)

    @property
    def shown_categories(self) -> list[str]:
        return [c.code for c in self.taxonomy.categories if not c.sensitive]

    def year(self, year: int) -> PublishedYear:
        if year not in self._years:  # a trend reads 12 months: one lookup per year, not 13
            closed = sum(is_closed(p, self.today) for p in year_periods(year))
            if year not in self._versions:  # a trend needs the year before too: one query
                self._versions.update(aggregates.year_versions(self.session, [year - 1, year]))
            counts = self._versions[year]
            shape = (self.taxonomy, self.boundary_set_id, self.areas, self.policy, closed)
            self._years[year] = self.cache.year(year, shape, counts, lambda: self._publish(year))
        return self._years[year]

    def _publish(self, year: int) -> PublishedYear:
        facts = load_facts(self.session, year, self.shown_categories, self.policy)
        ward_codes = [w.code for w in self.wards.wards]
        return publish_year(
            facts, self.shown_categories, ward_codes, self.areas.wards, self.today, self.policy
        )

    def table(self, scope: Scope, period: Period) -> Table:
        return self.year(period.start.year).tables[(scope, period.label)]

    def closed_period(self, text: str) -> Period:
        try:
            period = parse_period(text)
        except ValueError as exc:
            raise ApiError(422, "invalid", str(exc), {"period": str(exc)}) from None
        if not is_closed(period, self.today):
            message = (
                f"Summaries for {period.label} are published once it has ended; "
                "choose an earlier period."
            )
            raise ApiError(409, "not_published", message, {"period": message})
        return period


def load_facts(session: Session, year: int, shown: list[str], policy: Policy) -> YearFacts:
    """The year's aggregates; hexagons only of categories that may be shown."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    facts = YearFacts(year)
    counts = session.execute(
        select(
            models.SummaryCount.ward_code,
            models.SummaryCount.month,
            models.SummaryCount.category,
            models.SummaryCount.reports,
        ).where(
            models.SummaryCount.month >= start,
            models.SummaryCount.month < end,
            models.SummaryCount.reports != 0,
        )
    )
    for ward, month, category, reports in counts:
        facts.counts[(ward, month.month, category)] = reports
    total = func.sum(models.SummaryHex.reports)
    cells = session.execute(
        select(
            models.SummaryHex.ward_code,
            models.SummaryHex.month,
            models.SummaryHex.cell,
            models.SummaryHex.reporter,
            total,
        )
        .where(
            models.SummaryHex.month >= start,
            models.SummaryHex.month < end,
            models.SummaryHex.category.in_(shown),
        )
        .group_by(
            models.SummaryHex.ward_code,
            models.SummaryHex.month,
            models.SummaryHex.cell,
            models.SummaryHex.reporter,
        )
        .having(total != 0)
    )
    coarser = policy.h3_resolution < aggregates.STORED_RESOLUTION
    for ward, month, cell, reporter, reports in cells:
        if coarser:
            cell = str(h3.cell_to_parent(cell, policy.h3_resolution))
        facts.hexes.setdefault((ward, month.month, cell), Counter())[reporter] += int(reports)
    return facts


def context(
    session: Session,
    policy: Policy,
    wards: tuple[int, WardSet],
    today: date,
    cache: SummaryCache,
) -> Context:
    boundary_set_id, ward_set = wards
    return Context(
        session,
        policy,
        current_taxonomy(session),
        ward_set,
        boundary_set_id,
        read_areas(session),
        today,
        cache,
    )


def ward_summary(ctx: Context, code: str, period_text: str) -> WardSummary:
    ward = ctx.wards.get(code)
    if ward is None:
        raise ApiError(404, "not_found", f"There is no ward with code '{code[:16]}'.")
    period = ctx.closed_period(period_text)
    body = _summary(ctx, ("ward", ward.code), period)
    return WardSummary(ward=Place(code=ward.code, name=ward.name), **body)


def area_summary(ctx: Context, code: str, period_text: str) -> AreaSummary:
    if code not in ctx.areas.names:
        raise ApiError(404, "not_found", f"There is no area with code '{code[:16]}'.")
    period = ctx.closed_period(period_text)
    body = _summary(ctx, ("area", code), period)
    members = [ctx.wards.get(w) for w in ctx.areas.wards[code]]
    return AreaSummary(
        area=Place(code=code, name=ctx.areas.names[code]),
        wards=[Place(code=w.code, name=w.name) for w in members if w is not None],
        **body,
    )


def overview(ctx: Context, period_text: str) -> Overview:
    period = ctx.closed_period(period_text)
    tables = ctx.year(period.start.year).tables
    return Overview(
        period=period.label,
        wards=[
            OverviewEntry(
                code=w.code,
                name=w.name,
                **Count.of(tables[(("ward", w.code), period.label)].total),
            )
            for w in ctx.wards.wards
        ],
        areas=[
            AreaOverviewEntry(
                code=code,
                name=name,
                wards=[w for w in ctx.areas.wards[code] if ctx.wards.get(w) is not None],
                **Count.of(tables[(("area", code), period.label)].total),
            )
            for code, name in ctx.areas.names.items()
        ],
        policy=PolicyOut.of(ctx.policy),
    )


def _summary(ctx: Context, scope: Scope, period: Period) -> dict[str, Any]:
    table = ctx.table(scope, period)
    labels = {c.code: c.label for c in ctx.taxonomy.categories}
    total = Count.of(table.total)
    return {
        "period": period.label,
        "categories": [
            CategoryCount(code=code, label=labels[code], **Count.of(shown))
            for code, shown in table.categories.items()
        ],
        "total": total["count"],
        "total_suppressed": total["suppressed"],
        "total_reason": total["reason"],
        "trend": [
            TrendPoint(period=m.label, **Count.of(ctx.table(scope, m).total))
            for m in trend_months(period)
        ],
        "hotspots": hotspot_features(table.hotspots),
        "policy": PolicyOut.of(ctx.policy),
    }


def hotspot_features(hotspots: dict[str, int]) -> dict[str, Any]:
    """GeoJSON hexagons (lon, lat rings); the cell's id is its place, not any report's."""
    features = []
    for cell, count in sorted(hotspots.items()):
        ring = [[round(lon, 6), round(lat, 6)] for lat, lon in h3.cell_to_boundary(cell)]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "properties": {"cell": cell, "count": count},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}
