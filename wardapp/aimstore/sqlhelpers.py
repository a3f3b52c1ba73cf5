"""Small SQL helpers that differ between SQLite and PostgreSQL."""

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session


def table_of(model: type[DeclarativeBase]) -> Table:
    """A mapped class's table, typed as one (statements on it skip the ORM's bookkeeping)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def insert_ignoring_conflicts(session: Session, table: Table) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING for this session's database (race-free idempotency)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    raise RuntimeError(f"Unsupported database: {dialect}")


def upsert_adding(session: Session, table: Table, rows: list[dict[str, Any]], column: str) -> None:
    """Insert rows, or add their ``column`` to the row already there (one statement)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    module: Any = {"postgresql": postgresql, "sqlite": sqlite}.get(dialect)
    if module is None:
        raise RuntimeError(f"Unsupported database: {dialect}")
    statement = module.insert(table)
    keys = [c.name for c in table.primary_key.columns]
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={column: table.c[column] + statement.excluded[column]}
    )
    session.execute(statement, rows)
