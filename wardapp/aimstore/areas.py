"""The partnership's neighbourhood areas: named groups of wards that summaries add up."""

import re

from sqlalchemy import delete
from sqlalchemy.orm import Session

from wardapp.aimstore import audit, models
from wardapp.aimstore.summaries import read_areas
from wardapp.core.names import name_problem, shown
from wardapp.core.summary_schemas import AREA_CODE_PATTERN, AreaOut
from wardapp.core.wards import WardSet


class AreaError(ValueError):
    """An area that cannot be stored as given; the message says what to fix."""


def list_areas(session: Session) -> list[AreaOut]:
    areas = read_areas(session)
    return [
        AreaOut(code=code, name=name, wards=list(areas.wards[code]))
        for code, name in areas.names.items()
    ]


def set_area(
    session: Session,
    code: str,
    name: str,
    wards: list[str],
    ward_set: WardSet,
    *,
    actor: models.User | None,
    client: str,
) -> AreaOut:
    """Create or replace an area; every ward must exist in the active boundaries."""
    if not re.fullmatch(AREA_CODE_PATTERN, code):
        raise AreaError(
            "An area code is 1-16 lower-case letters, digits, '-' or '_', starting with a letter."
        )
    name = name.strip()
    if not name:
        raise AreaError("Give the area a name.")
    problem = name_problem(name)
    if problem is not None:
        raise AreaError(f"The area name {shown(name)} {problem}.")
    unknown = sorted({w for w in wards if ward_set.get(w) is None})
    if unknown:
        raise AreaError(f"No ward has the code {', '.join(unknown)}; see GET /v1/wards.")
    members = sorted(set(wards))
    existing = session.get(models.Area, code)
    if existing is None:
        session.add(models.Area(code=code, name=name))
    else:
        existing.name = name
    session.flush()
    session.execute(delete(models.AreaWard).where(models.AreaWard.area_code == code))
    session.add_all(models.AreaWard(area_code=code, ward_code=w) for w in members)
    audit.record(
        session,
        "area_set",
        actor=actor,
        target=code,
        detail={"name": name, "wards": members},
        client=client,
    )
    session.flush()
    return AreaOut(code=code, name=name, wards=members)


def remove_area(session: Session, code: str, *, actor: models.User | None, client: str) -> None:
    if session.get(models.Area, code) is None:
        raise AreaError(f"There is no area with code '{code[:16]}'.")
    session.execute(delete(models.AreaWard).where(models.AreaWard.area_code == code))
    session.execute(delete(models.Area).where(models.Area.code == code))
    audit.record(session, "area_removed", actor=actor, target=code, client=client)
