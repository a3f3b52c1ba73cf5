"""Report validation, rule by rule: the field key a form can mark and a message in plain words."""

from datetime import date, timedelta
from typing import Any

import pytest

from tests.core.factories import TODAY, wire_report
from wardapp.core.report import DESCRIPTION_MAX, ReportInvalid, parse_report
from wardapp.core.taxonomy import Taxonomy

# pydantic's own wording; every rule below has text of ours instead.
JARGON = ("Input should", "validation error", "type=", "pydantic")


def refusal(
    raw: Any, taxonomy: Taxonomy | None = None, today: date | None = TODAY
) -> dict[str, str]:
    """The per-field messages of a report that must be refused."""
    with pytest.raises(ReportInvalid) as raised:
        parse_report(raw, taxonomy, today)
    fields = raised.value.fields
    assert fields, "a refusal must say which field to fix"
    for key, message in fields.items():
        assert message.strip(), key
        assert not any(word in message for word in JARGON), f"{key}: {message}"
    return fields


def only(fields: dict[str, str], key: str) -> str:
    """The message for ``key``, checking that nothing else was blamed."""
    assert set(fields) == {key}, fields
    return fields[key]


def test_unknown_category_lists_the_valid_codes(taxonomy: Taxonomy) -> None:
    message = only(refusal(wire_report(category="joyriding"), taxonomy), "category")
    assert "joyriding" in message
    for code in taxonomy.codes():
        assert code in message


def test_category_is_case_sensitive(taxonomy: Taxonomy) -> None:
    only(refusal(wire_report(category="ASB"), taxonomy), "category")


def test_empty_category_is_unknown(taxonomy: Taxonomy) -> None:
    message = only(refusal(wire_report(category=""), taxonomy), "category")
    assert "motorbike_misuse" in message


def test_every_taxonomy_code_is_accepted(taxonomy: Taxonomy) -> None:
    for code in taxonomy.codes():
        assert parse_report(wire_report(category=code), taxonomy, TODAY).category == code


def test_category_is_not_checked_without_a_taxonomy() -> None:
    """The client may validate before it has fetched the taxonomy; the server always has one."""
    assert parse_report(wire_report(category="new_code"), None, TODAY).category == "new_code"


def test_occurred_on_in_the_future_is_refused() -> None:
    tomorrow = TODAY + timedelta(days=1)
    message = only(refusal(wire_report(occurred_on=tomorrow.isoformat())), "occurred_on")
    assert tomorrow.isoformat() in message
    assert "future" in message


def test_occurred_on_today_is_accepted() -> None:
    report = parse_report(wire_report(occurred_on=TODAY.isoformat()), None, TODAY)
    assert report.occurred_on == TODAY


def test_future_is_judged_against_the_given_today() -> None:
    raw = wire_report(occurred_on="2026-10-14")
    only(refusal(raw, today=date(2026, 10, 13)), "occurred_on")
    assert parse_report(raw, None, date(2026, 10, 14)).occurred_on == date(2026, 10, 14)


def test_a_date_far_in_the_future_is_refused_even_without_today() -> None:
    message = only(refusal(wire_report(occurred_on="2999-01-01"), today=None), "occurred_on")
    assert "future" in message


@pytest.mark.parametrize("value", ["14/10/2026", "2026-13-01", "2026-02-30", "yesterday", "", 3.5])
def test_bad_date_format(value: Any) -> None:
    message = only(refusal(wire_report(occurred_on=value)), "occurred_on")
    assert "YYYY-MM-DD" in message


@pytest.mark.parametrize(
    "value", ["25:00", "9pm", "21:60", "2130", "21:30:00", "7:30", "\uff11\uff12:30"]
)
def test_bad_occurred_time(value: str) -> None:
    message = only(refusal(wire_report(occurred_time=value)), "occurred_time")
    assert "HH:MM" in message
    assert "24-hour" in message


@pytest.mark.parametrize("value", ["00:00", "09:05", "23:59"])
def test_good_occurred_time(value: str) -> None:
    assert parse_report(wire_report(occurred_time=value), None, TODAY).occurred_time == value


def test_time_and_band_together_is_refused_on_a_field() -> None:
    fields = refusal(wire_report(occurred_time="21:30", time_band="evening"))
    message = only(fields, "time_band")
    assert "either the exact time or a time band" in message


@pytest.mark.parametrize("band", ["morning", "afternoon", "evening", "night"])
def test_time_band_alone_is_accepted(band: str) -> None:
    report = parse_report(wire_report(occurred_time=None, time_band=band), None, TODAY)
    assert report.time_band == band
    assert report.occurred_time is None


def test_neither_time_nor_band_is_accepted() -> None:
    report = parse_report(wire_report(occurred_time=None, time_band=None), None, TODAY)
    assert report.occurred_time is None
    assert report.time_band is None


@pytest.mark.parametrize("band", ["dusk", "Evening", "", "late"])
def test_bad_time_band_lists_the_bands(band: str) -> None:
    message = only(refusal(wire_report(occurred_time=None, time_band=band)), "time_band")
    for allowed in ("morning", "afternoon", "evening", "night"):
        assert allowed in message


@pytest.mark.parametrize(("key", "value", "limit"), [("lat", 91, "90"), ("lat", -90.5, "-90")])
def test_lat_out_of_range(key: str, value: float, limit: str) -> None:
    message = only(refusal(wire_report(**{key: value})), key)
    assert limit in message
    assert message.startswith("Must be at")


@pytest.mark.parametrize("value", [180.01, -181])
def test_lon_out_of_range(value: float) -> None:
    message = only(refusal(wire_report(lon=value)), "lon")
    assert "180" in message


@pytest.mark.parametrize("key", ["lat", "lon", "accuracy_m"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_not_a_finite_number(key: str, value: float) -> None:
    assert only(refusal(wire_report(**{key: value})), key) == "Must be a number."


@pytest.mark.parametrize("value", ["north", None, [54.5]])
def test_lat_that_is_not_a_number(value: Any) -> None:
    only(refusal(wire_report(lat=value)), "lat")


def test_negative_accuracy_is_refused() -> None:
    message = only(refusal(wire_report(accuracy_m=-5)), "accuracy_m")
    assert "0" in message


@pytest.mark.parametrize("value", ["police", "Resident", "", None])
def test_observed_by_invalid(value: Any) -> None:
    message = only(refusal(wire_report(observed_by=value)), "observed_by")
    if value is not None:
        assert "councillor" in message
        assert "resident" in message


def test_description_at_the_limit_is_accepted() -> None:
    text = "x" * DESCRIPTION_MAX
    assert parse_report(wire_report(description=text), None, TODAY).description == text


def test_description_over_the_limit() -> None:
    message = only(refusal(wire_report(description="x" * (DESCRIPTION_MAX + 1))), "description")
    assert str(DESCRIPTION_MAX) in message
    assert "Too long" in message


def test_description_is_trimmed_and_optional() -> None:
    raw = wire_report(description="  bikes on the field \n")
    assert parse_report(raw, None, TODAY).description == "bikes on the field"
    del raw["description"]
    assert parse_report(raw, None, TODAY).description == ""


def test_captured_at_without_time_zone() -> None:
    message = only(refusal(wire_report(captured_at="2026-10-15T10:02:11")), "captured_at")
    assert "time zone" in message


@pytest.mark.parametrize("value", ["last tuesday", "2026-10-15 25:00", 12.5e20])
def test_captured_at_unreadable(value: Any) -> None:
    message = only(refusal(wire_report(captured_at=value)), "captured_at")
    assert "2026-10-15T10:02:11Z" in message


def test_captured_at_with_offset_is_accepted() -> None:
    report = parse_report(wire_report(captured_at="2026-10-15T11:02:11+01:00"), None, TODAY)
    assert report.captured_at.utcoffset() is not None


@pytest.mark.parametrize("value", ["not-a-uuid", "1234", "", 42])
def test_id_not_a_uuid(value: Any) -> None:
    message = only(refusal(wire_report(id=value)), "id")
    assert "UUID" in message


def test_unknown_extra_field_is_named() -> None:
    fields = refusal(wire_report(priority="high"))
    message = only(fields, "priority")
    assert "not a field" in message


def test_server_fields_are_not_accepted_from_a_client() -> None:
    fields = refusal(wire_report(ward_code="E05009853", status="closed"))
    assert set(fields) == {"ward_code", "status"}


def test_missing_required_fields_are_each_named() -> None:
    raw = wire_report()
    required = ("id", "category", "occurred_on", "lat", "lon", "observed_by", "captured_at")
    for key in required:
        del raw[key]
    fields = refusal(raw)
    assert set(fields) == set(required)
    assert all(message == "This is required." for message in fields.values())


def test_optional_fields_may_be_left_out() -> None:
    raw = wire_report()
    for key in ("occurred_time", "time_band", "accuracy_m", "description", "repeat_issue"):
        del raw[key]
    del raw["resident_contact"]
    report = parse_report(raw, None, TODAY)
    assert report.version == 1
    assert report.withdrawn is False
    assert report.repeat_issue is False
    assert report.resident_contact is None


@pytest.mark.parametrize("raw", [None, [], "report", 7, ["id", "category"], True])
def test_non_object_input(raw: Any) -> None:
    message = only(refusal(raw), "report")
    assert "JSON object" in message


@pytest.mark.parametrize("value", [0, -1])
def test_version_below_one(value: int) -> None:
    message = only(refusal(wire_report(version=value)), "version")
    assert "1" in message


@pytest.mark.parametrize("value", [1.5, "two"])
def test_version_not_a_whole_number(value: Any) -> None:
    assert only(refusal(wire_report(version=value)), "version") == "Must be a whole number."


def test_withdrawn_must_be_true_or_false() -> None:
    assert only(refusal(wire_report(withdrawn="maybe")), "withdrawn") == "Must be true or false."


def test_several_problems_are_reported_together(taxonomy: Taxonomy) -> None:
    fields = refusal(
        wire_report(category="nope", lat=200, occurred_time="9pm", observed_by="x"), taxonomy
    )
    assert set(fields) == {"category", "lat", "occurred_time", "observed_by"}
