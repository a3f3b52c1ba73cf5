"""Passwords (argon2), short-lived signed access tokens and hashed refresh tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_ALGORITHM = "HS256"
# A fixed hash to verify against when the user does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("wardapp-no-such-user")

MIN_PASSWORD_LENGTH = 10
NO_PASSWORD = "!"  # not an argon2 hash: nothing verifies against it


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is unacceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must be at least {MIN_PASSWORD_LENGTH} characters long."
    return None


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """Refresh tokens are random, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    device_id: int
    role: str


class InvalidToken(Exception):
    pass


def issue_access_token(key: str, claims: AccessClaims, lifetime: timedelta) -> str:
    now = datetime.now(UTC)
    payload: dict[str, Any] = {
        "sub": str(claims.user_id),
        "dev": claims.device_id,
        "role": claims.role,
        "typ": "access",
        "iat": now,
        "exp": now + lifetime,
    }
    return jwt.encode(payload, key, algorithm=_ALGORITHM)


def read_access_token(key: str, token: str) -> AccessClaims:
    try:
        payload = jwt.decode(token, key, algorithms=[_ALGORITHM], options={"require": ["exp"]})
        if payload.get("typ") != "access":
            raise InvalidToken("not an access token")
        return AccessClaims(int(payload["sub"]), int(payload["dev"]), str(payload["role"]))
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise InvalidToken(str(exc)) from exc
