"""Publishing once, on random sequences of uploads, withdrawals, reads and republications.

A small store in memory drives the publication code as the AIM store does: a period is
published at its first read (a quarter after its months, from their cuts), and an
administrator may republish a month. Whatever happens in between, no published number
moves, no hot spot breaks the dominance rule, and an exact reader holding every version,
who knows exactly what changed between two versions, pins down no hidden small count.
"""

import copy
from collections import Counter
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.differencing import Change, PublishedTable, change_between, recovered
from wardapp.core.anonymise import Cut, Policy, Table
from wardapp.core.periods import months_of, parse_period
from wardapp.core.publication import Publication, make_publication, publish

WARDS = ["W1", "W2"]
AREAS = {"both": ["W1", "W2"]}
SHOWN = ["asb", "fly_tipping"]
MONTHS = ["2026-01", "2026-02", "2026-03"]
PERIODS = [*MONTHS, "2026-Q1"]
POLICY = Policy()

Upload = tuple[str, str, str, str, str, str, int]  # op, reporter, ward, month, cat, cell, n
operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("upload"),
            st.sampled_from(["u1", "u2", "u3"]),
            st.sampled_from(WARDS),
            st.sampled_from(MONTHS),
            st.sampled_from(SHOWN),
            st.sampled_from(["c1", "c2"]),
            st.integers(1, 6),
        ),
        st.tuples(st.just("withdraw"), st.integers(0, 200)),
        st.tuples(st.just("read"), st.sampled_from(PERIODS)),
        st.tuples(st.just("republish"), st.sampled_from(MONTHS)),
    ),
    max_size=30,
)


@dataclass
class Report:
    reporter: str
    ward: str
    month: str
    category: str
    cell: str
    withdrawn: bool = False


@dataclass
class MiniStore:
    reports: list[Report] = field(default_factory=list)
    versions: dict[str, list[Publication]] = field(default_factory=dict)
    cuts: dict[tuple[str, int], Cut] = field(default_factory=dict)
    # Reports added to a month since each of its versions was cut: what a reader may know.
    added_since: dict[tuple[str, int], Counter[tuple[str, str, str]]] = field(default_factory=dict)
    snapshots: dict[str, Table] = field(default_factory=dict)
    answers: list[tuple[str, Table]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def upload(self, report: Report) -> None:
        self.reports.append(report)

    def cut(self, month: str) -> Cut:
        cut = Cut()
        for r in self.reports:
            if r.month == month and not r.withdrawn:
                cut.add(r.ward, r.category, r.cell, r.reporter, sensitive=False)
        return cut

    def publish(self, label: str) -> Publication:
        period = parse_period(label)
        earlier = [p for pubs in self.versions.values() for p in pubs]
        version = len(self.versions.get(label, [])) + 1
        if label in MONTHS:
            self.cuts[(label, version)] = self.cut(label)
            if version > 1:
                old, new = self.cuts[(label, version - 1)], self.cuts[(label, version)]
                self.changes.append(change_between(old, new, label, str(version - 1), str(version)))
            cuts = {label: (version, self.cuts[(label, version)])}
        else:
            for month in months_of(period):
                self.latest(month.label)
            cuts = {}
            for month in months_of(period):
                v = self.versions[month.label][-1].version
                cuts[month.label] = (v, self.cuts[(month.label, v)])
        new = make_publication(period, version, cuts, SHOWN, WARDS, AREAS)
        publish(new, earlier, POLICY)
        self.versions.setdefault(label, []).append(new)
        for scope, table in new.tables.items():
            self.snapshots[f"{scope}/{new.pid}"] = copy.deepcopy(table)
        return new

    def latest(self, label: str) -> Publication:
        if label not in self.versions:
            return self.publish(label)
        return self.versions[label][-1]

    def run(self, op: tuple[object, ...]) -> None:
        if op[0] == "upload":
            _, reporter, ward, month, category, cell, n = op
            for _ in range(int(n)):  # type: ignore[call-overload]
                self.upload(Report(*(str(x) for x in (reporter, ward, month, category, cell))))
        elif op[0] == "withdraw":
            alive = [r for r in self.reports if not r.withdrawn]
            if alive:
                alive[int(op[1]) % len(alive)].withdrawn = True  # type: ignore[call-overload]
        elif op[0] == "read":
            pub = self.latest(str(op[1]))
            for scope, table in pub.tables.items():
                self.answers.append((f"{scope}/{pub.pid}", copy.deepcopy(table)))
        elif str(op[1]) in self.versions:  # republish a month that was published
            self.publish(str(op[1]))

    def as_read(self) -> list[PublishedTable]:
        tables = []
        for pubs in self.versions.values():
            for pub in pubs:
                for (kind, code), table in pub.tables.items():
                    tables.append(
                        PublishedTable(
                            name=f"{code}/{pub.pid}",
                            wards=[code] if kind == "ward" else AREAS[code],
                            months=list(pub.basis),
                            categories={c: s.count for c, s in table.categories.items()},
                            category_reasons={c: s.reason for c, s in table.categories.items()},
                            total=table.total.count,
                            total_reason=table.total.reason,
                            hotspots=dict(table.hotspots),
                            cuts={m: str(v) for m, v in pub.basis.items()},
                        )
                    )
        return tables


def play(ops: list[tuple[object, ...]]) -> MiniStore:
    store = MiniStore()
    for op in ops:
        store.run(op)
    for label in PERIODS:  # every period read at the end, as a councillor would
        store.run(("read", label))
    return store


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_no_published_number_moves_once_published(ops: list[tuple[object, ...]]) -> None:
    store = play(ops)
    for key, table in store.answers:
        assert table == store.snapshots[key]  # every read of a version gives what was published
    for pubs in store.versions.values():
        for pub in pubs:
            for scope, table in pub.tables.items():
                assert table == store.snapshots[f"{scope}/{pub.pid}"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_no_hot_spot_breaks_the_dominance_rule(ops: list[tuple[object, ...]]) -> None:
    store = play(ops)
    for pubs in store.versions.values():
        for pub in pubs:
            for scope, table in pub.tables.items():
                for cell in table.hotspots:
                    reporters = pub.raw[scope].hexes[cell]
                    without_largest = reporters.total() - max(reporters.values())
                    assert without_largest >= 5 and len(+reporters) - 1 >= 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_no_hidden_count_is_recovered_across_versions(ops: list[tuple[object, ...]]) -> None:
    store = play(ops)
    assert recovered(store.as_read(), changes=store.changes) == []


def test_a_probe_withdrawn_before_a_republication_gives_nothing_away() -> None:
    """Four reports by someone else and one probe: version 1 says 5. The probe is withdrawn
    and the month published again: "fewer than 5" would say exactly 4."""
    store = MiniStore()
    for _ in range(4):
        store.upload(Report("victim", "W1", "2026-01", "asb", "c1"))
    for _ in range(12):
        store.upload(Report("other", "W1", "2026-01", "fly_tipping", "c2"))
    probe = Report("attacker", "W1", "2026-01", "asb", "c1")
    store.upload(probe)
    assert store.latest("2026-01").tables[("ward", "W1")].categories["asb"].count == 5
    probe.withdrawn = True
    store.publish("2026-01")
    assert store.latest("2026-01").tables[("ward", "W1")].categories["asb"].reason == "withheld"
    assert recovered(store.as_read(), changes=store.changes) == []


def test_probes_after_publication_change_nothing_and_a_new_version_hides_the_difference() -> None:
    """Three reports by someone else; the attacker probes with two of their own."""
    store = MiniStore()
    for _ in range(3):
        store.upload(Report("victim", "W1", "2026-01", "asb", "c1"))
    for _ in range(12):
        store.upload(Report("other", "W1", "2026-01", "fly_tipping", "c2"))
    first = store.latest("2026-01").tables[("ward", "W1")]
    assert first.categories["asb"].reason == "fewer_than_min"
    for _ in range(2):
        store.upload(Report("attacker", "W1", "2026-01", "asb", "c1"))
    assert store.latest("2026-01").tables[("ward", "W1")] == first  # frozen
    store.publish("2026-01")  # an administrator republishes after the probes
    second = store.latest("2026-01").tables[("ward", "W1")]
    # 3 + 2 would show as 5 beside "fewer than 5": 3 or 4. The new version withholds it.
    assert second.categories["asb"].count is None
    assert recovered(store.as_read(), changes=store.changes) == []
