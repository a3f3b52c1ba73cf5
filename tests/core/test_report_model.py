"""The report model: the design's example, resident contact rules, the ward, and content hashes."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from tests.core.factories import EXAMPLE_REPORT, TODAY, collection, feature, square, wire_report
from wardapp.core.report import (
    ReportIn,
    ReportInvalid,
    friendly_errors,
    friendly_message,
    locate_report,
    parse_report,
    uk_today,
)
from wardapp.core.taxonomy import Taxonomy
from wardapp.core.wards import WardSet

JARGON = ("Input should", "validation error")


def contact_refusal(contact: Any) -> dict[str, str]:
    with pytest.raises(ReportInvalid) as raised:
        parse_report(wire_report(resident_contact=contact), None, TODAY)
    fields = raised.value.fields
    for message in fields.values():
        assert not any(word in message for word in JARGON), message
    return fields


def test_the_design_example_is_valid(taxonomy: Taxonomy) -> None:
    report = parse_report(EXAMPLE_REPORT, taxonomy, TODAY)
    assert report.id == uuid.UUID(EXAMPLE_REPORT["id"])
    assert report.category == "motorbike_misuse"
    assert report.occurred_on == date(2026, 10, 14)
    assert report.occurred_time == "21:30"
    assert report.time_band is None
    assert (report.lat, report.lon) == (54.5541, -1.2001)
    assert report.accuracy_m == 30
    assert report.observed_by == "resident"
    assert report.repeat_issue is True
    assert report.resident_contact is None
    assert report.captured_at == datetime(2026, 10, 15, 10, 2, 11, tzinfo=UTC)
    assert report.version == 1
    assert report.withdrawn is False


def test_parse_does_not_change_the_input() -> None:
    raw = wire_report()
    parse_report(raw, None, TODAY)
    assert raw == EXAMPLE_REPORT


def test_wire_form_round_trips(taxonomy: Taxonomy) -> None:
    report = parse_report(EXAMPLE_REPORT, taxonomy, TODAY)
    again = parse_report(report.model_dump(mode="json"), taxonomy, TODAY)
    assert again == report
    dumped = report.model_dump(mode="json")
    assert dumped["id"] == EXAMPLE_REPORT["id"]
    assert dumped["occurred_on"] == "2026-10-14"


def test_a_correction_carries_version_and_withdrawn() -> None:
    report = parse_report(wire_report(version=3, withdrawn=True), None, TODAY)
    assert report.version == 3
    assert report.withdrawn is True


def test_uk_today_is_a_date() -> None:
    today = uk_today()
    assert isinstance(today, date)
    assert abs((today - datetime.now(UTC).date()).days) <= 1


# Resident contact ---------------------------------------------------------------------------


def test_contact_with_consent_is_kept() -> None:
    contact = {
        "name": " Pat ",
        "phone": "01642 000000",
        "email": "pat@example.org",
        "consent": True,
    }
    report = parse_report(wire_report(resident_contact=contact), None, TODAY)
    assert report.resident_contact is not None
    assert report.resident_contact.name == "Pat"
    assert report.resident_contact.email == "pat@example.org"
    assert report.resident_contact.consent is True


@pytest.mark.parametrize("only_detail", ["name", "phone", "email"])
def test_one_contact_detail_is_enough(only_detail: str) -> None:
    value = "pat@example.org" if only_detail == "email" else "Pat 01642"
    contact = {only_detail: value, "consent": True}
    report = parse_report(wire_report(resident_contact=contact), None, TODAY)
    assert report.resident_contact is not None


def test_contact_with_consent_false() -> None:
    fields = contact_refusal({"name": "Pat", "consent": False})
    assert set(fields) == {"resident_contact"}
    assert "consent" in fields["resident_contact"].lower()
    assert "agree" in fields["resident_contact"]


def test_contact_without_consent() -> None:
    fields = contact_refusal({"name": "Pat", "phone": "01642 000000"})
    assert set(fields) == {"resident_contact.consent"}
    assert fields["resident_contact.consent"] == "This is required."


@pytest.mark.parametrize(
    "contact",
    [
        {"consent": True},
        {"name": "", "phone": "  ", "email": "", "consent": True},
        {"name": None, "phone": None, "email": None, "consent": True},
    ],
)
def test_contact_with_no_details(contact: dict[str, Any]) -> None:
    fields = contact_refusal(contact)
    assert set(fields) == {"resident_contact"}
    message = fields["resident_contact"]
    assert "name, phone or email" in message
    assert "remove" in message


@pytest.mark.parametrize("email", ["pat", "pat@", "pat@example", "pat smith@example.org", "@x.org"])
def test_bad_email(email: str) -> None:
    fields = contact_refusal({"name": "Pat", "email": email, "consent": True})
    assert set(fields) == {"resident_contact.email"}
    assert "email" in fields["resident_contact.email"]
    assert "does not look right" in fields["resident_contact.email"]


def test_contact_with_unknown_field() -> None:
    fields = contact_refusal({"name": "Pat", "consent": True, "address": "1 High St"})
    assert set(fields) == {"resident_contact.address"}


def test_contact_that_is_not_an_object() -> None:
    fields = contact_refusal("Pat, 01642 000000")
    assert set(fields) == {"resident_contact"}
    assert "object" in fields["resident_contact"]


def test_contact_name_too_long() -> None:
    fields = contact_refusal({"name": "P" * 121, "consent": True})
    assert fields == {"resident_contact.name": "Too long: at most 120 characters."}


# The ward of a report -----------------------------------------------------------------------


def test_locate_report_finds_the_ward(ward_set: WardSet) -> None:
    report = parse_report(EXAMPLE_REPORT, None, TODAY)
    ward = locate_report(report, ward_set)
    assert ward == ward_set.locate(report.lat, report.lon)
    assert ward.code.startswith("E05")


@pytest.mark.parametrize("code", ["E05009853", "E05009860", "E05009872"])
def test_locate_report_in_a_given_ward(ward_set: WardSet, code: str) -> None:
    target = ward_set.get(code)
    assert target is not None
    point = target.geometry.representative_point()
    report = parse_report(wire_report(lat=point.y, lon=point.x), None, TODAY)
    assert locate_report(report, ward_set).code == code


def test_point_outside_every_ward(ward_set: WardSet) -> None:
    report = parse_report(wire_report(lat=51.5074, lon=-0.1278), None, TODAY)  # London
    with pytest.raises(ReportInvalid) as raised:
        locate_report(report, ward_set)
    fields = raised.value.fields
    assert set(fields) == {"lat"}
    assert "outside every ward" in fields["lat"]
    assert "51.50740" in fields["lat"]
    assert "-0.12780" in fields["lat"]
    assert "move the pin" in fields["lat"]


def test_locate_report_uses_the_given_ward_set() -> None:
    tiny = WardSet.from_geojson(collection(feature("X1", "Test ward", square(-1.21, 54.55))))
    report = parse_report(EXAMPLE_REPORT, None, TODAY)
    assert locate_report(report, tiny).code == "X1"


# ReportInvalid and friendly messages ------------------------------------------------------


def test_report_invalid_message_lists_each_field() -> None:
    error = ReportInvalid({"lat": "Must be at most 90.", "category": "Unknown category 'x'."})
    assert error.message.startswith("Fix the report: ")
    assert "lat: Must be at most 90." in error.message
    assert "category: Unknown category 'x'." in error.message
    assert str(error) == error.message


def test_report_invalid_is_an_exception() -> None:
    with pytest.raises(ReportInvalid, match="Fix the report"):
        raise ReportInvalid({"report": "Each report must be a JSON object."})


def test_friendly_message_falls_back_to_a_sentence() -> None:
    assert friendly_message({"type": "something_new", "msg": "Value is odd"}) == "Value is odd."
    assert friendly_message({"type": "something_new", "msg": "Odd."}) == "Odd."
    assert friendly_message({}).endswith(".")


def test_friendly_errors_joins_nested_paths() -> None:
    with pytest.raises(ValidationError) as raised:
        ReportIn.model_validate(wire_report(resident_contact={"email": "x", "consent": True}))
    fields = friendly_errors(raised.value)
    assert set(fields) == {"resident_contact.email"}


# Content hash -------------------------------------------------------------------------------


def _hash(**overrides: Any) -> str:
    return parse_report(wire_report(**overrides), None, TODAY).content_hash()


def test_equal_content_gives_equal_hash() -> None:
    assert _hash() == _hash()
    assert (
        _hash()
        == parse_report(dict(reversed(list(EXAMPLE_REPORT.items()))), None, TODAY).content_hash()
    )


def test_hash_ignores_spelling_that_means_the_same() -> None:
    """A re-sent copy is a duplicate even if JSON spelled the same values differently."""
    assert _hash() == _hash(accuracy_m=30.0)
    assert _hash() == _hash(id=EXAMPLE_REPORT["id"].upper())
    assert _hash() == _hash(version=1)
    assert _hash() == _hash(description="  " + EXAMPLE_REPORT["description"] + " ")


def test_hash_differs_when_description_changes() -> None:
    assert _hash() != _hash(description="Three off-road bikes on the field every evening")


def test_hash_differs_when_version_changes() -> None:
    assert _hash() != _hash(version=2)


@pytest.mark.parametrize(
    "change",
    [
        {"category": "asb"},
        {"occurred_on": "2026-10-13"},
        {"lat": 54.5542},
        {"withdrawn": True},
        {"resident_contact": {"name": "Pat", "consent": True}},
        {"occurred_time": None, "time_band": "evening"},
    ],
)
def test_hash_differs_when_content_changes(change: dict[str, Any]) -> None:
    assert _hash() != _hash(**change)


def test_hash_is_hex_sha256() -> None:
    digest = _hash()
    assert len(digest) == 64
    int(digest, 16)
