"""Administration over the API: users, their wards, roles, devices; the taxonomy.

The same account functions as the command line do the work, so both check and audit alike;
here the audit names the signed-in admin and the request's address.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from sqlalchemy.orm import Session

from wardapp.aimstore import accounts, taxonomies
from wardapp.aimstore.deps import ClientAddress, SessionDep, SignedIn, role_at_least
from wardapp.aimstore.errors import ApiError
from wardapp.aimstore.models import User
from wardapp.aimstore.params import UsernamePath
from wardapp.aimstore.state import current_taxonomy
from wardapp.core.schemas import (
    AdminUserList,
    AdminUserOut,
    DeviceList,
    DeviceOut,
    PasswordReset,
    RetireCategory,
    UserCreate,
    UserUpdate,
)
from wardapp.core.taxonomy import Taxonomy

router = APIRouter(prefix="/v1/admin", tags=["admin"])

AdminDep = Annotated[SignedIn, Depends(role_at_least("admin"))]
Username = UsernamePath
DeviceId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def changed_by(who: AdminDep, client: ClientAddress) -> accounts.ChangedBy:
    return accounts.ChangedBy(actor=who.user, actor_name=None, client=client)


ByDep = Annotated[accounts.ChangedBy, Depends(changed_by)]


@contextmanager
def _as_api_errors() -> Iterator[None]:
    """Account and taxonomy refusals become 4xx answers that say what to fix."""
    try:
        yield
    except accounts.NoSuchAccount as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    except (accounts.AccountConflict, taxonomies.TaxonomyConflict) as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    except accounts.AccountError as exc:
        raise ApiError(400, "invalid_request", str(exc)) from None
    except taxonomies.TaxonomyError as exc:
        raise ApiError(400, "invalid_request", str(exc), {"code": str(exc)}) from None


def _user_out(session: Session, user: User) -> AdminUserOut:
    return AdminUserOut.model_validate(
        {
            "username": user.username,
            "role": user.role,
            "wards": accounts.user_wards(session, user),
            "disabled": user.disabled,
            "created_at": user.created_at,
        }
    )


@router.get("/users", response_model=AdminUserList)
def list_users(_who: AdminDep, session: SessionDep) -> AdminUserList:
    return AdminUserList(
        items=[
            AdminUserOut.model_validate(
                {
                    "username": u.username,
                    "role": u.role,
                    "wards": wards,
                    "disabled": u.disabled,
                    "created_at": u.created_at,
                }
            )
            for u, wards in accounts.list_users(session)
        ]
    )


@router.post("/users", response_model=AdminUserOut, status_code=201)
def create_user(body: UserCreate, by: ByDep, session: SessionDep) -> AdminUserOut:
    with _as_api_errors():
        user = accounts.add_user(session, body.username, body.role, body.password, body.wards, by)
    return _user_out(session, user)


@router.patch("/users/{username}", response_model=AdminUserOut)
def update_user(
    username: Username, body: UserUpdate, by: ByDep, session: SessionDep
) -> AdminUserOut:
    changes: list[Callable[[], None]] = []
    if body.role is not None:
        role = body.role
        changes.append(lambda: accounts.set_role(session, username, role, by))
    if body.wards is not None:
        wards = body.wards
        changes.append(
            lambda: accounts.set_wards(session, accounts.get_user(session, username), wards, by)
        )
    if body.disabled is True:
        changes.append(lambda: accounts.disable_user(session, username, by))
    elif body.disabled is False:
        changes.append(lambda: accounts.enable_user(session, username, by))
    with _as_api_errors():
        user = accounts.get_user(session, username)
        if not changes:
            raise accounts.AccountError("Give at least one of role, wards, disabled.")
        for change in changes:
            change()
        session.flush()
        session.refresh(user)
    return _user_out(session, user)


@router.post("/users/{username}/password", status_code=204)
def reset_password(
    username: Username, body: PasswordReset, by: ByDep, session: SessionDep
) -> Response:
    with _as_api_errors():
        accounts.reset_password(session, username, body.password, by)
    return Response(status_code=204)


@router.get("/users/{username}/devices", response_model=DeviceList)
def list_devices(username: Username, _who: AdminDep, session: SessionDep) -> DeviceList:
    with _as_api_errors():
        devices = accounts.list_devices(session, username)
    return DeviceList(items=[DeviceOut.model_validate(d, from_attributes=True) for d in devices])


@router.delete("/users/{username}/devices/{device_id}", status_code=204)
def revoke_device(
    username: Username, device_id: DeviceId, by: ByDep, session: SessionDep
) -> Response:
    """Idempotent: revoking a device already signed out is not an error."""
    with _as_api_errors():
        accounts.revoke_device(session, username, device_id, by)
    return Response(status_code=204)


@router.post("/taxonomy/retire", response_model=Taxonomy)
def retire_category(body: RetireCategory, by: ByDep, session: SessionDep) -> Taxonomy:
    with _as_api_errors():
        return taxonomies.retire_category(session, body.code, by)


@router.get("/taxonomy/retired", response_model=dict[str, int])
def retired_categories(_who: AdminDep, session: SessionDep) -> dict[str, int]:
    """Retired codes with the last version that offered them (old reports still use them)."""
    return taxonomies.retired_codes(session, current_taxonomy(session))
