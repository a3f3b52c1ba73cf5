"""Liveness with a real database round trip, for load balancers and the administrator."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from wardapp import __version__
from wardapp.aimstore.state import StoreState

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    store: StoreState = request.app.state.store
    try:
        with store.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except Exception:
        database = "error"
    status = "ok" if database == "ok" else "error"
    return JSONResponse(
        {"status": status, "database": database, "version": __version__},
        200 if status == "ok" else 503,
    )
