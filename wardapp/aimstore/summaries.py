"""Anonymised summaries: the published version of each period, the same for everyone.

A period is published at its first read on or after its publication day and then frozen
(``publications``); a summary is a lookup of the newest version of it and of its trend
months, which this process keeps in memory once read.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import h3  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.errors import ApiError
from wardapp.aimstore.publications import Publications, Published, Shape
from wardapp.aimstore.state import current_taxonomy
from wardapp.core.anonymise import Policy, Scope, Shown, Table
from wardapp.core.periods import Period, parse_period, trend_months
from wardapp.core.publication import not_due_until
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
    areas: Areas
    today: date
    publications: Publications
    _latest: dict[str, Published] = field(default_factory=dict)

    @property
    def shape(self) -> Shape:
        """Today's wards, shown categories and areas (of today's wards only)."""
        wards = [w.code for w in self.wards.wards]
        active = set(wards)
        return Shape(
            wards,
            [c.code for c in self.taxonomy.categories if not c.sensitive],
            {a: [w for w in ws if w in active] for a, ws in self.areas.wards.items()},
            self.policy,
        )

    def published(self, period: Period) -> Published:
        """The newest version of a due period and of its trend months, published if need be."""
        if period.label not in self._latest:
            labels = [period.label, *(m.label for m in trend_months(period))]
            latest = self.publications.latest(self.session, labels)
            missing = [parse_period(label) for label in labels if label not in latest]
            for each in missing:  # the first read: published in this read's transaction
                self.publications.ensure(self.session, each, self.shape)
            if missing:
                latest = self.publications.latest(self.session, labels)
            for label in labels:
                self._latest[label] = self.publications.get(self.session, label, latest[label])
        return self._latest[period.label]

    def table(self, scope: Scope, period: Period) -> Table:
        table = self.published(period).publication.tables.get(scope)
        if table is None:  # a ward or area added since: nothing was published for it then
            return Table({}, Shown(None, "withheld"), {})
        return table

    def due_period(self, text: str) -> Period:
        try:
            period = parse_period(text)
        except ValueError as exc:
            raise ApiError(422, "invalid", str(exc), {"period": str(exc)}) from None
        day = not_due_until(period, self.today, self.policy)
        if day is not None:
            message = (
                f"Summaries for {period.label} are published on {day:%-d %B %Y}, once it has "
                "ended and late reports are in; choose an earlier period."
            )
            raise ApiError(409, "not_published", message, {"period": message})
        return period


def context(
    session: Session,
    policy: Policy,
    wards: WardSet,
    today: date,
    publications: Publications,
) -> Context:
    return Context(
        session,
        policy,
        current_taxonomy(session),
        wards,
        read_areas(session),
        today,
        publications,
    )


def ward_summary(ctx: Context, code: str, period_text: str) -> WardSummary:
    ward = ctx.wards.get(code)
    if ward is None:
        raise ApiError(404, "not_found", f"There is no ward with code '{code[:16]}'.")
    period = ctx.due_period(period_text)
    body = _summary(ctx, ("ward", ward.code), period)
    return WardSummary(ward=Place(code=ward.code, name=ward.name), **body)


def area_summary(ctx: Context, code: str, period_text: str) -> AreaSummary:
    if code not in ctx.areas.names:
        raise ApiError(404, "not_found", f"There is no area with code '{code[:16]}'.")
    period = ctx.due_period(period_text)
    body = _summary(ctx, ("area", code), period)
    published = ctx.published(period).publication.members  # its wards as they were then
    members = [ctx.wards.get(w) for w in published.get(code, ctx.areas.wards[code])]
    return AreaSummary(
        area=Place(code=code, name=ctx.areas.names[code]),
        wards=[Place(code=w.code, name=w.name) for w in members if w is not None],
        **body,
    )


def overview(ctx: Context, period_text: str) -> Overview:
    period = ctx.due_period(period_text)
    published = ctx.published(period)
    return Overview(
        period=period.label,
        wards=[
            OverviewEntry(
                code=w.code, name=w.name, **Count.of(ctx.table(("ward", w.code), period).total)
            )
            for w in ctx.wards.wards
        ],
        areas=[
            AreaOverviewEntry(
                code=code,
                name=name,
                wards=[w for w in ctx.areas.wards[code] if ctx.wards.get(w) is not None],
                **Count.of(ctx.table(("area", code), period).total),
            )
            for code, name in ctx.areas.names.items()
        ],
        policy=PolicyOut.of(published.publication.policy),
        version=published.publication.version,
        published_at=published.published_at,
    )


def _summary(ctx: Context, scope: Scope, period: Period) -> dict[str, Any]:
    table = ctx.table(scope, period)
    published = ctx.published(period)
    labels = {c.code: c.label for c in ctx.taxonomy.categories}
    total = Count.of(table.total)
    return {
        "period": period.label,
        "categories": [
            CategoryCount(code=code, label=labels.get(code, code), **Count.of(shown))
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
        "policy": PolicyOut.of(published.publication.policy),
        "version": published.publication.version,
        "published_at": published.published_at,
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
