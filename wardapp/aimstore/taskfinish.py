"""Task and Finish actions: recorded and updated by analysts, read by ward members.

Each action names one or more wards of the active boundary set. A note or a change of
progress adds a dated update, the history a ward meeting reads; edits of the title, lead
agency, due date or wards change the action without adding to that history.
"""

from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from wardapp.aimstore import audit, models
from wardapp.aimstore.errors import ApiError
from wardapp.aimstore.models import utcnow
from wardapp.core.report import UK, uk_today
from wardapp.core.schemas import ActionIn, ActionOut, ActionPatch, ActionUpdateOut
from wardapp.core.triage import ACTION_PROGRESS, due_date_problem
from wardapp.core.wards import WardSet

# actions.id is a 32-bit integer on PostgreSQL: a larger id is unknown, not a driver error.
ACTION_ID_MAX = 2**31 - 1


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(
        422, "invalid_request", f"The request is not valid: {message}", {field: message}
    )


def _check_wards(codes: list[str], wards: WardSet) -> list[str]:
    unknown = sorted({c for c in codes if wards.get(c) is None})
    if unknown:
        raise _invalid(
            "wards",
            f"Unknown ward code(s): {', '.join(unknown)}. GET /v1/wards lists the current wards.",
        )
    return sorted(set(codes))


def _check_due(due_on: date, today: date | None) -> None:
    problem = due_date_problem(due_on, today or uk_today())
    if problem:
        raise _invalid("due_on", problem)


def create_action(
    session: Session,
    body: ActionIn,
    who: models.User,
    wards: WardSet,
    client: str,
    today: date | None = None,
) -> models.Action:
    codes = _check_wards(body.wards, wards)
    _check_due(body.due_on, today)
    now = utcnow()
    action = models.Action(
        title=body.title,
        lead_agency=body.lead_agency,
        due_on=body.due_on,
        progress=body.progress,
        created_by=who.id,
        created_at=now,
        updated_at=now,
    )
    session.add(action)
    session.flush()
    session.add_all(models.ActionWard(action_id=action.id, ward_code=c) for c in codes)
    if body.note:
        session.add(
            models.ActionUpdate(
                action_id=action.id,
                author_id=who.id,
                note=body.note,
                progress=body.progress,
                created_at=now,
            )
        )
    audit.record(
        session,
        "action_created",
        actor=who,
        target=str(action.id),
        detail={
            "title": action.title,
            "lead_agency": action.lead_agency,
            "due_on": action.due_on.isoformat(),
            "progress": action.progress,
            "wards": codes,
        },
        client=client,
    )
    session.flush()
    return action


def _not_found() -> ApiError:
    return ApiError(404, "not_found", "There is no action with this id.")


def update_action(
    session: Session,
    action_id: int,
    body: ActionPatch,
    who: models.User,
    wards: WardSet,
    client: str,
    today: date | None = None,
) -> models.Action:
    """Applies the fields given; a PATCH that changes nothing writes nothing."""
    if not 0 < action_id <= ACTION_ID_MAX:
        raise _not_found()
    action = session.scalar(
        select(models.Action).where(models.Action.id == action_id).with_for_update()
    )
    if action is None:
        raise _not_found()
    changed: dict[str, dict[str, Any]] = {}
    if body.wards is not None:
        codes = _check_wards(body.wards, wards)
        before = ward_codes(session, [action.id])[action.id]
        if codes != before:
            session.execute(
                delete(models.ActionWard).where(models.ActionWard.action_id == action.id)
            )
            session.add_all(models.ActionWard(action_id=action.id, ward_code=c) for c in codes)
            changed["wards"] = {"from": before, "to": codes}
    if body.due_on is not None and body.due_on != action.due_on:
        _check_due(body.due_on, today)
        changed["due_on"] = {"from": action.due_on.isoformat(), "to": body.due_on.isoformat()}
        action.due_on = body.due_on
    for name in ("title", "lead_agency", "progress"):
        value = getattr(body, name)
        if value is not None and value != getattr(action, name):
            changed[name] = {"from": getattr(action, name), "to": value}
            setattr(action, name, value)
    if not changed and not body.note:
        return action
    now = utcnow()
    action.updated_at = now
    if body.note or "progress" in changed:
        session.add(
            models.ActionUpdate(
                action_id=action.id,
                author_id=who.id,
                note=body.note or "",
                progress=action.progress if "progress" in changed else None,
                created_at=now,
            )
        )
    audit.record(
        session,
        "action_updated",
        actor=who,
        target=str(action.id),
        detail={"changed": changed, "note_added": bool(body.note)},
        client=client,
    )
    session.flush()
    return action


def ward_codes(session: Session, action_ids: list[int]) -> dict[int, list[str]]:
    codes: dict[int, list[str]] = {i: [] for i in action_ids}
    if action_ids:
        for row in session.scalars(
            select(models.ActionWard)
            .where(models.ActionWard.action_id.in_(action_ids))
            .order_by(models.ActionWard.ward_code)
        ):
            codes[row.action_id].append(row.ward_code)
    return codes


def describe(session: Session, actions: list[models.Action]) -> list[ActionOut]:
    """Actions as the API shows them, each with its update history newest first."""
    ids = [a.id for a in actions]
    codes = ward_codes(session, ids)
    history: dict[int, list[ActionUpdateOut]] = {i: [] for i in ids}
    if ids:
        for row in session.scalars(
            select(models.ActionUpdate)
            .where(models.ActionUpdate.action_id.in_(ids))
            .order_by(models.ActionUpdate.created_at.desc(), models.ActionUpdate.id.desc())
        ):
            history[row.action_id].append(
                ActionUpdateOut(
                    at=row.created_at,
                    on=row.created_at.astimezone(UK).date(),
                    note=row.note,
                    progress=row.progress,
                )
            )
    return [
        ActionOut(
            id=a.id,
            wards=codes[a.id],
            title=a.title,
            lead_agency=a.lead_agency,
            due_on=a.due_on,
            progress=a.progress,
            created_at=a.created_at,
            updated_at=a.updated_at,
            last_update=history[a.id][0] if history[a.id] else None,
            updates=history[a.id],
        )
        for a in actions
    ]


def actions_of_ward(session: Session, code: str) -> list[ActionOut]:
    """Open actions first, soonest due first; done ones after them."""
    rows = list(
        session.scalars(
            select(models.Action)
            .join(models.ActionWard, models.ActionWard.action_id == models.Action.id)
            .where(models.ActionWard.ward_code == code)
        )
    )
    done = ACTION_PROGRESS[-1]
    rows.sort(key=lambda a: (a.progress == done, a.due_on, a.id))
    return describe(session, rows)
