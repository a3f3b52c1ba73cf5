"""Typed dependencies shared by every route: the session, the signed-in user, role checks."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from wardapp.aimstore import audit, models
from wardapp.aimstore.errors import forbidden, unauthorised
from wardapp.aimstore.security import InvalidToken, read_access_token
from wardapp.aimstore.state import StoreState
from wardapp.core.schemas import ROLES, Role


def get_state(request: Request) -> StoreState:
    state: StoreState = request.app.state.store
    return state


StateDep = Annotated[StoreState, Depends(get_state)]


def get_session(state: StateDep) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent; routes never commit."""
    with state.sessions() as session, session.begin():
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class SignedIn:
    user: models.User
    device_id: int
    wards: list[str]

    @property
    def role(self) -> Role:
        role = self.user.role
        assert role in ROLES
        return role


def signed_in(
    state: StateDep,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> SignedIn:
    if credentials is None:
        raise unauthorised("Sign in first: this needs an access token.")
    try:
        claims = read_access_token(state.signing_key, credentials.credentials)
    except InvalidToken:
        raise unauthorised() from None
    # One statement: this runs before every request, and each statement costs a round trip.
    rows = session.execute(
        select(models.User, models.UserWard.ward_code)
        .join(models.Device, models.Device.user_id == models.User.id)
        .outerjoin(models.UserWard, models.UserWard.user_id == models.User.id)
        .where(
            models.User.id == claims.user_id,
            models.User.disabled.is_(False),
            models.Device.id == claims.device_id,
            models.Device.revoked_at.is_(None),
        )
    ).all()
    if not rows:
        raise unauthorised("This device has been signed out; sign in again.")
    wards = sorted(ward for _, ward in rows if ward is not None)
    return SignedIn(user=rows[0][0], device_id=claims.device_id, wards=wards)


SignedInDep = Annotated[SignedIn, Depends(signed_in)]


def role_at_least(minimum: Role) -> Callable[..., SignedIn]:
    """Roles are ordered councillor < analyst < admin.

    A refusal is audited: a signed-in user trying routes beyond their role is probing (or
    holds someone else's token), which an administrator should see.
    """

    def check(who: SignedInDep, session: SessionDep, request: Request) -> SignedIn:
        if ROLES.index(who.role) < ROLES.index(minimum):
            route = request.scope.get("route")
            # The route's template, never the raw path: nothing the caller typed is kept.
            where = getattr(route, "path", "?")
            audit.record(
                session,
                "access_refused",
                actor=who.user,
                target=f"{request.method} {where}"[:200],
                detail={"role": who.role, "needs": minimum},
                client=client_address(request),
            )
            session.commit()  # the request's transaction; it rolls back when the 403 leaves
            raise forbidden()
        return who

    return check


CouncillorDep = Annotated[SignedIn, Depends(role_at_least("councillor"))]
AnalystDep = Annotated[SignedIn, Depends(role_at_least("analyst"))]


def client_address(request: Request) -> str:
    """Where a request came from, for the audit trail: behind a proxy named in
    FORWARDED_ALLOW_IPS, the client it forwarded for (transport.py)."""
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]
