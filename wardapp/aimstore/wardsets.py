"""Boundary sets in the database: loading a new set, and the active set for lookups."""

import threading

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.core.wards import WardSet


def store_ward_set(session: Session, ward_set: WardSet) -> models.BoundarySet:
    """Make ``ward_set`` the active one. Reports keep the ward they were given."""
    session.execute(update(models.BoundarySet).values(active=False))
    boundary_set = models.BoundarySet(version=ward_set.version, name=ward_set.name, active=True)
    session.add(boundary_set)
    session.flush()
    features = ward_set.to_geojson()["features"]
    session.add_all(
        models.Ward(
            boundary_set_id=boundary_set.id,
            code=f["properties"]["code"],
            name=f["properties"]["name"],
            geometry=f["geometry"],
        )
        for f in features
    )
    return boundary_set


class ActiveWards:
    """The active boundary set, rebuilt only when an administrator loads a new one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[int, WardSet] | None = None

    def get(self, session: Session) -> tuple[int, WardSet]:
        active = session.execute(
            select(models.BoundarySet.id, models.BoundarySet.name, models.BoundarySet.version)
            .where(models.BoundarySet.active.is_(True))
            .order_by(models.BoundarySet.id.desc())
            .limit(1)
        ).one()
        with self._lock:
            if self._cached is not None and self._cached[0] == active.id:
                return self._cached
        rows = session.scalars(
            select(models.Ward).where(models.Ward.boundary_set_id == active.id)
        ).all()
        data = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"code": w.code, "name": w.name},
                    "geometry": w.geometry,
                }
                for w in rows
            ],
        }
        ward_set = WardSet.from_geojson(data, name=active.name)
        ward_set.version = active.version
        with self._lock:
            self._cached = (active.id, ward_set)
        return self._cached
