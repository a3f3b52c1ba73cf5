"""Open311 GeoReport v2 at /open311/v2: residents' reports from other reporting systems.

Services are the taxonomy's categories that are not sensitive. Reading one request needs
no key and shows only its public fields (status, service, dates, the analyst's note); the
key that sent it sees everything it sent. Posting and listing need a key, and a key lists
only its own requests. Errors are ``[{"code", "description"}]`` (``<errors>`` in XML).
"""

from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy import ColumnElement, select
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from wardapp.aimstore import apikeys, models, open311_intake
from wardapp.aimstore.deps import ClientAddress, StateDep
from wardapp.aimstore.models import utcnow
from wardapp.aimstore.open311_format import (
    Open311Error,
    answer,
    error_answer,
    format_of,
    format_of_path,
)
from wardapp.aimstore.params import PRINTABLE
from wardapp.aimstore.state import StoreState, current_taxonomy
from wardapp.core.report import UK, friendly_message
from wardapp.core.taxonomy import Taxonomy

SERVICE_GROUP = "Community safety"
# A listing without dates covers this many days, newest first, at most LIST_MAX requests.
DEFAULT_DAYS = 90
LIST_MAX = 1000
IDS_MAX = 100
FORM_FIELDS_MAX = 200
CLOSED = ("closed", "withdrawn")


class Open311Route(APIRoute):
    """Every refusal of these routes, including FastAPI's own checks, in Open311's form."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            fmt = format_of_path(request.url.path)
            try:
                return await handler(request)
            except Open311Error as error:
                return error_answer(fmt, error)
            except RequestValidationError as invalid:
                problems = [
                    f"{'.'.join(str(p) for p in item.get('loc', ())[1:])}: {friendly_message(item)}"
                    for item in invalid.errors()[:20]
                ]
                return error_answer(fmt, Open311Error(400, *problems))

        return handle


router = APIRouter(prefix="/open311/v2", tags=["open311"], route_class=Open311Route)
Text = Annotated[str | None, Query(max_length=200, pattern=PRINTABLE)]
Key = Text
# Path text: printable, so a NUL byte is refused here, not by PostgreSQL (a 500).
Fmt = Annotated[str, Path(max_length=8, pattern=PRINTABLE)]
Code = Annotated[str, Path(max_length=40, pattern=PRINTABLE)]
RequestId = Annotated[str, Path(max_length=64, pattern=PRINTABLE)]


def _use_key(state: StoreState, key: str | None) -> apikeys.KeyHolder:
    """Checks and counts a key in a transaction of its own, before the request's work."""
    if not key:
        raise Open311Error(403, "An api_key is required for this; ask the partnership for one.")
    try:
        with state.sessions() as session, session.begin():
            return apikeys.use_key(
                session, key, state.settings.open311_requests_per_minute, utcnow()
            )
    except apikeys.KeyRefused as refused:
        headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
        raise Open311Error(refused.status, refused.message, headers=headers) from None


def _services(taxonomy: Taxonomy) -> list[dict[str, Any]]:
    return [
        {
            "service_code": c.code,
            "service_name": c.label,
            "description": c.help,
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": SERVICE_GROUP,
        }
        for c in taxonomy.categories
        if not c.sensitive
    ]


@router.get("/services.{fmt}")
def services(fmt: Fmt, state: StateDep, jurisdiction_id: Text = None) -> Response:
    with state.sessions() as session:
        taxonomy = current_taxonomy(session)
    return answer(format_of(fmt), "services", _services(taxonomy))


@router.get("/services/{service_code}.{fmt}")
def service_definition(
    service_code: Code, fmt: Fmt, state: StateDep, jurisdiction_id: Text = None
) -> Response:
    chosen = format_of(fmt)
    with state.sessions() as session:
        category = current_taxonomy(session).get(service_code)
    if category is None or category.sensitive:
        raise Open311Error(404, "service_code not found; see services.json.")
    return answer(chosen, "service_definition", {"service_code": category.code, "attributes": []})


async def form_pairs(request: Request) -> list[tuple[str, str]]:
    """The POSTed form, URL-encoded as the specification says (multipart taken too)."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind == "multipart/form-data":
        try:
            form = await request.form(max_files=0, max_fields=FORM_FIELDS_MAX)
        except StarletteHTTPException as exc:
            raise Open311Error(400, f"The form could not be read: {exc.detail}") from None
        return [(k, v) for k, v in form.multi_items() if not isinstance(v, UploadFile)]
    if kind != "application/x-www-form-urlencoded":
        raise Open311Error(400, "Send the fields form-encoded (application/x-www-form-urlencoded).")
    body = await request.body()
    try:
        return parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=FORM_FIELDS_MAX,
            errors="strict",
        )
    except (UnicodeDecodeError, ValueError):
        raise Open311Error(
            400, f"The form is not UTF-8 text of at most {FORM_FIELDS_MAX} fields."
        ) from None


@router.post("/requests.{fmt}")
def create_request(
    fmt: Fmt,
    state: StateDep,
    client: ClientAddress,
    pairs: Annotated[list[tuple[str, str]], Depends(form_pairs)],
) -> Response:
    chosen = format_of(fmt)
    fields = open311_intake.form_fields(pairs)
    holder = _use_key(state, fields.get("api_key"))
    now = utcnow()
    with state.sessions() as session, session.begin():
        report = open311_intake.report_of(fields, current_taxonomy(session), state.today(), now)
        boundary_set_id, wards = state.wards.get(session)
        placed = open311_intake.place(report, wards, boundary_set_id)
        report_id = open311_intake.store_request(session, holder, report, placed, now, client)
    notice = open311_intake.SERVICE_NOTICE.format(id=report_id)
    body = [{"service_request_id": report_id, "service_notice": notice, "account_id": None}]
    return answer(chosen, "service_requests", body)


def _when(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _request(row: models.Report, names: dict[str, str], full: bool) -> dict[str, Any]:
    """One request in the specification's field order; only public fields unless ``full``."""
    item: dict[str, Any] = {
        "service_request_id": row.id,
        "status": "closed" if row.status in CLOSED else "open",
        "status_notes": row.status_note,
        "service_name": names.get(row.category, row.category),
        "service_code": row.category,
    }
    if full:
        item["description"] = row.description
    item["requested_datetime"] = _when(row.server_received_at)
    item["updated_datetime"] = _when(row.updated_at)
    if full:
        item["lat"], item["long"] = row.lat, row.lon
    return item


def _names(taxonomy: Taxonomy) -> dict[str, str]:
    return {c.code: c.label for c in taxonomy.categories}


def _from_open311() -> ColumnElement[bool]:
    return models.Report.source.startswith(apikeys.SOURCE_PREFIX, autoescape=True)


@router.get("/requests/{service_request_id}.{fmt}")
def get_request(
    service_request_id: RequestId,
    fmt: Fmt,
    state: StateDep,
    api_key: Key = None,
    jurisdiction_id: Text = None,
) -> Response:
    chosen = format_of(fmt)
    holder = _use_key(state, api_key) if api_key else None  # an empty key: none
    with state.sessions() as session:
        row = (
            session.scalar(
                select(models.Report).where(models.Report.id == service_request_id, _from_open311())
            )
            if len(service_request_id) <= 36
            else None
        )
        if row is None:
            raise Open311Error(404, "service_request_id not found.")
        names = _names(current_taxonomy(session))
    full = holder is not None and holder.source == row.source
    return answer(chosen, "service_requests", [_request(row, names, full)])


def _moment(name: str, text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise Open311Error(
            400, f"{name}: give a W3C date and time, like 2026-10-01T00:00:00Z."
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UK)


def _listed(text: str, name: str) -> list[str]:
    values = [v.strip() for v in text.split(",") if v.strip()]
    if len(values) > IDS_MAX:
        raise Open311Error(400, f"{name}: at most {IDS_MAX} values at once.")
    return values


@router.get("/requests.{fmt}")
def list_requests(
    fmt: Fmt,
    state: StateDep,
    api_key: Key = None,
    service_request_id: Annotated[str | None, Query(max_length=4000, pattern=PRINTABLE)] = None,
    service_code: Annotated[str | None, Query(max_length=2000, pattern=PRINTABLE)] = None,
    start_date: Text = None,
    end_date: Text = None,
    status: Text = None,
    jurisdiction_id: Text = None,
) -> Response:
    """The key's own requests; ``service_request_id`` (a list) overrides the other filters."""
    chosen = format_of(fmt)
    holder = _use_key(state, api_key)
    query = select(models.Report).where(models.Report.source == holder.source)
    if service_request_id is not None:
        query = query.where(models.Report.id.in_(_listed(service_request_id, "service_request_id")))
    else:
        query = _filtered(query, service_code, start_date, end_date, status)
    query = query.order_by(models.Report.server_received_at.desc()).limit(LIST_MAX)
    with state.sessions() as session:
        rows = session.scalars(query).all()
        names = _names(current_taxonomy(session))
    return answer(chosen, "service_requests", [_request(r, names, True) for r in rows])


def _filtered(
    query: Any,
    service_code: str | None,
    start_date: str | None,
    end_date: str | None,
    status: str | None,
) -> Any:
    if service_code is not None:
        query = query.where(models.Report.category.in_(_listed(service_code, "service_code")))
    if status is not None:
        wanted = set(_listed(status, "status"))
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status: give open, closed or open,closed.")
        if wanted == {"open"}:
            query = query.where(models.Report.status.not_in(CLOSED))
        elif wanted == {"closed"}:
            query = query.where(models.Report.status.in_(CLOSED))
    end = _moment("end_date", end_date) if end_date else None
    start = _moment("start_date", start_date) if start_date else None
    if start is None and end is None:
        start = utcnow() - timedelta(days=DEFAULT_DAYS)
    if start is not None:
        query = query.where(models.Report.server_received_at >= start)
    if end is not None:
        query = query.where(models.Report.server_received_at <= end)
    return query
