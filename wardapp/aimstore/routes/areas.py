"""Neighbourhood areas: every ward member may list them; an administrator sets them."""

from fastapi import APIRouter, Response

from wardapp.aimstore.areas import AreaError, list_areas, remove_area, set_area
from wardapp.aimstore.deps import ClientAddress, CouncillorDep, SessionDep, StateDep
from wardapp.aimstore.errors import ApiError
from wardapp.aimstore.params import AreaCodePath
from wardapp.aimstore.routes.admin import AdminDep
from wardapp.core.summary_schemas import AreaIn, AreaList, AreaOut

router = APIRouter(prefix="/v1", tags=["areas"])
AreaCode = AreaCodePath  # printable: params.py


@router.get("/areas", response_model=AreaList)
def areas(_who: CouncillorDep, session: SessionDep) -> AreaList:
    return AreaList(items=list_areas(session))


@router.put("/admin/areas/{code}", response_model=AreaOut)
def put_area(
    code: AreaCode,
    body: AreaIn,
    who: AdminDep,
    client: ClientAddress,
    state: StateDep,
    session: SessionDep,
) -> AreaOut:
    _, wards = state.wards.get(session)
    try:
        return set_area(session, code, body.name, body.wards, wards, actor=who.user, client=client)
    except AreaError as exc:
        raise ApiError(400, "invalid_request", str(exc)) from None


@router.delete("/admin/areas/{code}", status_code=204)
def delete_area(
    code: AreaCode, who: AdminDep, client: ClientAddress, session: SessionDep
) -> Response:
    try:
        remove_area(session, code, actor=who.user, client=client)
    except AreaError as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    return Response(status_code=204)
