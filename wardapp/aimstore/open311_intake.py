"""A resident's report sent over Open311 becomes a record of source ``open311:<key name>``.

The form is checked as the app's reports are (``core.report.parse_report``: the same
limits and the same plain messages), placed in a ward of the active set, counted in the
summaries' aggregates and written with a new id, which is the ``service_request_id``.
"""

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from wardapp.aimstore import aggregates, audit, models
from wardapp.aimstore.apikeys import KeyHolder
from wardapp.aimstore.changes import next_change_seq
from wardapp.aimstore.open311_format import Open311Error
from wardapp.aimstore.sqlhelpers import insert_ignoring_conflicts, table_of
from wardapp.core.report import ReportIn, ReportInvalid, parse_report
from wardapp.core.taxonomy import Taxonomy
from wardapp.core.wards import WardSet

# The fields of a POST the specification names; anything else (and attribute[...], since
# no service here has attributes) is ignored, as the specification lets a server do.
FIELDS = (
    "api_key",
    "jurisdiction_id",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
)
# The report's field -> the form field a sending system knows it by.
_FORM_NAME = {
    "category": "service_code",
    "lat": "lat",
    "lon": "long",
    "description": "description",
    "resident_contact.name": "first_name/last_name",
    "resident_contact.phone": "phone",
    "resident_contact.email": "email",
    "resident_contact": "email",
}
REPORTER_SALT = "open311_reporter_salt"
SERVICE_NOTICE = (
    "Received by the community safety partnership. Its status and notes show at "
    "requests/{id}; it is not an emergency service: call 999 in an emergency."
)


def unknown_service(code: str) -> Open311Error:
    """Unknown and sensitive codes alike: a sensitive category is never offered."""
    return Open311Error(
        400, f"service_code {code[:40]!r} is not a service here; see services.json."
    )


def form_fields(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """The specification's fields of a form, each given once at most."""
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name not in FIELDS:
            continue
        if name in fields:
            raise Open311Error(400, f"{name} is given more than once; send it once.")
        fields[name] = value
    return fields


def report_of(fields: dict[str, str], taxonomy: Taxonomy, today: date, now: datetime) -> ReportIn:
    """The report a POST describes, or Open311Error(400) saying each thing to fix."""
    code = fields.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required; see services.json.")
    category = taxonomy.get(code)
    if category is None or category.sensitive:
        raise unknown_service(code)
    lat, lon = fields.get("lat", "").strip(), fields.get("long", "").strip()
    if not (lat and lon):
        placed = fields.get("address_string") or fields.get("address_id")
        raise Open311Error(
            400,
            "lat and long are needed: this endpoint cannot place an address_string or "
            "address_id (it has no gazetteer)."
            if placed
            else "lat and long are required: where the problem is (WGS84 degrees).",
        )
    name = " ".join(p for p in (fields.get("first_name"), fields.get("last_name")) if p)
    contact = {"name": name, "phone": fields.get("phone"), "email": fields.get("email")}
    contact = {k: v.strip() for k, v in contact.items() if v and v.strip()}
    raw: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "category": code,
        "occurred_on": today.isoformat(),
        "lat": lat,
        "lon": lon,
        "observed_by": "resident",
        "description": fields.get("description", ""),
        # The sending system asked the resident before passing their details on.
        "resident_contact": {**contact, "consent": True} if contact else None,
        "captured_at": now.isoformat(),
    }
    try:
        return parse_report(raw, taxonomy, today)
    except ReportInvalid as invalid:
        raise Open311Error(
            400,
            *(f"{_FORM_NAME.get(k, k)}: {text}" for k, text in invalid.fields.items()),
        ) from None


def _salt(session: Session) -> bytes:
    """The store's own secret behind reporter keys, made once and shared by every worker."""
    table = table_of(models.ServerSecret)
    session.execute(
        insert_ignoring_conflicts(session, table).values(
            name=REPORTER_SALT, value=secrets.token_urlsafe(32)
        )
    )
    stored = session.get(models.ServerSecret, REPORTER_SALT)
    assert stored is not None
    return stored.value.encode()


def reporter_key(session: Session, holder: KeyHolder, report: ReportIn) -> str | None:
    """An Open311 reporter is (key, email or phone): an opaque HMAC of them, or None.

    None leaves the rule "one reporter per key per hexagon" (the source is the reporter).
    """
    contact = report.resident_contact
    if contact is None or not (contact.email or contact.phone):
        return None
    if contact.email:
        who = "email:" + contact.email.casefold()
    else:
        who = "phone:" + re.sub(r"[^\d+]", "", contact.phone or "")
    digest = hmac.new(_salt(session), f"{holder.id}:{who}".encode(), hashlib.sha256)
    return f"o311:{holder.id}:{digest.hexdigest()[:32]}"


@dataclass(frozen=True)
class Placed:
    ward_code: str
    boundary_set_id: int


def place(report: ReportIn, wards: WardSet, boundary_set_id: int) -> Placed:
    ward = wards.locate(report.lat, report.lon)
    if ward is None:
        raise Open311Error(
            400,
            f"The point lat {report.lat:.5f}, long {report.lon:.5f} is outside the wards of "
            "this partnership; only reports inside its area are taken.",
        )
    return Placed(ward.code, boundary_set_id)


def store_request(
    session: Session,
    holder: KeyHolder,
    report: ReportIn,
    placed: Placed,
    now: datetime,
    client: str,
) -> str:
    """Writes the record in the caller's transaction; returns its id."""
    report_id, digest = str(report.id), report.content_hash()
    key = reporter_key(session, holder, report)
    session.execute(
        insert(table_of(models.ReportVersion)),
        [{"report_id": report_id, "version": 1, "content_hash": digest, "received_at": now}],
    )
    contribution = aggregates.contribution_of(
        placed.ward_code,
        report.category,
        report.occurred_on,
        report.lat,
        report.lon,
        None,
        holder.source,
        key,
    )
    aggregates.apply(session, [contribution])
    seq = next_change_seq(session)  # last: the store-wide counter is held until commit
    contact = report.resident_contact
    session.execute(
        insert(table_of(models.Report)),
        [
            {
                "id": report_id,
                "version": 1,
                "author_id": None,
                "source": holder.source,
                "category": report.category,
                "occurred_on": report.occurred_on,
                "occurred_time": None,
                "time_band": None,
                "lat": report.lat,
                "lon": report.lon,
                "accuracy_m": None,
                "observed_by": report.observed_by,
                "description": report.description,
                "repeat_issue": False,
                "resident_contact": contact.model_dump() if contact else None,
                "captured_at": report.captured_at,
                "withdrawn": False,
                "out_of_ward": False,
                "ward_code": placed.ward_code,
                "boundary_set_id": placed.boundary_set_id,
                "status": "received",
                "server_received_at": now,
                "updated_at": now,
                "change_seq": seq,
                "content_hash": digest,
                "reporter_key": key,
            }
        ],
    )
    audit.record(
        session,
        "reports_uploaded",
        actor_name=holder.source,
        target="reports",
        detail={"created": [report_id], "updated": [], "withdrawn": []},
        client=client,
    )
    return report_id
