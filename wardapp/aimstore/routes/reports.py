"""Reports: the idempotent batch upload, a councillor's own reports, the analyst's full list."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy import ColumnElement, Row, select

from wardapp.aimstore import audit, models
from wardapp.aimstore.deps import (
    AnalystDep,
    ClientAddress,
    CouncillorDep,
    SessionDep,
    StateDep,
)
from wardapp.aimstore.errors import ApiError
from wardapp.aimstore.ingest import ingest_batch
from wardapp.aimstore.listing import page_of_reports
from wardapp.aimstore.models import utcnow
from wardapp.aimstore.params import CategoryCodeQuery, ReportIdPath, WardCodeQuery
from wardapp.aimstore.responses import json_response
from wardapp.aimstore.state import current_taxonomy
from wardapp.aimstore.triage import triage_report
from wardapp.core import police_uk
from wardapp.core.periods import parse_period
from wardapp.core.report import REPORT_STATUSES
from wardapp.core.schemas import (
    PAGE_MAX,
    AnalystReportOut,
    BatchRequest,
    BatchResponse,
    ItemResult,
    Page,
    ReportOut,
    ReportPatch,
)

router = APIRouter(prefix="/v1/reports", tags=["reports"])
Limit = Annotated[int, Query(ge=1, le=PAGE_MAX)]
SourceQuery = Annotated[
    str | None,
    Query(max_length=60, pattern=r"^[a-z0-9][a-z0-9_:.-]*$", description="e.g. police_uk"),
]
# What must be shown with each source's records wherever they are shown.
ATTRIBUTIONS = {police_uk.SOURCE: police_uk.ATTRIBUTION}


@router.post("/batch", response_model=BatchResponse)
def upload_batch(
    body: BatchRequest,
    who: CouncillorDep,
    client: ClientAddress,
    state: StateDep,
    session: SessionDep,
) -> Response:
    boundary_set_id, wards = state.wards.get(session)
    results = ingest_batch(
        session,
        body.reports,
        author_id=who.user.id,
        source="wardapp",
        taxonomy=current_taxonomy(session),
        wards=wards,
        boundary_set_id=boundary_set_id,
        now=utcnow(),
        own_wards=who.wards if who.role == "councillor" else None,
    )
    _audit_upload(session, who.user, client, body.reports, results)
    return json_response(BatchResponse(results=results))


def _audit_upload(
    session: SessionDep,
    user: models.User,
    client: str,
    items: list[Any],
    results: list[ItemResult],
) -> None:
    """One row per batch that changed something: the ids created and updated (withdrawals too)."""
    created = [r.id for r in results if r.status == "created" and r.id]
    updated = [r.id for r in results if r.status == "updated" and r.id]
    if not (created or updated):
        return
    changed = set(created) | set(updated)
    withdrawn = [
        str(raw["id"])
        for raw in items
        if isinstance(raw, dict) and raw.get("withdrawn") is True and str(raw.get("id")) in changed
    ]
    audit.record(
        session,
        "reports_uploaded",
        actor=user,
        target="reports",
        detail={"created": created, "updated": updated, "withdrawn": withdrawn},
        client=client,
    )


def _wire(row: models.Report | Row[Any], with_contact: bool) -> dict[str, Any]:
    data = {c.key: getattr(row, c.key) for c in models.Report.__table__.columns}
    if not with_contact:
        data["resident_contact"] = None
    return data


@router.get("/mine", response_model=Page[ReportOut])
def my_reports(
    who: CouncillorDep,
    state: StateDep,
    session: SessionDep,
    since: str | None = None,
    cursor: str | None = None,
    limit: Limit = 500,
) -> Response:
    """Resident contact details stay in the AIM store: the app keeps its own copy."""
    page = page_of_reports(
        session, state.token_key, [models.Report.author_id == who.user.id], since, cursor, limit
    )
    return json_response(
        Page[ReportOut](
            items=[ReportOut.model_validate(_wire(r, with_contact=False)) for r in page.rows],
            next_cursor=page.next_cursor,
            sync_token=page.sync_token,
        )
    )


@router.get("", response_model=Page[AnalystReportOut])
def all_reports(
    who: AnalystDep,
    client: ClientAddress,
    state: StateDep,
    session: SessionDep,
    ward: WardCodeQuery = None,
    category: CategoryCodeQuery = None,
    status: str | None = None,
    period: str | None = None,
    source: SourceQuery = None,
    since: str | None = None,
    cursor: str | None = None,
    limit: Limit = 500,
) -> Response:
    filters: list[ColumnElement[bool]] = []
    if source:
        filters.append(models.Report.source == source)
    if ward:
        filters.append(models.Report.ward_code == ward)
    if category:
        filters.append(models.Report.category == category)
    if status:
        if status not in REPORT_STATUSES:
            raise ApiError(
                400,
                "invalid_request",
                "Unknown status.",
                {"status": f"Must be one of: {', '.join(REPORT_STATUSES)}."},
            )
        filters.append(models.Report.status == status)
    if period:
        try:
            span = parse_period(period)
        except ValueError as exc:
            raise ApiError(400, "invalid_request", str(exc), {"period": str(exc)}) from None
        filters += [models.Report.occurred_on >= span.start, models.Report.occurred_on < span.end]
    page = page_of_reports(session, state.token_key, filters, since, cursor, limit)
    asked = {
        "ward": ward,
        "category": category,
        "status": status,
        "period": period,
        "source": source,
    }
    audit.record(
        session,
        "reports_read",
        actor=who.user,
        target="reports",
        detail={
            "filters": {k: v for k, v in asked.items() if v},
            "since": since,
            "cursor": cursor is not None,
            "limit": limit,
            "count": len(page.rows),
        },
        client=client,
    )
    authors = _usernames(session, {r.author_id for r in page.rows if r.author_id is not None})
    return json_response(
        Page[AnalystReportOut](
            items=[
                AnalystReportOut.model_validate(
                    {
                        **_wire(r, with_contact=True),
                        "reporter": authors.get(r.author_id or -1),
                        "attribution": ATTRIBUTIONS.get(r.source),
                    }
                )
                for r in page.rows
            ],
            next_cursor=page.next_cursor,
            sync_token=page.sync_token,
        )
    )


@router.patch("/{report_id}", response_model=AnalystReportOut)
def triage(
    report_id: ReportIdPath,
    body: ReportPatch,
    who: AnalystDep,
    client: ClientAddress,
    session: SessionDep,
) -> AnalystReportOut:
    """Status forward (received, assessed, actioned, closed) and a note back to the reporter."""
    row = triage_report(session, report_id, body, who.user, client)
    authors = _usernames(session, {row.author_id} if row.author_id is not None else set())
    return AnalystReportOut.model_validate(
        {
            **_wire(row, with_contact=True),
            "reporter": authors.get(row.author_id or -1),
            "attribution": ATTRIBUTIONS.get(row.source),
        }
    )


def _usernames(session: SessionDep, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(models.User.id, models.User.username).where(models.User.id.in_(ids))
    )
    return {row.id: row.username for row in rows}
