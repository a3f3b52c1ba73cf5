"""The fixed calendar periods reports are grouped by: a month, a quarter or a year (UK dates)."""

import re
from dataclasses import dataclass
from datetime import date

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
