"""Engine and session set-up for SQLite (WAL, serialised writers) and PostgreSQL."""

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, connections: int = 5) -> Engine:
    """``connections``: kept open in the pool, with as many again allowed when busy."""
    parsed = make_url(url)
    pool = {"pool_size": connections, "max_overflow": connections}
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **pool)
    in_memory = parsed.database in (None, "", ":memory:")
    if not in_memory:
        Path(str(parsed.database)).parent.mkdir(parents=True, exist_ok=True)
    # An in-memory database lives in one connection: SQLAlchemy gives it its own pool.
    engine = create_engine(url, connect_args={"timeout": 30}, **({} if in_memory else pool))

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        # Writers queue on the lock up front instead of failing with "database is locked"
        # when two transactions both try to upgrade a read lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
