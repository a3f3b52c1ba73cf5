"""The reference data every client caches: categories and ward boundaries."""

from typing import Any

from fastapi import APIRouter

from wardapp.aimstore.deps import SessionDep, SignedInDep, StateDep
from wardapp.aimstore.state import current_taxonomy
from wardapp.core.schemas import WardCollection
from wardapp.core.taxonomy import Taxonomy

router = APIRouter(prefix="/v1", tags=["catalogue"])


@router.get("/taxonomy", response_model=Taxonomy)
def taxonomy(_who: SignedInDep, session: SessionDep) -> Taxonomy:
    return current_taxonomy(session)


@router.get("/wards", response_model=WardCollection)
def wards(_who: SignedInDep, state: StateDep, session: SessionDep) -> dict[str, Any]:
    _, ward_set = state.wards.get(session)
    collection = ward_set.to_geojson()
    collection["boundary_set"] = ward_set.version
    return collection
