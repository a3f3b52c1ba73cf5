"""Creating and managing accounts: shared by the command line and the seed data."""

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.deps import utcnow
from wardapp.aimstore.security import NO_PASSWORD, hash_password, password_problem
from wardapp.core.schemas import ROLES


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


def add_user(
    session: Session, username: str, role: str, password: str | None, wards: list[str]
) -> models.User:
    """``password=None`` makes an account that cannot sign in until a password is set."""
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}': use one of {', '.join(ROLES)}.")
    if not username.strip() or len(username) > 64:
        raise AccountError("Give a username of 1 to 64 characters.")
    problem = password_problem(password) if password is not None else None
    if problem:
        raise AccountError(problem)
    if session.scalar(select(models.User.id).where(models.User.username == username)) is not None:
        raise AccountError(f"A user called '{username}' already exists.")
    _check_wards(session, wards)
    password_hash = hash_password(password) if password is not None else NO_PASSWORD
    user = models.User(username=username, role=role, password_hash=password_hash)
    session.add(user)
    session.flush()
    session.add_all(models.UserWard(user_id=user.id, ward_code=code) for code in sorted(set(wards)))
    return user


def _check_wards(session: Session, wards: list[str]) -> None:
    known = set(
        session.scalars(
            select(models.Ward.code)
            .join(models.BoundarySet)
            .where(models.BoundarySet.active.is_(True))
        )
    )
    unknown = sorted(set(wards) - known)
    if unknown:
        raise AccountError(
            f"Unknown ward code(s): {', '.join(unknown)}. `wardapp-aimstore wards list` shows them."
        )


def disable_user(session: Session, username: str) -> None:
    """Disabling also signs the user out on every device."""
    user = session.scalar(select(models.User).where(models.User.username == username))
    if user is None:
        raise AccountError(f"There is no user called '{username}'.")
    user.disabled = True
    session.execute(
        update(models.Device)
        .where(models.Device.user_id == user.id, models.Device.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def list_users(session: Session) -> list[tuple[models.User, list[str]]]:
    users = session.scalars(select(models.User).order_by(models.User.username)).all()
    wards: dict[int, list[str]] = {}
    for row in session.scalars(select(models.UserWard).order_by(models.UserWard.ward_code)):
        wards.setdefault(row.user_id, []).append(row.ward_code)
    return [(u, wards.get(u.id, [])) for u in users]


def set_wards(session: Session, user: models.User, wards: list[str]) -> None:
    _check_wards(session, wards)
    session.execute(delete(models.UserWard).where(models.UserWard.user_id == user.id))
    session.add_all(models.UserWard(user_id=user.id, ward_code=code) for code in sorted(set(wards)))
