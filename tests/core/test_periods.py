"""Fixed calendar periods: a month, a quarter or a year, with an exclusive end."""

import itertools
from datetime import date, timedelta

import pytest

from wardapp.core.periods import Period, parse_period

FORMS = ("YYYY-MM", "YYYY-Qn", "YYYY")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-10", date(2026, 10, 1), date(2026, 11, 1)),
        ("2026-01", date(2026, 1, 1), date(2026, 2, 1)),
        ("2026-02", date(2026, 2, 1), date(2026, 3, 1)),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1)),
        ("2026-Q2", date(2026, 4, 1), date(2026, 7, 1)),
        ("2026-Q3", date(2026, 7, 1), date(2026, 10, 1)),
        ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1)),
        ("2026", date(2026, 1, 1), date(2027, 1, 1)),
        ("2000", date(2000, 1, 1), date(2001, 1, 1)),
        ("2100-12", date(2100, 12, 1), date(2101, 1, 1)),
    ],
)
def test_start_and_exclusive_end(text: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert period == Period(text, start, end)


def test_month_covers_exactly_its_days() -> None:
    for month in range(1, 13):
        period = parse_period(f"2028-{month:02d}")  # 2028 is a leap year
        last = period.end - timedelta(days=1)
        assert last.month == month
        assert period.start.day == 1
        assert (period.end - period.start).days in (29, 30, 31)
    assert (parse_period("2028-02").end - parse_period("2028-02").start).days == 29
    assert (parse_period("2026-02").end - parse_period("2026-02").start).days == 28


def test_quarters_tile_the_year() -> None:
    quarters = [parse_period(f"2026-Q{n}") for n in range(1, 5)]
    year = parse_period("2026")
    assert quarters[0].start == year.start
    assert quarters[-1].end == year.end
    for before, after in itertools.pairwise(quarters):
        assert before.end == after.start


def test_quarter_is_its_three_months() -> None:
    months = [parse_period(f"2026-{m:02d}") for m in (10, 11, 12)]
    q4 = parse_period("2026-Q4")
    assert q4.start == months[0].start
    assert q4.end == months[-1].end


def test_surrounding_spaces_are_ignored() -> None:
    period = parse_period("  2026-10 \n")
    assert period.label == "2026-10"
    assert period.start == date(2026, 10, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-00",
        "2026-Q5",
        "2026-Q0",
        "26-10",
        "",
        "   ",
        "2026-1",
        "2026-q4",
        "2026/10",
        "October 2026",
        "2026-10-01",
        "1999",
        "2101",
        "\uff12\uff10\uff12\uff16",  # full-width digits
    ],
)
def test_bad_period_names_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_period(text)
    message = str(raised.value)
    for form in FORMS:
        assert form in message


def test_bad_month_says_it_is_the_month() -> None:
    with pytest.raises(ValueError, match="month must be between 01 and 12"):
        parse_period("2026-13")
