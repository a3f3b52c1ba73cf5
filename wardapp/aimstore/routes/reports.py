"""Reports: the idempotent batch upload, a councillor's own reports, the analyst's full list."""

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import ColumnElement, select

from wardapp.aimstore import models
from wardapp.aimstore.deps import AnalystDep, CouncillorDep, SessionDep, StateDep, utcnow
from wardapp.aimstore.errors import ApiError
from wardapp.aimstore.ingest import ingest_batch
from wardapp.aimstore.listing import page_of_reports
from wardapp.aimstore.state import current_taxonomy
from wardapp.core.periods import parse_period
from wardapp.core.report import REPORT_STATUSES
from wardapp.core.schemas import (
    PAGE_MAX,
    AnalystReportOut,
    BatchRequest,
    BatchResponse,
    Page,
    ReportOut,
)

router = APIRouter(prefix="/v1/reports", tags=["reports"])
Limit = Annotated[int, Query(ge=1, le=PAGE_MAX)]
# Codes are short and printable; a NUL byte or a megabyte of text is refused before it reaches
# the database (PostgreSQL refuses NUL in text, which would surface as a 500).
_PRINTABLE = r"^[^\x00-\x1f\x7f]+$"
WardCode = Annotated[str | None, Query(max_length=16, pattern=_PRINTABLE)]
CategoryCode = Annotated[str | None, Query(max_length=40, pattern=_PRINTABLE)]


@router.post("/batch", response_model=BatchResponse)
def upload_batch(
    body: BatchRequest, who: CouncillorDep, state: StateDep, session: SessionDep
) -> BatchResponse:
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
    )
    return BatchResponse(results=results)


def _wire(row: models.Report, with_contact: bool) -> dict[str, Any]:
    data = {c.key: getattr(row, c.key) for c in models.Report.__table__.columns}
    if not with_contact:
        data["resident_contact"] = None
    return data


@router.get("/mine", response_model=Page[ReportOut])
def my_reports(
    who: CouncillorDep,
    session: SessionDep,
    since: str | None = None,
    cursor: str | None = None,
    limit: Limit = 500,
) -> Page[ReportOut]:
    """Resident contact details stay in the AIM store: the app keeps its own copy."""
    page = page_of_reports(session, [models.Report.author_id == who.user.id], since, cursor, limit)
    return Page[ReportOut](
        items=[ReportOut.model_validate(_wire(r, with_contact=False)) for r in page.rows],
        next_cursor=page.next_cursor,
        sync_token=page.sync_token,
    )


@router.get("", response_model=Page[AnalystReportOut])
def all_reports(
    _who: AnalystDep,
    session: SessionDep,
    ward: WardCode = None,
    category: CategoryCode = None,
    status: str | None = None,
    period: str | None = None,
    since: str | None = None,
    cursor: str | None = None,
    limit: Limit = 500,
) -> Page[AnalystReportOut]:
    filters: list[ColumnElement[bool]] = []
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
    page = page_of_reports(session, filters, since, cursor, limit)
    authors = _usernames(session, {r.author_id for r in page.rows if r.author_id is not None})
    return Page[AnalystReportOut](
        items=[
            AnalystReportOut.model_validate(
                {**_wire(r, with_contact=True), "reporter": authors.get(r.author_id or -1)}
            )
            for r in page.rows
        ],
        next_cursor=page.next_cursor,
        sync_token=page.sync_token,
    )


def _usernames(session: SessionDep, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(models.User.id, models.User.username).where(models.User.id.in_(ids))
    )
    return {row.id: row.username for row in rows}
