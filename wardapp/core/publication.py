"""Publishing a period once: the tables of every ward and area, audited against all before.

A period is published from a data cut (a month's raw counts as they stood at its first
read on or after its publication day) and then frozen, so nobody learns a hidden count by
adding reports, reading and withdrawing them. A quarter or a year is made from the cuts of
the months it holds, so its numbers are exact sums of theirs. A new version of a period
(an administrator's republication) is audited together with the versions before it.

The audit (``disclosure``) knows every relation a reader knows: a total is the sum of its
categories and of its hexagons, an area the sum of its wards, a quarter the sum of its
months; and between two versions of one table, the change itself: the reader is assumed to
know exactly what was added and taken away in between (their own probes and withdrawals,
public police.uk rows). Only the numbers of the new publication may be withheld; what was
published before stays as it was. Each publication keeps the policy it was made with.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from wardapp.core.anonymise import Cut, Policy, Raw, Scope, Shown, Table, primary
from wardapp.core.disclosure import INF, Key, Sum, protect
from wardapp.core.periods import Period, months_of, publication_day

Pid = str  # a publication in audit keys: "2026-10#1"


def not_due_until(period: Period, today: date, policy: Policy) -> date | None:
    """The period's publication day while it is still ahead; None once it is due."""
    day = publication_day(period, policy.publish_delay_days)
    return day if today < day else None


@dataclass
class Publication:
    """One version of one period, every ward and area, exactly as it was published."""

    label: str
    version: int
    basis: dict[str, int]  # month label -> the version whose cut it is made from
    categories: list[str]  # codes shown (the taxonomy without sensitive ones)
    members: dict[str, list[str]]  # area -> its wards, as they were then
    raw: dict[Scope, Raw]
    tables: dict[Scope, Table] = field(default_factory=dict)
    policy: Policy = field(default_factory=Policy)  # the thresholds it was published with

    @property
    def pid(self) -> Pid:
        return f"{self.label}#{self.version}"

    @property
    def is_month(self) -> bool:
        return len(self.basis) == 1 and self.label in self.basis


def raw_tables(
    cuts: Iterable[Cut], categories: list[str], wards: list[str], members: Mapping[str, list[str]]
) -> dict[Scope, Raw]:
    """Each ward's and each area's counts over the given month cuts."""
    raw: dict[Scope, Raw] = {("ward", w): Raw(Counter(dict.fromkeys(categories, 0))) for w in wards}
    for cut in cuts:
        for ward in wards:
            raw[("ward", ward)].merge(cut.ward(ward, categories))
    for area, area_wards in members.items():
        table = Raw(Counter(dict.fromkeys(categories, 0)))
        for ward in area_wards:
            table.merge(raw[("ward", ward)])
        raw[("area", area)] = table
    return raw


def publish(new: Publication, before: Iterable[Publication], policy: Policy) -> Publication:
    """Fill ``new.tables``: each number on its own, then withheld until the audit passes.

    ``before`` holds every publication a reader may hold beside it (the periods of the same
    year, every version); none of their numbers changes.
    """
    new.policy = policy
    new.tables = {scope: primary(raw, new.categories, policy) for scope, raw in new.raw.items()}
    audit = _Audit([*before, new], new, policy)
    for key in audit.protect():
        kind, scope, _pid, *rest = key
        table = new.tables[scope]
        if kind == "t":
            table.total = Shown(None, "withheld")
        elif kind == "c":
            table.categories[rest[0]] = Shown(None, "withheld")
        else:
            table.hotspots.pop(rest[0])
    return new


# What to withhold first when a small count could be worked out: a count already hidden
# ("fewer than 5" becomes "not shown", which costs the reader least), then a hot spot,
# then a category, and a total last (the trend and the map's comparison need totals).
_COST = {"h": 1, "c": 2, "t": 3}


class _Audit:
    """The relations a reader knows between published numbers, for ``disclosure.protect``."""

    def __init__(self, pubs: list[Publication], new: Publication, policy: Policy) -> None:
        self.pubs, self.new, self.policy = pubs, new, policy
        self.by_pid = {p.pid: p for p in pubs}
        self.known: dict[Key, tuple[int, int]] = {}
        self.hidden: set[Key] = set()
        self.fixed: set[Key] = set()
        self.sums: list[Sum] = []
        for pub in pubs:
            self._publish_numbers(pub)
            for scope in pub.raw:
                self.sums += self._within(pub, scope)
            for area, wards in pub.members.items():
                self.sums += self._over(pub, ("area", area), [(pub, ("ward", w)) for w in wards])
        self._period_sums()
        self._version_links()

    def _publish_numbers(self, pub: Publication) -> None:
        """What a reader knows of each number, by the thresholds it was published with."""
        is_new, policy = pub is self.new, pub.policy
        for scope, table in pub.tables.items():
            keys: list[Key] = []
            for code, shown in table.categories.items():
                key = ("c", scope, pub.pid, code)
                self.known[key] = policy.interval(shown)
                if shown.suppressed:
                    self.hidden.add(key)
                keys.append(key)
            total = ("t", scope, pub.pid)
            self.known[total] = policy.interval(table.total)
            if table.total.suppressed:
                self.hidden.add(total)
            keys.append(total)
            for cell, count in table.hotspots.items():
                key = ("h", scope, pub.pid, cell)
                self.known[key] = policy.hex_interval(count)
                keys.append(key)
            if not is_new:
                self.fixed.update(keys)

    def _within(self, pub: Publication, scope: Scope) -> list[Sum]:
        """A total is the sum of its categories, and of the hexagons that hold its reports."""
        total = ("t", scope, pub.pid)
        cells = sorted(pub.raw[scope].hexes)
        return [
            Sum(total, tuple(("c", scope, pub.pid, c) for c in pub.categories)),
            Sum(total, tuple(("h", scope, pub.pid, c) for c in cells)),
        ]

    def _over(
        self, whole: Publication, scope: Scope, parts: list[tuple[Publication, Scope]]
    ) -> list[Sum]:
        """(whole, scope) is the sum of ``parts``, number by number, where that holds exactly."""
        sums = []
        if all(p.categories == whole.categories for p, _ in parts):
            sums.append(Sum(("t", scope, whole.pid), tuple(("t", s, p.pid) for p, s in parts)))
        for code in whole.categories:
            if all(code in p.categories for p, _ in parts):
                sums.append(
                    Sum(
                        ("c", scope, whole.pid, code),
                        tuple(("c", s, p.pid, code) for p, s in parts),
                    )
                )
        for cell in sorted(whole.raw[scope].hexes):
            holders = [("h", s, p.pid, cell) for p, s in parts if cell in p.raw[s].hexes]
            sums.append(Sum(("h", scope, whole.pid, cell), tuple(holders)))
        return sums

    def _period_sums(self) -> None:
        """A quarter or a year is the sum of the month versions it was made from."""
        for pub in self.pubs:
            if pub.is_month:
                continue
            months = [self.by_pid.get(f"{m}#{v}") for m, v in sorted(pub.basis.items())]
            parts = [m for m in months if m is not None]
            if len(parts) != len(months):
                continue  # not beside it: no relation to add
            for scope in pub.raw:
                if scope[0] == "area" and any(
                    m.members.get(scope[1]) != pub.members.get(scope[1]) for m in parts
                ):
                    continue  # the area's wards changed: its months do not add up to it
                if all(scope in m.raw for m in parts):
                    self.sums += self._over(pub, scope, [(m, scope) for m in parts])

    def _version_links(self) -> None:
        """Between versions: old + added = new + taken away; a reader may know what was added."""
        versions: dict[str, list[Publication]] = defaultdict(list)
        for pub in self.pubs:
            versions[pub.label].append(pub)
        for same in versions.values():
            same.sort(key=lambda p: p.version)
            for old, new in pairwise(same):
                for scope in set(old.raw) & set(new.raw):
                    self._link(old, new, scope)

    def _link(self, old: Publication, new: Publication, scope: Scope) -> None:
        a, b = old.raw[scope], new.raw[scope]
        pairs: list[tuple[Key, Key, int, int]] = []
        if old.categories == new.categories:
            pairs.append(
                (
                    ("t", scope, old.pid),
                    ("t", scope, new.pid),
                    sum(a.categories[c] for c in old.categories),
                    sum(b.categories[c] for c in new.categories),
                )
            )
        for code in set(old.categories) & set(new.categories):
            pairs.append(
                (
                    ("c", scope, old.pid, code),
                    ("c", scope, new.pid, code),
                    a.categories[code],
                    b.categories[code],
                )
            )
        for cell in set(a.hexes) | set(b.hexes):
            before = sum(a.hexes.get(cell, Counter()).values())
            after = sum(b.hexes.get(cell, Counter()).values())
            pairs.append((("h", scope, old.pid, cell), ("h", scope, new.pid, cell), before, after))
        for old_key, new_key, before, after in pairs:
            if before == 0 or after == 0:
                # A 0 on either side: every report on the other side was added or taken away
                # in between, so a reader who knew all the changes knew the count itself.
                continue
            change = ("d", old_key, new_key)  # what changed, as exactly as a prober knows it
            self.known[change] = (abs(after - before),) * 2
            self.fixed.add(change)
            larger, smaller = (new_key, old_key) if after >= before else (old_key, new_key)
            self.sums.append(Sum(larger, (smaller, change)))

    def protect(self) -> set[Key]:
        def withheld(key: Key) -> tuple[int, int]:
            # A withheld count is never 0 (a 0 is exact and stays), nothing more is said.
            return (1, INF) if key[0] in "ct" else (0, INF)

        def cost(key: Key) -> int:
            if key in self.hidden:
                return 0
            return 10 * _COST[key[0]] + (0 if key[1][0] == "area" else 5)

        margin = min(3, self.policy.min_count - 1)  # [1, 2] is all a min_count of 3 leaves
        return protect(self.known, self.sums, self.hidden, withheld, cost, margin, self.fixed)


def make_publication(
    period: Period,
    version: int,
    cuts: Mapping[str, tuple[int, Cut]],
    categories: list[str],
    wards: list[str],
    members: Mapping[str, list[str]],
) -> Publication:
    """Version ``version`` of a period, from its months' cuts (month -> (version, cut))."""
    months = [m.label for m in months_of(period)]
    kept = {a: list(ws) for a, ws in members.items()}
    return Publication(
        period.label,
        version,
        {m: cuts[m][0] for m in months},
        list(categories),
        kept,
        raw_tables([cuts[m][1] for m in months], categories, wards, kept),
    )


def publish_all(
    cuts: Mapping[str, Cut],
    periods: Iterable[Period],
    categories: list[str],
    wards: list[str],
    members: Mapping[str, list[str]],
    policy: Policy,
) -> dict[str, Publication]:
    """Version 1 of each period in turn (months before the quarters and years made of them).

    What the store does one first read at a time, at once: for tests and for tools.
    """
    done: dict[str, Publication] = {}
    versioned = {m: (1, cut) for m, cut in cuts.items()}
    for period in sorted(periods, key=lambda p: (len(months_of(p)), p.start)):
        for month in months_of(period):
            versioned.setdefault(month.label, (1, Cut()))
        pub = make_publication(period, 1, versioned, categories, wards, members)
        done[period.label] = publish(pub, done.values(), policy)
    return done
