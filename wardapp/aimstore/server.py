"""Running the API with uvicorn, in one process or several sharing one database."""

import os

import uvicorn

from wardapp.aimstore.app import check_schema, create_app
from wardapp.aimstore.db import make_engine
from wardapp.aimstore.settings import AimStoreSettings
from wardapp.aimstore.transport import uvicorn_options


def serve(settings: AimStoreSettings, host: str, port: int, workers: int = 1) -> None:
    # Fail in the parent with a clear message (NotMigrated) rather than in every worker.
    check_schema(make_engine(settings.database_url))
    if workers > 1:
        # Workers are new processes: they rebuild the app from the environment.
        os.environ["WARDAPP_AIMSTORE_DATABASE_URL"] = settings.database_url
        uvicorn.run(
            "wardapp.aimstore.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            **uvicorn_options(settings),
        )
    else:
        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_level="info",
            **uvicorn_options(settings),
        )
