"""Small SQL helpers that differ between SQLite and PostgreSQL."""

from typing import Any

from sqlalchemy import Table, bindparam, insert, text
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
    keys = [c.name for c in table.primary_key.columns]
    if dialect == "postgresql":
        _upsert_adding_pg(session, table, rows, column, keys)
        return
    statement = module.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={column: table.c[column] + statement.excluded[column]}
    )
    session.execute(statement, rows)


def _upsert_adding_pg(
    session: Session, table: Table, rows: list[dict[str, Any]], column: str, keys: list[str]
) -> None:
    """One statement of one array per column: thousands of rows cost one round trip, and
    the driver does not parse a statement of thousands of VALUES rows."""
    dialect = session.get_bind().dialect
    names = list(rows[0])
    arrays = ", ".join(f"CAST(:{n} AS {table.c[n].type.compile(dialect=dialect)}[])" for n in names)
    quoted = ", ".join(f'"{n}"' for n in names)
    statement = text(
        f'INSERT INTO "{table.name}" ({quoted}) SELECT * FROM unnest({arrays}) '
        f"ON CONFLICT ({', '.join(keys)}) "
        f'DO UPDATE SET "{column}" = "{table.name}"."{column}" + excluded."{column}"'
    )
    session.execute(statement, {n: [row[n] for row in rows] for n in names})


def insert_many(
    session: Session, table: Table, rows: list[dict[str, Any]], same: dict[str, Any]
) -> None:
    """A plain INSERT of many rows, handed to the driver directly (COPY on PostgreSQL).

    Each value is converted by its column's own type, as SQLAlchemy would, without its
    per-row statement bookkeeping (a third of a bulk import's time otherwise); ``same``
    holds the values every row shares, converted once. Rows must all have the same keys.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    names = [*rows[0], *same]
    compiled = insert(table).values({n: bindparam(n) for n in names}).compile(dialect=dialect)
    processors = {n: table.c[n].type._cached_bind_processor(dialect) for n in names}
    shared = {n: (p(same[n]) if (p := processors[n]) else same[n]) for n in same}
    convert = [(n, p) for n in rows[0] if (p := processors[n]) is not None]
    converted = []
    for row in rows:
        values = {**row, **shared}
        for name, process in convert:
            values[name] = process(values[name])
        converted.append(values)
    if dialect.name == "postgresql":  # COPY: one stream, not a statement per row
        _copy(connection.connection.driver_connection, table.name, names, converted)
    elif compiled.positional:
        order = list(compiled.positiontup or [])
        connection.exec_driver_sql(compiled.string, [tuple(r[n] for n in order) for r in converted])
    else:
        connection.exec_driver_sql(compiled.string, converted)


def _copy(driver: Any, table: str, names: list[str], rows: list[dict[str, Any]]) -> None:
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[n] for n in names])
