"""Task and Finish actions: recorded by analysts, read by ward members."""

from fastapi import APIRouter

from wardapp.aimstore.deps import AnalystDep, ClientAddress, CouncillorDep, SessionDep, StateDep
from wardapp.aimstore.errors import ApiError
from wardapp.aimstore.params import WardCodePath
from wardapp.aimstore.taskfinish import actions_of_ward, create_action, describe, update_action
from wardapp.core.schemas import ActionIn, ActionOut, ActionPatch, WardActions

router = APIRouter(prefix="/v1", tags=["actions"])


@router.post("/actions", response_model=ActionOut, status_code=201)
def record_action(
    body: ActionIn, who: AnalystDep, client: ClientAddress, state: StateDep, session: SessionDep
) -> ActionOut:
    _, wards = state.wards.get(session)
    action = create_action(session, body, who.user, wards, client)
    return describe(session, [action])[0]


@router.patch("/actions/{action_id}", response_model=ActionOut)
def change_action(
    action_id: int,
    body: ActionPatch,
    who: AnalystDep,
    client: ClientAddress,
    state: StateDep,
    session: SessionDep,
) -> ActionOut:
    _, wards = state.wards.get(session)
    action = update_action(session, action_id, body, who.user, wards, client)
    return describe(session, [action])[0]


@router.get("/wards/{code}/actions", response_model=WardActions)
def ward_actions(
    code: WardCodePath, _who: CouncillorDep, state: StateDep, session: SessionDep
) -> WardActions:
    """Not audited: actions are what the partnership tells ward members, not raw data."""
    _, wards = state.wards.get(session)
    ward = wards.get(code)
    if ward is None:
        raise ApiError(404, "not_found", f"There is no ward with code '{code[:16]}'.")
    return WardActions(
        ward_code=ward.code, ward_name=ward.name, items=actions_of_ward(session, code)
    )
