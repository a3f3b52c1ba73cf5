"""Rules that keep stored text and dates sane: control characters, yes/no, odd dates."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.core.factories import TODAY, wire_report
from tests.core.test_report_rules import only, refusal
from wardapp.core.report import parse_report


@pytest.mark.parametrize("text", ["nul \x00 inside", "bell \x07", "escape \x1b[31m", "del \x7f"])
def test_control_characters_in_the_description_are_refused(text: str) -> None:
    message = only(refusal(wire_report(description=text)), "description")
    assert "control characters" in message


def test_line_breaks_and_tabs_are_ordinary_text() -> None:
    text = "First line\nsecond line\twith a tab"
    assert parse_report(wire_report(description=text), today=TODAY).description == text


def test_control_characters_in_a_resident_contact_are_refused() -> None:
    contact = {"name": "Pat\x00", "consent": True}
    fields = refusal(wire_report(resident_contact=contact))
    assert "control characters" in fields["resident_contact.name"]


@pytest.mark.parametrize("key", ["repeat_issue", "withdrawn"])
@pytest.mark.parametrize("value", ["yes", "true", 1, 0, "no"])
def test_yes_no_fields_take_only_true_or_false(key: str, value: Any) -> None:
    assert only(refusal(wire_report(**{key: value})), key) == "Must be true or false."


def test_consent_must_be_a_real_tick() -> None:
    fields = refusal(wire_report(resident_contact={"name": "Pat", "consent": "yes"}))
    assert fields["resident_contact.consent"] == "Must be true or false."


def test_a_date_before_2000_is_refused_as_a_likely_typo() -> None:
    message = only(refusal(wire_report(occurred_on="1900-01-01")), "occurred_on")
    assert "1900-01-01" in message and "check the year" in message


def test_capture_time_in_the_future_points_at_the_clock() -> None:
    later = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    message = only(refusal(wire_report(captured_at=later)), "captured_at")
    assert "clock" in message


def test_capture_time_a_few_hours_ahead_is_tolerated() -> None:
    ahead = (datetime.now(UTC) + timedelta(hours=3)).isoformat()
    report = parse_report(wire_report(captured_at=ahead), today=date.today())
    assert report.captured_at > datetime.now(UTC)
