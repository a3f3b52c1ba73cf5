"""Sign-in, token refresh and sign-out, one device at a time."""

from fastapi import APIRouter, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.deps import SessionDep, SignedInDep, StateDep, utcnow
from wardapp.aimstore.errors import unauthorised
from wardapp.aimstore.security import (
    AccessClaims,
    issue_access_token,
    new_refresh_token,
    token_digest,
    verify_password,
)
from wardapp.aimstore.state import StoreState
from wardapp.core.schemas import RefreshRequest, TokenRequest, TokenResponse, UserInfo

router = APIRouter(prefix="/v1/auth", tags=["auth"])


def _tokens(
    state: StoreState, session: Session, user: models.User, device: models.Device
) -> TokenResponse:
    refresh = new_refresh_token()
    device.refresh_hash = token_digest(refresh)
    device.last_used_at = utcnow()
    device.expires_at = device.last_used_at + state.refresh_lifetime
    session.flush()
    wards = sorted(
        session.scalars(select(models.UserWard.ward_code).where(models.UserWard.user_id == user.id))
    )
    access = issue_access_token(
        state.signing_key, AccessClaims(user.id, device.id, user.role), state.access_lifetime
    )
    return TokenResponse(
        access_token=access,
        refresh_token=refresh,
        expires_in=int(state.access_lifetime.total_seconds()),
        user=UserInfo(username=user.username, role=user.role, wards=wards),
    )


@router.post("/token", response_model=TokenResponse)
def sign_in(body: TokenRequest, state: StateDep, session: SessionDep) -> TokenResponse:
    user = session.scalar(select(models.User).where(models.User.username == body.username))
    ok = verify_password(user.password_hash if user else None, body.password)
    if user is None or not ok or user.disabled:
        raise unauthorised("The username or password is not right.")
    device = models.Device(
        user_id=user.id, name=body.device_name, refresh_hash="", expires_at=utcnow()
    )
    session.add(device)
    return _tokens(state, session, user, device)


@router.post("/refresh", response_model=TokenResponse)
def refresh(body: RefreshRequest, state: StateDep, session: SessionDep) -> TokenResponse:
    """Rotates the refresh token; the one before stays usable until the new one is used."""
    digest = token_digest(body.refresh_token)
    device = session.scalar(
        select(models.Device)
        .where(
            (models.Device.refresh_hash == digest) | (models.Device.previous_refresh_hash == digest)
        )
        .with_for_update()
    )
    now = utcnow()
    if device is None or device.revoked_at is not None or device.expires_at <= now:
        raise unauthorised("This sign-in has ended; sign in again.")
    user = session.get(models.User, device.user_id)
    if user is None or user.disabled:
        raise unauthorised("This account is disabled.")
    if device.refresh_hash == digest:
        # The current token was used, so its predecessor has done its job.
        device.previous_refresh_hash = digest
    # Otherwise the previous token came back: the reply carrying its successor was lost.
    return _tokens(state, session, user, device)


@router.post("/logout", status_code=204)
def sign_out(who: SignedInDep, session: SessionDep) -> Response:
    device = session.get(models.Device, who.device_id)
    if device is not None:
        device.revoked_at = utcnow()
    return Response(status_code=204)
