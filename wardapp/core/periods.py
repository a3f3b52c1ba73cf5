"""The fixed calendar periods reports are grouped by: a month, a quarter or a year (UK dates)."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$", re.ASCII)
_FORMS = "YYYY-MM (a month), YYYY-Qn (a quarter) or YYYY"


@dataclass(frozen=True)
class Period:
    label: str
    start: date  # first day
    end: date  # first day after the period


def parse_period(text: str) -> Period:
    """'2026-10', '2026-Q4' or '2026'; raises ValueError with a message saying the forms."""
    text = text.strip()  # the label is what the caller meant, without stray spaces
    match = _PERIOD.match(text)
    year = int(match["year"]) if match else 0
    if not match or not 2000 <= year <= 2100:
        raise ValueError(f"Give the period as {_FORMS}.")
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ValueError(f"The month must be between 01 and 12; give the period as {_FORMS}.")
        return Period(text, date(year, month, 1), _add_months(date(year, month, 1), 1))
    if match["quarter"]:
        first = date(year, 3 * (int(match["quarter"]) - 1) + 1, 1)
        return Period(text, first, _add_months(first, 3))
    return Period(text, date(year, 1, 1), date(year + 1, 1, 1))


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def year_periods(year: int) -> list[Period]:
    """Every fixed period of a calendar year: its months, its quarters and the year itself."""
    labels = [month_label(year, m) for m in range(1, 13)]
    labels += [f"{year}-Q{q}" for q in range(1, 5)] + [str(year)]
    return [parse_period(label) for label in labels]


def months_of(period: Period) -> list[Period]:
    months, day = [], period.start
    while day < period.end:
        months.append(parse_period(month_label(day.year, day.month)))
        day = _add_months(day, 1)
    return months


def quarters_of(year: int) -> list[Period]:
    return [parse_period(f"{year}-Q{q}") for q in range(1, 5)]


def is_closed(period: Period, today: date) -> bool:
    """Over: a month from the day after its last day (UK date)."""
    return period.end <= today


# Days after a period ends before it is published: late reports come in meanwhile. The
# AIM store's setting (SUMMARY_PUBLISH_DELAY_DAYS) has this default; the app assumes it.
PUBLISH_DELAY_DAYS = 5


def publication_day(period: Period, delay_days: int = PUBLISH_DELAY_DAYS) -> date:
    """The first day a period may be read (October: 6 November, by default)."""
    return period.end + timedelta(days=delay_days)


def uk_today(now: datetime | None = None) -> date:
    """Today's date in the UK, where a month's end is decided."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo("Europe/London")).date()


def trend_months(period: Period, count: int = 12) -> list[Period]:
    """The ``count`` months ending with the period's last month, oldest first."""
    last = _add_months(period.end, -1)
    days = (_add_months(last, -back) for back in range(count - 1, -1, -1))
    return [parse_period(month_label(d.year, d.month)) for d in days if d.year >= 2000]


def latest_published(today: date, kind: str, delay_days: int = PUBLISH_DELAY_DAYS) -> list[Period]:
    """Published periods of one kind ('month', 'quarter' or 'year'), newest first (24/8/5)."""
    today -= timedelta(days=delay_days)  # a period published today ended delay_days ago
    this_month = date(today.year, today.month, 1)
    if kind == "month":
        return [
            parse_period(month_label(d.year, d.month))
            for d in (_add_months(this_month, -back) for back in range(1, 25))
        ]
    if kind == "quarter":
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return [
            parse_period(f"{d.year}-Q{(d.month - 1) // 3 + 1}")
            for d in (_add_months(start, -3 * back) for back in range(1, 9))
        ]
    return [parse_period(str(today.year - back)) for back in range(1, 6)]
