"""Anonymised summaries for ward members: the same answer for everyone allowed to ask."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from wardapp.aimstore.deps import CouncillorDep, SessionDep, StateDep
from wardapp.aimstore.params import AreaCodePath, WardCodePath
from wardapp.aimstore.responses import json_response
from wardapp.aimstore.summaries import Context, area_summary, context, overview, ward_summary
from wardapp.core.summary_schemas import AreaSummary, Overview, WardSummary

router = APIRouter(prefix="/v1/summaries", tags=["summaries"])
PeriodQuery = Annotated[
    str, Query(max_length=16, description="YYYY-MM, YYYY-Qn or YYYY; a period that has ended")
]


def _context(state: StateDep, session: SessionDep) -> Context:
    return context(
        session,
        state.settings.policy(),
        state.wards.get(session),
        state.today(),
        state.summaries,
    )


@router.get("/wards/{code}", response_model=WardSummary)
def ward(
    code: WardCodePath,
    period: PeriodQuery,
    _who: CouncillorDep,
    state: StateDep,
    session: SessionDep,
) -> Response:
    """Not audited per reader: the answer holds nothing about any one report or person."""
    return json_response(ward_summary(_context(state, session), code, period))


@router.get("/areas/{code}", response_model=AreaSummary)
def area(
    code: AreaCodePath,
    period: PeriodQuery,
    _who: CouncillorDep,
    state: StateDep,
    session: SessionDep,
) -> Response:
    return json_response(area_summary(_context(state, session), code, period))


@router.get("/overview", response_model=Overview)
def every_ward(
    period: PeriodQuery, _who: CouncillorDep, state: StateDep, session: SessionDep
) -> Response:
    return json_response(overview(_context(state, session), period))
