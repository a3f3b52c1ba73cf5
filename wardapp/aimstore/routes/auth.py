"""Sign-in, token refresh and sign-out, one device at a time.

Refresh tokens rotate on every use. The token just used stays usable as "previous" until
its successor is used, so a reply lost in transit does not sign the user out. Every token
that leaves a device is remembered as retired: presenting one again means a copy exists
elsewhere, so the device is revoked (theft detection).
"""

from fastapi import APIRouter, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from wardapp.aimstore import audit, models, throttle
from wardapp.aimstore.deps import ClientAddress, SessionDep, SignedInDep, StateDep
from wardapp.aimstore.errors import ApiError, unauthorised
from wardapp.aimstore.models import utcnow
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

REUSED = "refresh token reused"


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


def _locked(seconds: int) -> ApiError:
    minutes = max(1, round(seconds / 60))
    error = ApiError(
        429,
        "too_many_attempts",
        "Too many failed sign-ins for this account. "
        f"Try again in about {minutes} minute{'s' if minutes != 1 else ''}.",
    )
    error.headers["Retry-After"] = str(seconds)
    return error


# Sign-in and refresh open their own transaction instead of the request's: a refusal must
# still commit what it records (the failure count, the audit row, a revoked device), and a
# second transaction beside the request's would wait on SQLite's single writer lock.


@router.post(
    "/token",
    response_model=TokenResponse,
    responses={429: {"description": "Too many failed sign-ins; see Retry-After."}},
)
def sign_in(body: TokenRequest, state: StateDep, client: ClientAddress) -> TokenResponse:
    with state.sessions() as session:
        with session.begin():
            outcome = _sign_in(body, state, session, client)
        if isinstance(outcome, ApiError):
            raise outcome  # after the commit: the failure stays counted and audited
        return outcome


def _sign_in(
    body: TokenRequest, state: StoreState, session: Session, client: str
) -> TokenResponse | ApiError:
    now = utcnow()

    def failed(reason: str) -> None:
        audit.record(
            session,
            "sign_in_failed",
            actor_name=body.username[:64],
            detail={"reason": reason, "device_name": body.device_name},
            client=client,
        )

    wait = throttle.seconds_locked(session, body.username, now)
    if wait is not None:
        # Refused before the password is looked at: even the right one waits out the lock.
        failed("locked")
        return _locked(wait)
    user = session.scalar(select(models.User).where(models.User.username == body.username))
    ok = verify_password(user.password_hash if user else None, body.password)
    if user is None or not ok or user.disabled:
        failed("bad password" if user is None or not ok else "disabled")
        policy = throttle.ThrottlePolicy.from_settings(state.settings)
        locked_for = throttle.record_failure(session, body.username, policy, now)
        if locked_for is not None:
            return _locked(locked_for)
        return unauthorised("The username or password is not right.")
    throttle.clear(session, body.username)
    device = models.Device(user_id=user.id, name=body.device_name, refresh_hash="", expires_at=now)
    session.add(device)
    tokens = _tokens(state, session, user, device)
    audit.record(
        session,
        "sign_in",
        actor=user,
        detail={"device_id": device.id, "device_name": device.name},
        client=client,
    )
    return tokens


def _retire(session: Session, token_hash: str | None, device: models.Device) -> None:
    if token_hash:
        session.add(models.RetiredRefreshToken(token_hash=token_hash, device_id=device.id))


def _revoke_for_reuse(session: Session, digest: str, client: str) -> None:
    """A retired token came back: whoever holds the device's live token may be a thief."""
    retired = session.get(models.RetiredRefreshToken, digest)
    if retired is None:
        return
    device = session.scalar(
        select(models.Device).where(models.Device.id == retired.device_id).with_for_update()
    )
    if device is None or device.revoked_at is not None:
        return
    device.revoked_at = utcnow()
    device.revoked_reason = REUSED
    owner = session.get(models.User, device.user_id)
    audit.record(
        session,
        "device_revoked",
        target=owner.username if owner else None,
        detail={"reason": REUSED, "device_id": device.id, "device_name": device.name},
        client=client,
    )


@router.post("/refresh", response_model=TokenResponse)
def refresh(body: RefreshRequest, state: StateDep, client: ClientAddress) -> TokenResponse:
    """Rotates the refresh token; the one before stays usable until the new one is used."""
    with state.sessions() as session:
        with session.begin():
            outcome = _refresh(body, state, session, client)
        if isinstance(outcome, ApiError):
            raise outcome  # after the commit: a theft-detection revocation stays
        return outcome


def _refresh(
    body: RefreshRequest, state: StoreState, session: Session, client: str
) -> TokenResponse | ApiError:
    digest = token_digest(body.refresh_token)
    device = session.scalar(
        select(models.Device)
        .where(
            (models.Device.refresh_hash == digest) | (models.Device.previous_refresh_hash == digest)
        )
        .with_for_update()
    )
    ended = unauthorised("This sign-in has ended; sign in again.")
    if device is None:
        _revoke_for_reuse(session, digest, client)
        return ended
    if device.revoked_at is not None or device.expires_at <= utcnow():
        return ended
    user = session.get(models.User, device.user_id)
    if user is None or user.disabled:
        return unauthorised("This account is disabled.")
    if device.refresh_hash == digest:
        # The current token was used, so its predecessor has done its job and leaves.
        _retire(session, device.previous_refresh_hash, device)
        device.previous_refresh_hash = digest
    else:
        # The previous token came back: the reply carrying its successor was lost, and that
        # successor is replaced (and retired) now.
        _retire(session, device.refresh_hash, device)
    return _tokens(state, session, user, device)


@router.post("/logout", status_code=204)
def sign_out(who: SignedInDep, session: SessionDep, client: ClientAddress) -> Response:
    device = session.get(models.Device, who.device_id)
    if device is not None and device.revoked_at is None:
        device.revoked_at = utcnow()
        device.revoked_reason = "signed out"
        audit.record(
            session, "sign_out", actor=who.user, detail={"device_id": device.id}, client=client
        )
    return Response(status_code=204)
