"""Published summaries in the database: made once at a period's first due read, then kept.

A publication is written in the transaction of the read that makes it, one at a time
(SQLite's writers are serialised; on PostgreSQL an advisory lock held until commit), and
its key (period, version) is unique, so workers that read a period for the first time
together publish it once, and a restart changes nothing. What was published never changes,
so this process keeps every version it has read in memory, keyed with its publication time
too: a publication whose transaction was rolled back is never mistaken for the one that
was committed.
"""

import dataclasses
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import h3  # type: ignore[import-untyped]
from sqlalchemy import ColumnElement, func, literal, select, text, union_all
from sqlalchemy.orm import Session

from wardapp.aimstore import aggregates, audit, models
from wardapp.core.anonymise import Cut, Policy, Shown, Table
from wardapp.core.periods import Period, months_of, parse_period
from wardapp.core.publication import Publication, make_publication, publish, raw_tables

# Any fixed number: publications wait for each other on PostgreSQL under this lock.
_ADVISORY_LOCK = 7_246_311


@dataclass(frozen=True)
class Published:
    publication: Publication
    published_at: datetime


@dataclass(frozen=True)
class Shape:
    """What a new publication shows: the wards, the categories and the areas of today."""

    wards: list[str]
    categories: list[str]
    members: dict[str, list[str]]
    policy: Policy


Version = tuple[int, datetime]  # a publication's version and when it was published


class Publications:
    """This process's view of the published tables, and the one way to publish more."""

    def __init__(self) -> None:
        self._kept: dict[tuple[str, Version], Published] = {}
        self._lock = threading.Lock()

    def latest(self, session: Session, labels: list[str]) -> dict[str, Version]:
        """The newest version of each period that has been published (absent: none yet)."""
        found: dict[str, Version] = {}
        for label, version in _versions(session, models.SummaryPublication.period.in_(labels)):
            if label not in found or version[0] > found[label][0]:
                found[label] = version
        return found

    def get(self, session: Session, label: str, version: Version) -> Published:
        with self._lock:
            kept = self._kept.get((label, version))
        if kept is not None:
            return kept
        loaded = self._load(session, label, version[0])
        with self._lock:
            self._kept[(label, (version[0], loaded.published_at))] = loaded
        return loaded

    def ensure(self, session: Session, period: Period, shape: Shape) -> None:
        """Publish version 1 of the period (and first of the months it holds) if there is none."""
        months = months_of(period)
        for each in [*months, period] if len(months) > 1 else [period]:
            self._publish(session, each, shape, again=False, by=None)

    def republish(
        self, session: Session, period: Period, shape: Shape, by: str
    ) -> list[tuple[str, int]]:
        """A new version of the period and of every period within it, months first."""
        inside = [period] if len(months_of(period)) == 1 else _within(period)
        return [(p.label, self._publish(session, p, shape, again=True, by=by)) for p in inside]

    def _publish(
        self, session: Session, period: Period, shape: Shape, *, again: bool, by: str | None
    ) -> int:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
        latest = self.latest(session, [period.label]).get(period.label, (0, None))[0]
        if latest and not again:
            return latest
        version = latest + 1
        stored: Cut | None = None  # a month keeps its cut; quarters and years name theirs
        if len(months_of(period)) == 1:
            stored = read_cut(session, period, shape.categories)
            stored = coarser_cut(stored, shape.policy.h3_resolution)
            cuts = {period.label: (version, stored)}
        else:
            latest_months = self.latest(session, [m.label for m in months_of(period)])
            cuts = {m: (v, self._cut_of(session, m, v)) for m, (v, _) in latest_months.items()}
        new = make_publication(period, version, cuts, shape.categories, shape.wards, shape.members)
        publish(new, self._same_year(session, period), shape.policy)
        _write(session, new, stored, by)
        if by is not None:
            audit.record(
                session,
                "summary_republished",
                actor_name=by,
                target=period.label,
                detail={"version": version},
                client="cli",
            )
        return version

    def _same_year(self, session: Session, period: Period) -> list[Publication]:
        same_year = models.SummaryPublication.period.like(f"{period.start.year}%")
        return [
            self.get(session, label, v).publication for label, v in _versions(session, same_year)
        ]

    def _cut_of(self, session: Session, month: str, version: int) -> Cut:
        stored = session.scalar(
            select(models.SummaryPublication.cut).where(
                models.SummaryPublication.period == month,
                models.SummaryPublication.version == version,
            )
        )
        return cut_from_json(stored or {})

    def _load(self, session: Session, label: str, version: int) -> Published:
        row = session.get(models.SummaryPublication, (label, version))
        if row is None:
            raise KeyError(f"{label} version {version} is not published")
        cuts = [self._cut_of(session, m, v) for m, v in sorted(row.basis.items())]
        tables = {
            (t.scope_kind, t.scope_code): table_from_json(t.body)
            for t in session.scalars(
                select(models.SummaryTable).where(
                    models.SummaryTable.period == label, models.SummaryTable.version == version
                )
            )
        }
        wards = sorted(code for kind, code in tables if kind == "ward")
        raw = raw_tables(cuts, row.categories, wards, row.members)
        policy = Policy(**row.policy)
        pub = Publication(
            label, version, row.basis, row.categories, row.members, raw, tables, policy
        )
        return Published(pub, row.published_at)


def _versions(session: Session, where: ColumnElement[bool]) -> list[tuple[str, Version]]:
    """(period, (version, published_at)) of the publications that match ``where``."""
    rows = session.execute(
        select(
            models.SummaryPublication.period,
            models.SummaryPublication.version,
            models.SummaryPublication.published_at,
        ).where(where)
    )
    return [(label, (int(version), at)) for label, version, at in rows]


def _within(period: Period) -> list[Period]:
    months = months_of(period)
    if len(months) == 3:
        return [*months, period]
    quarters = [parse_period(f"{period.start.year}-Q{q}") for q in range(1, 5)]
    return [*months, *quarters, period]


def read_cut(session: Session, month: Period, shown: list[str]) -> Cut:
    """The month's counts as the aggregates hold them now; hexagons of shown categories only.

    One statement, so both halves see the same moment: under PostgreSQL's READ COMMITTED two
    statements could straddle an upload and freeze a cut whose hexagons and counts disagree.
    """
    counts = select(
        literal("c"),
        models.SummaryCount.ward_code,
        models.SummaryCount.category,
        literal(""),
        models.SummaryCount.reports,
    ).where(models.SummaryCount.month == month.start, models.SummaryCount.reports != 0)
    total = func.sum(models.SummaryHex.reports)
    hexes = (
        select(
            literal("h"),
            models.SummaryHex.ward_code,
            models.SummaryHex.cell,
            models.SummaryHex.reporter,
            total,
        )
        .where(models.SummaryHex.month == month.start, models.SummaryHex.category.in_(shown))
        .group_by(models.SummaryHex.ward_code, models.SummaryHex.cell, models.SummaryHex.reporter)
        .having(total != 0)
    )
    cut = Cut()
    for kind, ward, what, reporter, reports in session.execute(union_all(counts, hexes)):
        if kind == "c":
            cut.counts[(ward, what)] = int(reports)
        else:
            cut.hexes.setdefault((ward, what), Counter())[reporter] += int(reports)
    return cut


def coarser_cut(cut: Cut, resolution: int) -> Cut:
    """Cells as the policy draws them, when it is coarser than the stored resolution."""
    if resolution >= aggregates.STORED_RESOLUTION:
        return cut
    out = Cut(dict(cut.counts))
    for (ward, cell), reporters in cut.hexes.items():
        parent = str(h3.cell_to_parent(cell, resolution))
        out.hexes.setdefault((ward, parent), Counter()).update(reporters)
    return out


def cut_to_json(cut: Cut) -> dict[str, Any]:
    return {
        "counts": sorted([w, c, n] for (w, c), n in cut.counts.items()),
        "hexes": sorted(
            [w, cell, r, n] for (w, cell), rs in cut.hexes.items() for r, n in rs.items()
        ),
    }


def cut_from_json(data: dict[str, Any]) -> Cut:
    cut = Cut({(w, c): n for w, c, n in data.get("counts", [])})
    for w, cell, r, n in data.get("hexes", []):
        cut.hexes.setdefault((w, cell), Counter())[r] += n
    return cut


def _shown_json(shown: Shown) -> list[Any]:
    return [shown.count, shown.reason]


def table_to_json(table: Table) -> dict[str, Any]:
    return {
        "categories": {c: _shown_json(s) for c, s in table.categories.items()},
        "total": _shown_json(table.total),
        "hotspots": dict(table.hotspots),
    }


def table_from_json(data: dict[str, Any]) -> Table:
    return Table(
        {c: Shown(n, reason) for c, (n, reason) in data["categories"].items()},
        Shown(*data["total"]),
        {cell: int(n) for cell, n in data["hotspots"].items()},
    )


def _write(session: Session, pub: Publication, cut: Cut | None, by: str | None) -> None:
    session.add(
        models.SummaryPublication(
            period=pub.label,
            version=pub.version,
            published_by=by,
            basis=pub.basis,
            categories=pub.categories,
            members=pub.members,
            policy=dataclasses.asdict(pub.policy),
            cut=cut_to_json(cut) if cut is not None else None,
        )
    )
    session.flush()
    session.add_all(
        models.SummaryTable(
            scope_kind=kind,
            scope_code=code,
            period=pub.label,
            version=pub.version,
            body=table_to_json(table),
        )
        for (kind, code), table in pub.tables.items()
    )
