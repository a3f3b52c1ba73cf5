"""The report as it travels between app and AIM store, and its validation in plain words.

One model serves the client (before saving) and the server (before accepting), so a report
the app lets through is one the store accepts, with the same messages.
"""

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from wardapp.core.taxonomy import Taxonomy
from wardapp.core.wards import Ward, WardSet

UK = ZoneInfo("Europe/London")
DESCRIPTION_MAX = 2000
TimeBand = Literal["morning", "afternoon", "evening", "night"]
ObservedBy = Literal["councillor", "resident"]
ReportStatus = Literal["received", "assessed", "actioned", "closed", "withdrawn"]
REPORT_STATUSES: tuple[ReportStatus, ...] = (
    "received",
    "assessed",
    "actioned",
    "closed",
    "withdrawn",
)
# ASCII only: "\d" alone would also take other scripts' digits, such as full-width ones.
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$", re.ASCII)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


EARLIEST_DATE = date(2000, 1, 1)
CLOCK_SKEW = timedelta(days=1)


def uk_today() -> date:
    return datetime.now(UK).date()


# Line breaks and tabs are text; other control characters (NUL above all) are not.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(value: str | None) -> str | None:
    if value and _CONTROL.search(value):
        raise PydanticCustomError(
            "control_character", "Remove the invisible control characters from this text."
        )
    return value


PlainText = Annotated[str, AfterValidator(_no_control_characters)]


class ResidentContact(BaseModel):
    """Optional contact details of a resident; never leave the AIM store."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[PlainText, Field(max_length=120)] | None = None
    phone: Annotated[PlainText, Field(max_length=40)] | None = None
    email: Annotated[PlainText, Field(max_length=254)] | None = None
    consent: StrictBool

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value and not _EMAIL.match(value):
            raise PydanticCustomError("email", "This email address does not look right.")
        return value or None

    @model_validator(mode="after")
    def _consented_and_useful(self) -> "ResidentContact":
        if self.consent is not True:
            raise PydanticCustomError(
                "consent",
                "Tick consent: the resident must agree before their details are kept.",
            )
        if not (self.name or self.phone or self.email):
            raise PydanticCustomError(
                "contact_empty", "Give a name, phone or email, or remove the resident contact."
            )
        return self


class ReportIn(BaseModel):
    """A report exactly as the wire format names it (docs/api.md, "A report on the wire")."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: UUID
    category: str
    occurred_on: date
    occurred_time: str | None = None
    time_band: TimeBand | None = None
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False)
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False)
    accuracy_m: float | None = Field(default=None, ge=0, le=100_000, allow_inf_nan=False)
    observed_by: ObservedBy
    description: PlainText = Field(default="", max_length=DESCRIPTION_MAX)
    repeat_issue: StrictBool = False
    resident_contact: ResidentContact | None = None
    captured_at: AwareDatetime
    version: int = Field(default=1, ge=1, le=1_000_000)
    withdrawn: StrictBool = False

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str, info: ValidationInfo) -> str:
        taxonomy = _context(info).taxonomy
        if taxonomy is not None and taxonomy.get(value) is None:
            raise PydanticCustomError(
                "unknown_category",
                "Unknown category '{value}'. Choose one of: {codes}.",
                {"value": value, "codes": ", ".join(taxonomy.codes())},
            )
        return value

    @field_validator("occurred_on")
    @classmethod
    def _not_in_future(cls, value: date, info: ValidationInfo) -> date:
        today = _context(info).today or uk_today()
        if value > today:
            raise PydanticCustomError(
                "future_date",
                "The date {value} is in the future; give the day it happened.",
                {"value": value.isoformat()},
            )
        if value < EARLIEST_DATE:
            raise PydanticCustomError(
                "date_too_early",
                "The date {value} is before {earliest}; check the year.",
                {"value": value.isoformat(), "earliest": EARLIEST_DATE.isoformat()},
            )
        return value

    @field_validator("captured_at")
    @classmethod
    def _captured_not_in_future(cls, value: datetime) -> datetime:
        if value > datetime.now(UTC) + CLOCK_SKEW:
            raise PydanticCustomError(
                "future_capture",
                "The capture time is in the future; check this computer's clock.",
            )
        return value

    @field_validator("occurred_time")
    @classmethod
    def _time_shape(cls, value: str | None) -> str | None:
        if value is not None and not _TIME.match(value):
            raise PydanticCustomError("time", "Give the time as HH:MM on the 24-hour clock.")
        return value

    @field_validator("time_band")
    @classmethod
    def _time_or_band(cls, value: TimeBand | None, info: ValidationInfo) -> TimeBand | None:
        """A field check, not a model check, so the message is keyed "time_band", not "report"."""
        if value is not None and info.data.get("occurred_time") is not None:
            raise PydanticCustomError(
                "time_and_band",
                "Give either the exact time or a time band, not both.",
            )
        return value

    def content_hash(self) -> str:
        """Stable digest of the content, to tell a re-sent copy from a different report."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ValidationContext:
    taxonomy: Taxonomy | None = None
    today: date | None = None


def _context(info: ValidationInfo) -> ValidationContext:
    ctx = info.context
    return ctx if isinstance(ctx, ValidationContext) else ValidationContext()


@dataclass
class ReportInvalid(Exception):
    """A report that cannot be accepted; ``fields`` maps each field to what to fix."""

    fields: dict[str, str] = field(default_factory=dict)

    @property
    def message(self) -> str:
        parts = [f"{name}: {text}" for name, text in self.fields.items()]
        return "Fix the report: " + "; ".join(parts)

    def __str__(self) -> str:
        return self.message


_FRIENDLY: dict[str, str] = {
    "missing": "This is required.",
    "extra_forbidden": "This is not a field of a report; remove it.",
    "uuid_parsing": "Must be a UUID, like 1b4e28ba-2fa1-41d2-883f-0016d3cca427.",
    "uuid_type": "Must be a UUID, like 1b4e28ba-2fa1-41d2-883f-0016d3cca427.",
    "date_from_datetime_parsing": "Give the date as YYYY-MM-DD.",
    "date_parsing": "Give the date as YYYY-MM-DD.",
    "date_from_datetime_inexact": "Give the date as YYYY-MM-DD.",
    "date_type": "Give the date as YYYY-MM-DD.",
    "datetime_from_date_parsing": "Give a date and time like 2026-10-15T10:02:11Z.",
    "datetime_parsing": "Give a date and time like 2026-10-15T10:02:11Z.",
    "timezone_aware": "Include the time zone, like 2026-10-15T10:02:11Z.",
    "float_parsing": "Must be a number.",
    "float_type": "Must be a number.",
    "int_parsing": "Must be a whole number.",
    "int_type": "Must be a whole number.",
    "int_from_float": "Must be a whole number.",
    "finite_number": "Must be a number.",
    "bool_parsing": "Must be true or false.",
    "bool_type": "Must be true or false.",
    "string_type": "Must be text.",
    "model_type": "Must be an object with the listed fields.",
    "model_attributes_type": "Must be an object with the listed fields.",
}


def friendly_message(item: Mapping[str, Any]) -> str:
    """One plain sentence for one pydantic error (an item of ``ValidationError.errors()``)."""
    kind = item.get("type", "")
    ctx = item.get("ctx") or {}
    # "too_long" is a list's, or a text's checked after a validator (PlainText): say which.
    if kind == "string_too_long" or (kind == "too_long" and isinstance(item.get("input"), str)):
        return f"Too long: at most {ctx.get('max_length')} characters."
    if kind == "too_long":
        return f"Too many: at most {ctx.get('max_length')} items."
    if kind == "greater_than_equal":
        return f"Must be at least {_bound(ctx.get('ge'))}."
    if kind == "less_than_equal":
        return f"Must be at most {_bound(ctx.get('le'))}."
    if kind == "literal_error":
        return f"Must be one of: {ctx.get('expected', '')}."
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    text = str(item.get("msg", "Invalid value."))
    return text if text.endswith(".") else text + "."


def _bound(value: Any) -> str:
    """A limit as people write it: "90", not "90.0"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Problems listed for one report (or request) at most: one with 100,000 unknown fields once
# answered with 10 MB of messages.
PROBLEMS_LISTED_MAX = 20


def first_problems(fields: dict[str, str], limit: int = PROBLEMS_LISTED_MAX) -> dict[str, str]:
    """The first ``limit`` problems and, under "more", how many were left out."""
    if len(fields) <= limit:
        return fields
    kept = dict(list(fields.items())[:limit])
    kept["more"] = f"And {len(fields) - limit:,} more problems, not listed."
    return kept


def friendly_errors(error: ValidationError) -> dict[str, str]:
    """Field path -> one plain sentence, from pydantic's errors (the first few only)."""
    fields: dict[str, str] = {}
    for item in error.errors(include_url=False):
        path = ".".join(str(p) for p in item["loc"]) or "report"
        fields.setdefault(path, friendly_message(item))
    return first_problems(fields)


def parse_report(raw: Any, taxonomy: Taxonomy | None = None, today: date | None = None) -> ReportIn:
    """Validate the wire form of a report; raises ReportInvalid with a message per field."""
    if not isinstance(raw, dict):
        raise ReportInvalid({"report": "Each report must be a JSON object."})
    try:
        return ReportIn.model_validate(raw, context=ValidationContext(taxonomy, today))
    except ValidationError as exc:
        raise ReportInvalid(friendly_errors(exc)) from None


def outside_every_ward(report: ReportIn) -> ReportInvalid:
    """The refusal of a report placed outside the area, in plain words."""
    return ReportInvalid(
        {
            "lat": (
                f"The place ({report.lat:.5f}, {report.lon:.5f}) is outside every ward of "
                "the area; move the pin inside the boundary."
            )
        }
    )


def locate_report(report: ReportIn, wards: WardSet) -> Ward:
    """The ward a report belongs to; a point outside the area is refused in plain words."""
    ward = wards.locate(report.lat, report.lon)
    if ward is None:
        raise outside_every_ward(report)
    return ward
