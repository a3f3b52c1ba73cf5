"""The bodies of the summary endpoints: anonymised counts, shared by the app and the store."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from wardapp.core.anonymise import Policy, Shown

# Why a number is not shown: a count of 1-4, or withheld so a small count cannot be
# worked out from the numbers around it.
HiddenReason = Literal["small", "withheld"]
AREA_CODE_PATTERN = r"^[a-z][a-z0-9_-]{0,15}$"


class PolicyOut(BaseModel):
    """The thresholds in force, so a reader (and the PDF) can say what "fewer than 5" means."""

    min_count: int
    rounding: int
    hotspot_min_reports: int
    hotspot_min_reporters: int
    h3_resolution: int
    publish_delay_days: int = 5

    @classmethod
    def of(cls, policy: Policy) -> "PolicyOut":
        return cls(
            min_count=policy.min_count,
            rounding=policy.rounding,
            hotspot_min_reports=policy.hex_min_reports,
            hotspot_min_reporters=policy.hex_min_reporters,
            h3_resolution=policy.h3_resolution,
            publish_delay_days=policy.publish_delay_days,
        )


class Count(BaseModel):
    count: int | None  # rounded to the policy's rounding; None when not shown
    suppressed: bool
    reason: HiddenReason | None = None

    @classmethod
    def of(cls, shown: Shown) -> dict[str, Any]:
        reason = {"": None, "fewer_than_min": "small", "withheld": "withheld"}[shown.reason]
        return {"count": shown.count, "suppressed": shown.suppressed, "reason": reason}


class CategoryCount(Count):
    code: str
    label: str


class TrendPoint(Count):
    period: str


class Place(BaseModel):
    code: str
    name: str


class Summary(BaseModel):
    """What a ward or area shows for one closed period."""

    period: str
    categories: list[CategoryCount]
    total: int | None
    total_suppressed: bool
    total_reason: HiddenReason | None = None
    trend: list[TrendPoint]  # the 12 months ending with the period, oldest first
    hotspots: dict[str, Any]  # GeoJSON FeatureCollection of H3 hexagons with "count"
    policy: PolicyOut
    version: int = 1  # the period's publication; a new one only when an administrator says
    published_at: datetime | None = None


class WardSummary(Summary):
    ward: Place


class AreaSummary(Summary):
    area: Place
    wards: list[Place]


class OverviewEntry(Count):
    code: str
    name: str


class AreaOverviewEntry(OverviewEntry):
    wards: list[str]


class Overview(BaseModel):
    """Every ward's and area's total for one period: the map's choropleth."""

    period: str
    wards: list[OverviewEntry]
    areas: list[AreaOverviewEntry]
    policy: PolicyOut
    version: int = 1
    published_at: datetime | None = None


class AreaOut(BaseModel):
    code: str
    name: str
    wards: list[str]


class AreaList(BaseModel):
    items: list[AreaOut]


class AreaIn(BaseModel):
    """PUT /v1/admin/areas/{code}: an area's name and its wards (replaces the list)."""

    name: str = Field(min_length=1, max_length=80)
    wards: list[str] = Field(max_length=200)
