"""The FastAPI application of the AIM store."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import FastAPI
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from wardapp import __version__
from wardapp.aimstore.admission import AdmissionLimit
from wardapp.aimstore.bodylimits import BodyLimits, Pace
from wardapp.aimstore.db import make_engine, make_sessionmaker
from wardapp.aimstore.errors import install_error_handlers
from wardapp.aimstore.intake import RequestIntake
from wardapp.aimstore.migrate import alembic_config
from wardapp.aimstore.routes import (
    actions,
    admin,
    areas,
    auth,
    catalogue,
    health,
    imports,
    open311,
    reports,
    summaries,
)
from wardapp.aimstore.secrets import ensure_signing_key
from wardapp.aimstore.settings import AimStoreSettings, load_settings
from wardapp.aimstore.state import StoreState


def import_body_limit(settings: AimStoreSettings) -> int:
    """An import file, plus room for the multipart framing and the mapping."""
    return settings.max_import_bytes + 200_000


class NotMigrated(RuntimeError):
    pass


def check_schema(engine: Engine) -> None:
    """Refuse to serve a database whose schema is not this version's."""
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current != head:
        raise NotMigrated(
            f"The database is at schema revision {current or 'none'}, this version needs {head}: "
            "run `wardapp-aimstore migrate` first."
        )


def create_app(settings: AimStoreSettings | None = None) -> FastAPI:
    settings = settings or load_settings()
    engine = make_engine(settings.database_url, settings.max_concurrent_requests)
    check_schema(engine)
    sessions = make_sessionmaker(engine)
    if settings.secret_key is not None:
        signing_key = settings.secret_key.get_secret_value()
    else:
        with Session(engine) as session, session.begin():
            signing_key = ensure_signing_key(session)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        try:  # the reads of the last second are kept too, if the database is there
            app.state.store.summary_reads.flush()
        except Exception:
            logging.getLogger(__name__).warning("summary reads not written", exc_info=True)

    app = FastAPI(
        lifespan=lifespan,
        title="wardapp AIM store",
        version=__version__,
        description="Active Intelligence Mapping store for wardapp clients (API v1).",
        # The interactive pages run a script from a CDN; the schema (/openapi.json) stays.
        docs_url="/docs" if settings.api_docs else None,
        redoc_url="/redoc" if settings.api_docs else None,
    )
    app.state.store = StoreState(settings, engine, sessions, signing_key)
    install_error_handlers(app)
    for module in (
        auth,
        catalogue,
        reports,
        imports,
        actions,
        admin,
        areas,
        summaries,
        open311,
        health,
    ):
        app.include_router(module.router)
    # A request waiting its turn holds no thread or database connection.
    app.add_middleware(AdmissionLimit, limit=settings.max_concurrent_requests)
    # Outermost: a body still arriving holds no admission slot.
    app.add_middleware(
        RequestIntake,
        # Routes that take files have their own, larger limit (bodylimits.py).
        limits=BodyLimits(settings.max_body_bytes, {"/v1/imports": import_body_limit(settings)}),
        pace=Pace(settings.body_timeout_seconds, settings.body_min_bytes_per_second),
        per_client=settings.max_incomplete_per_client,
    )
    return app
