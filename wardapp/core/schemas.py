"""The AIM store API's request and response bodies, shared by the app and the server."""

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from wardapp.core.report import PlainText, ReportIn, ReportStatus

Role = Literal["councillor", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("councillor", "analyst", "admin")
BATCH_MAX = 500
PAGE_MAX = 1000
ItemStatus = Literal["created", "updated", "duplicate", "conflict", "rejected"]

T = TypeVar("T")


class ErrorBody(BaseModel):
    error: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)


class TokenRequest(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    username: PlainText = Field(min_length=1, max_length=64)
    # Never stripped: spaces are part of a password, and accounts store it as typed.
    password: Annotated[
        str, StringConstraints(strip_whitespace=False, min_length=1, max_length=256)
    ]
    device_name: PlainText = Field(min_length=1, max_length=120)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=256)


class UserInfo(BaseModel):
    username: str
    role: Role
    wards: list[str]


class TokenResponse(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    user: UserInfo


class BatchRequest(BaseModel):
    """Items stay raw here so that one bad report is rejected alone, not the whole batch."""

    model_config = ConfigDict(extra="forbid")

    reports: list[Any] = Field(min_length=1, max_length=BATCH_MAX)


class ItemError(BaseModel):
    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)


class ItemResult(BaseModel):
    id: str | None
    status: ItemStatus
    error: ItemError | None = None


class BatchResponse(BaseModel):
    results: list[ItemResult]


class ReportOut(ReportIn):
    """A report with what the server adds."""

    model_config = ConfigDict(extra="ignore")

    ward_code: str
    status: ReportStatus
    status_note: str | None = None
    source: str
    server_received_at: datetime


class AnalystReportOut(ReportOut):
    reporter: str | None = None


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None
    sync_token: str


class WardCollection(BaseModel):
    """GeoJSON FeatureCollection of the current wards (properties: code, name)."""

    model_config = ConfigDict(extra="allow")

    type: Literal["FeatureCollection"] = "FeatureCollection"
    boundary_set: str
    features: list[dict[str, Any]]


class Health(BaseModel):
    status: Literal["ok", "error"]
    database: Literal["ok", "error"]
    version: str
