"""Anonymised summaries for ward members: the same answer for everyone allowed to ask."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from wardapp.aimstore.deps import ClientAddress, CouncillorDep, SessionDep, SignedIn, StateDep
from wardapp.aimstore.params import AreaCodePath, WardCodePath
from wardapp.aimstore.responses import json_response
from wardapp.aimstore.summaries import Context, area_summary, context, overview, ward_summary
from wardapp.core.summary_schemas import AreaSummary, Overview, WardSummary

router = APIRouter(prefix="/v1/summaries", tags=["summaries"])
PeriodQuery = Annotated[
    str, Query(max_length=16, description="YYYY-MM, YYYY-Qn or YYYY; a period that has ended")
]


def _context(state: StateDep, session: SessionDep) -> Context:
    _, wards = state.wards.get(session)
    return context(session, state.settings.policy(), wards, state.today(), state.publications)


def _audited(state: StateDep, who: SignedIn, summary: str, period: str, client: str) -> None:
    """Reads are how a summary is probed: the analyst sees upload, read, withdraw patterns."""
    state.summary_reads.read(who.user.id, who.user.username, summary, period, client)


@router.get("/wards/{code}", response_model=WardSummary)
def ward(
    code: WardCodePath,
    period: PeriodQuery,
    who: CouncillorDep,
    state: StateDep,
    session: SessionDep,
    client: ClientAddress,
) -> Response:
    body = ward_summary(_context(state, session), code, period)
    _audited(state, who, f"ward:{body.ward.code}", body.period, client)
    return json_response(body)


@router.get("/areas/{code}", response_model=AreaSummary)
def area(
    code: AreaCodePath,
    period: PeriodQuery,
    who: CouncillorDep,
    state: StateDep,
    session: SessionDep,
    client: ClientAddress,
) -> Response:
    body = area_summary(_context(state, session), code, period)
    _audited(state, who, f"area:{body.area.code}", body.period, client)
    return json_response(body)


@router.get("/overview", response_model=Overview)
def every_ward(
    period: PeriodQuery,
    who: CouncillorDep,
    state: StateDep,
    session: SessionDep,
    client: ClientAddress,
) -> Response:
    body = overview(_context(state, session), period)
    _audited(state, who, "overview", body.period, client)
    return json_response(body)
