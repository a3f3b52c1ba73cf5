"""Administration over the API: users, their wards, roles, devices; the taxonomy."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1/admin", tags=["admin"])
