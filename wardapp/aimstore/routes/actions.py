"""Task and Finish actions: recorded by analysts, read by ward members."""

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["actions"])
