"""The AIM store API's request and response bodies, shared by the app and the server."""

from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from wardapp.core.report import PlainText, ReportIn, ReportStatus
from wardapp.core.triage import ACTION_NOTE_MAX, STATUS_NOTE_MAX, ActionProgress

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
    # The device's last refresh token, if it has one (also one that has run out): proof of a
    # device that signed in before, which lets it through a lock others caused on the account.
    device_token: str | None = Field(default=None, min_length=1, max_length=256)


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
    # "month" when the source gives only the month (police.uk): occurred_on is its first day.
    occurred_precision: Literal["day", "month"] = "day"
    attribution: str | None = None  # the licence text a source's records are shown with


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


# Administration (/v1/admin): accounts, devices and the taxonomy.

NewPassword = Annotated[
    str, StringConstraints(strip_whitespace=False, min_length=1, max_length=256)
]


class AdminUserOut(BaseModel):
    username: str
    role: Role
    wards: list[str]
    disabled: bool
    created_at: datetime


class AdminUserList(BaseModel):
    items: list[AdminUserOut]


class UserCreate(BaseModel):
    """A new account; the password is checked for length by the server."""

    model_config = ConfigDict(extra="forbid")

    username: PlainText = Field(min_length=1, max_length=64)
    role: Role
    wards: list[Annotated[str, StringConstraints(max_length=16)]] = Field(
        default_factory=list, max_length=500
    )
    password: NewPassword


class UserUpdate(BaseModel):
    """Only the fields given change; ``disabled: true`` also signs out every device."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    wards: list[Annotated[str, StringConstraints(max_length=16)]] | None = Field(
        default=None, max_length=500
    )
    disabled: StrictBool | None = None


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: NewPassword


class DeviceOut(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None


class DeviceList(BaseModel):
    items: list[DeviceOut]


class RetireCategory(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=40)


# The analyst's workflow: triage of reports and Task and Finish actions (rules in core.triage).

WardCode = Annotated[PlainText, Field(min_length=1, max_length=16)]
ActionNote = Annotated[PlainText, Field(max_length=ACTION_NOTE_MAX)]
ActionTitle = Annotated[PlainText, Field(min_length=1, max_length=200)]
LeadAgency = Annotated[PlainText, Field(min_length=1, max_length=120)]


def _nothing_to_change() -> PydanticCustomError:
    return PydanticCustomError("nothing_to_change", "Give at least one thing to change.")


class ReportPatch(BaseModel):
    """An analyst's triage: a new status, a note to the reporter, or both.

    An explicit ``"status_note": null`` (or "") clears the note; leaving it out keeps it.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: ReportStatus | None = None
    status_note: Annotated[PlainText, Field(max_length=STATUS_NOTE_MAX)] | None = None

    @model_validator(mode="after")
    def _something(self) -> "ReportPatch":
        if self.status is None and "status_note" not in self.model_fields_set:
            raise _nothing_to_change()
        return self


class ActionIn(BaseModel):
    """A new Task and Finish action; ``note`` becomes its first update."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    wards: list[WardCode] = Field(min_length=1, max_length=100)
    title: ActionTitle
    lead_agency: LeadAgency
    due_on: date
    progress: ActionProgress = "not_started"
    note: ActionNote | None = None


class ActionPatch(BaseModel):
    """Changes to an action; a note or a new progress adds a dated update to its history."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    wards: list[WardCode] | None = Field(default=None, min_length=1, max_length=100)
    title: ActionTitle | None = None
    lead_agency: LeadAgency | None = None
    due_on: date | None = None
    progress: ActionProgress | None = None
    note: ActionNote | None = None

    @model_validator(mode="after")
    def _something(self) -> "ActionPatch":
        if self.note == "":
            self.note = None
        if all(getattr(self, name) is None for name in type(self).model_fields):
            raise _nothing_to_change()
        return self


class ActionUpdateOut(BaseModel):
    at: datetime
    on: date  # the UK calendar day of ``at``, as a ward meeting would date it
    note: str
    progress: ActionProgress | None = None  # set when this update changed the progress


class ActionOut(BaseModel):
    id: int
    wards: list[str]
    title: str
    lead_agency: str
    due_on: date
    progress: ActionProgress
    created_at: datetime
    updated_at: datetime
    last_update: ActionUpdateOut | None = None
    updates: list[ActionUpdateOut] = Field(default_factory=list)  # newest first


class WardActions(BaseModel):
    """GET /v1/wards/{code}/actions: open actions by due date, then done ones."""

    ward_code: str
    ward_name: str
    items: list[ActionOut]
