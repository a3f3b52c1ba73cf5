"""The anonymisation policy on random report sets: what may and may not come out of it."""

from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.differencing import PublishedTable, recovered
from wardapp.core.anonymise import Cut, Policy, Scope, Table
from wardapp.core.periods import is_closed, months_of, parse_period, year_periods
from wardapp.core.publication import publish_all

WARDS = ["W1", "W2", "W3", "W4"]
AREAS = {"east": ["W1", "W2"], "west": ["W3", "W4"]}
SHOWN = ["asb", "fly_tipping", "drug_dealing"]
SENSITIVE = "exploitation"
CELLS = ["c1", "c2", "c3"]
AFTER_Q1 = date(2026, 4, 1)  # January to March 2026 are over, so is the first quarter

Report = tuple[str, int, str, str, str]  # ward, month, category, cell, reporter
reports_strategy = st.lists(
    st.tuples(
        st.sampled_from(WARDS),
        st.integers(1, 3),
        st.sampled_from([*SHOWN, SENSITIVE]),
        st.sampled_from(CELLS),
        st.sampled_from(["u1", "u2", "u3"]),
    ),
    max_size=220,
)


Published = dict[tuple[Scope, str], Table]


def publish_year(
    reports: list[Report],
    areas: dict[str, list[str]],
    today: date = AFTER_Q1,
    policy: Policy | None = None,
) -> Published:
    """Every period of 2026 over by ``today``, published in turn: (scope, label) -> table."""
    cuts: dict[str, Cut] = {}
    for ward, month, category, cell, reporter in reports:
        cut = cuts.setdefault(f"2026-{month:02d}", Cut())
        cut.add(ward, category, cell, reporter, sensitive=category == SENSITIVE)
    closed = [p for p in year_periods(2026) if is_closed(p, today)]
    done = publish_all(cuts, closed, SHOWN, WARDS, areas, policy or Policy())
    return {(scope, label): t for label, pub in done.items() for scope, t in pub.tables.items()}


def publish(reports: list[Report]) -> tuple[None, Published]:
    return None, publish_year(reports, AREAS)


def as_read(published: Published) -> list[PublishedTable]:
    """The tables as the API hands them out (a reader's view)."""
    tables = []
    for (scope, label), table in published.items():
        kind, code = scope
        tables.append(
            PublishedTable(
                name=f"{code}/{label}",
                wards=[code] if kind == "ward" else AREAS[code],
                months=[m.label for m in months_of(parse_period(label))],
                categories={c: s.count for c, s in table.categories.items()},
                category_reasons={c: s.reason for c, s in table.categories.items()},
                total=table.total.count,
                total_reason=table.total.reason,
                hotspots=dict(table.hotspots),
            )
        )
    return tables


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports_strategy)
def test_published_numbers_are_rounded_and_never_small(reports: list[Report]) -> None:
    _, published = publish(reports)
    assert published  # months, the quarter, every ward and area
    for table in published.values():
        assert SENSITIVE not in table.categories
        for shown in [*table.categories.values(), table.total, *table.hotspots.values()]:
            count = shown if isinstance(shown, int) else shown.count
            if count is not None:
                assert count % 5 == 0
                assert not 1 <= count <= 4


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports_strategy)
def test_totals_leave_out_sensitive_reports_and_hot_spots_meet_the_thresholds(
    reports: list[Report],
) -> None:
    _, published = publish(reports)
    shown_reports = [r for r in reports if r[2] != SENSITIVE]
    for (scope, label), table in published.items():
        kind, code = scope
        wards = [code] if kind == "ward" else AREAS[code]
        months = {m.start.month for m in months_of(parse_period(label))}
        inside = [r for r in shown_reports if r[0] in wards and r[1] in months]
        if table.total.count is not None:
            assert abs(table.total.count - len(inside)) <= 2  # rounded from the true total
        for cell, count in table.hotspots.items():
            here = Counter(r[4] for r in inside if r[3] == cell)
            largest = max(here.values())
            # The dominance rule: 5 reports from 2 people remain without the largest reporter.
            assert here.total() - largest >= 5 and len(here) - 1 >= 2
            assert abs(count - here.total()) <= 2


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports_strategy)
def test_no_hidden_count_can_be_worked_out_from_the_published_ones(reports: list[Report]) -> None:
    _, published = publish(reports)
    assert recovered(as_read(published)) == []


def test_a_total_that_would_give_away_a_small_count_is_withheld() -> None:
    # 8 + 8 + 1 = 17: shown as 10, 10, "fewer than 5"; a total of 15 (13 to 17) would
    # leave room only for 1 in the hidden cell (13..17 - 8..12 - 8..12, at most 1).
    reports = [("W1", 1, "asb", "c1", "u1")] * 8 + [("W1", 1, "fly_tipping", "c2", "u2")] * 8
    reports += [("W1", 1, "drug_dealing", "c3", "u3")]
    _, published = publish(reports)
    table = published[(("ward", "W1"), "2026-01")]
    assert table.categories["drug_dealing"].suppressed
    assert recovered(as_read(published)) == []
    # A category goes rather than the total, which the trend and the map need.
    assert table.total.count == 15
    shown = [table.categories["asb"].count, table.categories["fly_tipping"].count]
    assert None in shown


def test_four_small_wards_in_a_small_area_are_not_all_pinned_to_one() -> None:
    # Each ward "fewer than 5" and the area "fewer than 5": each ward must then be 1, unless
    # something is withheld.
    reports = [(ward, 2, "asb", "c1", "u1") for ward in WARDS]
    areas = {"all": WARDS}
    published = publish_year(reports, areas)
    area = published[(("area", "all"), "2026-02")]
    wards = [published[(("ward", w), "2026-02")].categories["asb"] for w in WARDS]
    assert all(w.suppressed for w in wards)
    assert area.categories["asb"].reason == "withheld" or any(w.reason == "withheld" for w in wards)


def test_hot_spots_count_distinct_reporters_over_a_quarter() -> None:
    # One person each month is one reporter a month, but three over the quarter.
    reports = [("W1", month, "asb", "c1", f"u{month}") for month in (1, 2, 3) for _ in range(3)]
    _, published = publish(reports)
    assert published[(("ward", "W1"), "2026-01")].hotspots == {}
    assert published[(("ward", "W1"), "2026-Q1")].hotspots == {"c1": 10}


def test_one_report_beside_one_persons_cluster_unlocks_no_hot_spot() -> None:
    # Four of one person's reports in one place and one of another's: without the largest
    # reporter one report is left, so the hexagon would show where that one person was.
    reports = [("W1", 1, "asb", "c1", "u1")] * 4 + [("W1", 1, "asb", "c1", "u2")]
    assert publish(reports)[1][(("ward", "W1"), "2026-01")].hotspots == {}
    # Even a large cluster needs five reports from two other people beside it.
    many = [("W1", 1, "asb", "c1", "u1")] * 40 + [("W1", 1, "asb", "c1", "u2")] * 4
    assert publish(many)[1][(("ward", "W1"), "2026-01")].hotspots == {}
    enough = [*many, ("W1", 1, "asb", "c1", "u3")]
    assert publish(enough)[1][(("ward", "W1"), "2026-01")].hotspots == {"c1": 45}


def test_open_periods_are_not_published() -> None:
    published = publish_year([("W1", 3, "asb", "c1", "u1")], AREAS, date(2026, 3, 31))
    labels = {label for _, label in published}
    assert labels == {"2026-01", "2026-02"}


def test_the_same_data_gives_the_same_tables() -> None:
    reports = [
        (WARDS[i % 4], 1 + i % 3, SHOWN[i % 3], CELLS[i % 3], f"u{i % 2}") for i in range(90)
    ]
    first, second = publish(reports)[1], publish(list(reversed(reports)))[1]
    assert first == second


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"min_count": 2, "rounding": 5}, "half the rounding"),
        ({"hex_min_reports": 3}, "hex_min_reports"),
        ({"h3_resolution": 16}, "h3_resolution"),
    ],
)
def test_unsafe_thresholds_are_refused(changes: dict[str, int], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        Policy(**changes)


def test_thresholds_come_from_the_policy() -> None:
    policy = Policy(min_count=10, rounding=10, hex_min_reports=10)
    reports = [("W1", 1, "asb", "c1", "u1")] * 9 + [("W1", 1, "fly_tipping", "c2", "u2")] * 26
    table = publish_year(reports, {}, policy=policy)[(("ward", "W1"), "2026-01")]
    assert table.categories["asb"].reason == "fewer_than_min"
    assert table.categories["fly_tipping"].count == 30
    assert Counter(s.reason for s in table.categories.values())["fewer_than_min"] == 1
