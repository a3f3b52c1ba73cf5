"""Sign-in, token refresh and sign-out, one device at a time.

Refresh tokens rotate on every use. The token just replaced is accepted once more within a
short grace period, so a reply lost in transit does not sign the user out. Every token
that leaves a device is remembered as retired: presenting one again, or presenting the
replaced one after its grace, means a copy exists elsewhere, so the device is revoked
(theft detection). However often it refreshes, a device signs in with its password again
after ``SESSION_MAX_DAYS``.
"""

from datetime import datetime

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
SIGNED_IN_AGAIN = "signed in again"


def _tokens(
    state: StoreState, session: Session, user: models.User, device: models.Device
) -> TokenResponse:
    refresh = new_refresh_token()
    device.refresh_hash = token_digest(refresh)
    device.last_used_at = utcnow()  # also when this token was issued: its grace starts here
    device.expires_at = min(
        device.last_used_at + state.refresh_lifetime, device.created_at + state.session_lifetime
    )
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


def _locked(seconds: int, scope: str) -> ApiError:
    minutes = max(1, round(seconds / 60))
    error = ApiError(
        429,
        "too_many_attempts",
        f"Too many failed sign-ins {scope}. "
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


def _device_holding(
    session: Session, token: str | None, user: models.User | None, ended_after: datetime
) -> models.Device | None:
    """The user's device that was given ``token``, signed in or run out since ``ended_after``.

    Not revoked, and not one that ran out long ago: a laptop left in a drawer for a year
    must not pass a lock on the strength of an old token.
    """
    if token is None or user is None:
        return None
    digest = token_digest(token)
    return session.scalar(
        select(models.Device)
        .where(
            (models.Device.refresh_hash == digest)
            | (models.Device.previous_refresh_hash == digest),
            models.Device.user_id == user.id,
            models.Device.revoked_at.is_(None),
            models.Device.expires_at > ended_after,
        )
        .with_for_update()
    )


def _limits(
    state: StoreState, username: str, client: str, device: models.Device | None
) -> list[throttle.Limit]:
    """A known device has a limit of its own instead of its account's and address's."""
    policy = throttle.ThrottlePolicy.from_settings(state.settings)
    key = state.signing_key
    if device is not None:
        return [
            throttle.Limit(
                throttle.throttle_key(key, "device", str(device.id)), policy, "on this device"
            )
        ]
    return [
        throttle.Limit(throttle.throttle_key(key, "account", username), policy, "for this account"),
        throttle.Limit(
            throttle.throttle_key(key, "address", client),
            throttle.ThrottlePolicy.for_addresses(state.settings),
            "from this network address",
        ),
    ]


def _sign_in(
    body: TokenRequest, state: StoreState, session: Session, client: str
) -> TokenResponse | ApiError:
    now = utcnow()
    user = session.scalar(select(models.User).where(models.User.username == body.username))

    def failed(reason: str) -> None:
        # Only a real account's name is kept: an unknown one may be a password mistyped.
        audit.record(
            session,
            "sign_in_failed",
            actor_name=user.username if user else None,
            detail={"reason": reason, "device_name": body.device_name},
            client=client,
        )

    old_device = _device_holding(session, body.device_token, user, now - state.refresh_lifetime)
    limits = _limits(state, body.username, client, old_device)
    for limit in limits:
        wait = throttle.seconds_locked(session, limit.key, now)
        if wait is not None:
            # Refused before the password is looked at: even the right one waits out the lock.
            # Not counted either, so tries during a lock never make it longer.
            failed("locked")
            return _locked(wait, limit.scope)
    # Unknown names are checked against a dummy hash: as slow as a real check.
    ok = verify_password(user.password_hash if user else None, body.password)
    if user is None or not ok or user.disabled:
        failed("unknown username" if user is None else "disabled" if ok else "bad password")
        started = [
            (seconds, limit.scope)
            for limit in limits
            if (seconds := throttle.record_failure(session, limit.key, limit.policy, now))
        ]
        if started:
            return _locked(*started[0])
        return unauthorised("The username or password is not right.")
    for limit in limits[:1]:  # the account's or device's count; an address's runs its course
        throttle.clear(session, limit.key)
    if old_device is not None:
        old_device.revoked_at = now
        old_device.revoked_reason = SIGNED_IN_AGAIN
    device = models.Device(
        user_id=user.id, name=body.device_name, refresh_hash="", created_at=now, expires_at=now
    )
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


def _revoke(session: Session, device: models.Device, client: str) -> None:
    """Whoever holds the device's live token may be a thief: the device is cut off."""
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


def _revoke_for_reuse(session: Session, digest: str, client: str) -> None:
    """A retired token came back."""
    retired = session.get(models.RetiredRefreshToken, digest)
    if retired is None:
        return
    device = session.scalar(
        select(models.Device).where(models.Device.id == retired.device_id).with_for_update()
    )
    if device is not None and device.revoked_at is None:
        _revoke(session, device, client)


@router.post("/refresh", response_model=TokenResponse)
def refresh(body: RefreshRequest, state: StateDep, client: ClientAddress) -> TokenResponse:
    """Rotates the refresh token; the one replaced is accepted once within the grace period."""
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
    now = utcnow()
    if (
        device.revoked_at is not None
        or device.expires_at <= now
        or device.created_at + state.session_lifetime <= now
    ):
        return ended
    user = session.get(models.User, device.user_id)
    if user is None or user.disabled:
        return unauthorised("This account is disabled.")
    if device.refresh_hash == digest:
        # The current token was used, so its predecessor has done its job and leaves.
        _retire(session, device.previous_refresh_hash, device)
        device.previous_refresh_hash = digest
    elif now - device.last_used_at > state.refresh_grace:
        # The replaced token, long after its successor was issued: not a lost reply.
        _revoke(session, device, client)
        return ended
    else:
        # The replaced token came back once, soon: the reply carrying its successor was
        # lost. Both leave now; the one use is spent.
        _retire(session, device.refresh_hash, device)
        _retire(session, digest, device)
        device.previous_refresh_hash = None
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
