"""Creating and managing accounts and their devices: shared by the command line, the admin
API and the seed data, so both front ends check and audit changes the same way."""

import getpass
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from wardapp.aimstore import audit, models
from wardapp.aimstore.models import utcnow
from wardapp.aimstore.security import NO_PASSWORD, hash_password, password_problem
from wardapp.core.schemas import ROLES


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why."""


class NoSuchAccount(AccountError):
    """The named user (or their device) does not exist: a 404 over the API."""


class AccountConflict(AccountError):
    """Allowed in general but not now (for example removing the last admin): a 409."""


@dataclass(frozen=True)
class ChangedBy:
    """Who makes a change and from where, for the audit trail."""

    actor: models.User | None
    actor_name: str | None
    client: str

    @classmethod
    def command_line(cls) -> "ChangedBy":
        """The operating-system account running `wardapp-aimstore`."""
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
        return cls(actor=None, actor_name=f"os:{name}"[:64], client="cli")

    def record(
        self, session: Session, event: str, target: str, detail: dict[str, object] | None = None
    ) -> None:
        audit.record(
            session,
            event,
            actor=self.actor,
            actor_name=self.actor_name,
            target=target,
            detail=detail,
            client=self.client,
        )


def add_user(
    session: Session,
    username: str,
    role: str,
    password: str | None,
    wards: list[str],
    by: ChangedBy | None = None,
) -> models.User:
    """``password=None`` makes an account that cannot sign in until a password is set.

    ``by=None`` is for the seed data only; every administrator's change names who made it.
    """
    _check_role(role)
    if not username.strip() or len(username) > 64:
        raise AccountError("Give a username of 1 to 64 characters.")
    if username != username.strip():
        raise AccountError("A username cannot start or end with spaces.")
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
    if by is not None:
        by.record(session, "user_created", username, {"role": role, "wards": sorted(set(wards))})
    return user


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"Unknown role '{role}': use one of {', '.join(ROLES)}.")


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


def get_user(session: Session, username: str, *, for_update: bool = False) -> models.User:
    query = select(models.User).where(models.User.username == username)
    if for_update:
        query = query.with_for_update()
    user = session.scalar(query)
    if user is None:
        raise NoSuchAccount(f"There is no user called '{username}'.")
    return user


def user_wards(session: Session, user: models.User) -> list[str]:
    return sorted(
        session.scalars(select(models.UserWard.ward_code).where(models.UserWard.user_id == user.id))
    )


def _other_active_admins(session: Session, user: models.User) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(models.User)
            .where(
                models.User.role == "admin",
                models.User.disabled.is_(False),
                models.User.id != user.id,
            )
        )
        or 0
    )


def _keep_an_admin(session: Session, user: models.User, what: str) -> None:
    """Nobody could add users or reset passwords over the API again without an admin."""
    if user.role == "admin" and not user.disabled and _other_active_admins(session, user) == 0:
        raise AccountConflict(
            f"Cannot {what} '{user.username}': it is the only active admin. "
            "Make another admin first."
        )


def revoke_devices(session: Session, user: models.User, reason: str) -> int:
    """Signs the user out everywhere: each access token fails at its next call."""
    result = session.execute(
        update(models.Device)
        .where(models.Device.user_id == user.id, models.Device.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def disable_user(session: Session, username: str, by: ChangedBy | None = None) -> None:
    """Disabling also signs the user out on every device."""
    user = get_user(session, username, for_update=True)
    _keep_an_admin(session, user, "disable")
    user.disabled = True
    revoked = revoke_devices(session, user, "account disabled")
    if by is not None:
        by.record(session, "user_disabled", username, {"devices_revoked": revoked})


def enable_user(session: Session, username: str, by: ChangedBy) -> None:
    """Devices revoked by the disabling stay revoked: the user signs in afresh."""
    user = get_user(session, username, for_update=True)
    user.disabled = False
    by.record(session, "user_enabled", username)


def set_role(session: Session, username: str, role: str, by: ChangedBy) -> None:
    """Takes effect at the user's next call: routes read the role from the account."""
    _check_role(role)
    user = get_user(session, username, for_update=True)
    if role != "admin":
        _keep_an_admin(session, user, "demote")
    before = user.role
    user.role = role
    by.record(session, "user_role_changed", username, {"from": before, "to": role})


def set_wards(
    session: Session, user: models.User, wards: list[str], by: ChangedBy | None = None
) -> None:
    _check_wards(session, wards)
    before = user_wards(session, user)
    session.execute(delete(models.UserWard).where(models.UserWard.user_id == user.id))
    session.add_all(models.UserWard(user_id=user.id, ward_code=code) for code in sorted(set(wards)))
    if by is not None:
        by.record(
            session, "user_wards_changed", user.username, {"from": before, "to": sorted(set(wards))}
        )


def reset_password(session: Session, username: str, password: str, by: ChangedBy) -> int:
    """A reset signs out every device: whoever knew the old password is cut off."""
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user = get_user(session, username, for_update=True)
    user.password_hash = hash_password(password)
    revoked = revoke_devices(session, user, "password reset")
    by.record(session, "password_reset", username, {"devices_revoked": revoked})
    return revoked


def list_users(session: Session) -> list[tuple[models.User, list[str]]]:
    users = session.scalars(select(models.User).order_by(models.User.username)).all()
    wards: dict[int, list[str]] = {}
    for row in session.scalars(select(models.UserWard).order_by(models.UserWard.ward_code)):
        wards.setdefault(row.user_id, []).append(row.ward_code)
    return [(u, wards.get(u.id, [])) for u in users]


def list_devices(session: Session, username: str) -> list[models.Device]:
    user = get_user(session, username)
    return list(
        session.scalars(
            select(models.Device).where(models.Device.user_id == user.id).order_by(models.Device.id)
        )
    )


def revoke_device(session: Session, username: str, device_id: int, by: ChangedBy) -> bool:
    """Cuts one device off (a lost laptop); False when it was already signed out."""
    user = get_user(session, username)
    device = session.scalar(
        select(models.Device)
        .where(models.Device.id == device_id, models.Device.user_id == user.id)
        .with_for_update()
    )
    if device is None:
        raise NoSuchAccount(f"'{username}' has no device {device_id}.")
    if device.revoked_at is not None:
        return False
    device.revoked_at = utcnow()
    device.revoked_reason = "revoked by an administrator"
    by.record(session, "device_revoked", username, {"device_id": device.id, "name": device.name})
    return True
