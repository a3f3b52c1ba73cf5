"""Alembic environment: runs on the connection handed in by wardapp.aimstore.migrate."""

from alembic import context
from sqlalchemy import Connection

from wardapp.aimstore.models import Base

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with `wardapp-aimstore migrate`.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
