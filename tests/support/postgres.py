"""A real, throwaway PostgreSQL server for tests, started from Debian's binaries.

Each pytest process (each xdist worker too) runs its own cluster in a temporary folder owned
by the ``postgres`` user (``initdb`` refuses to run as root), listening on 127.0.0.1 on a free
port with its socket in that folder. A template database is migrated once; every test gets a
fresh database copied from it (``CREATE DATABASE ... TEMPLATE``), so tests never see each
other's rows. Without PostgreSQL the tests that need it are skipped, except in CI
(``CI=true``), where a missing server is a failure.
"""

import contextlib
import glob
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
from psycopg import sql

from tests.support.live_store import free_port
from wardapp.aimstore.db import make_engine
from wardapp.aimstore.migrate import migrate

SUPERUSER = "wardapp"
TEMPLATE = "wardapp_template"
START_TIMEOUT_S = 60


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def find_bindir() -> Path | None:
    """The folder with initdb and pg_ctl: Debian keeps them off PATH."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout.strip():
            candidates.append(Path(done.stdout.strip()))
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += [Path(p) for p in sorted(versions, key=_major, reverse=True)]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _major(path: str) -> int:
    name = Path(path).parent.name
    return int(name) if name.isdigit() else 0


def unavailable(reason: str) -> NoReturn:
    """Skip on a developer's machine without PostgreSQL; fail in CI, where it must be there."""
    if in_ci():
        pytest.fail(f"PostgreSQL is required in CI (CI=true): {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


class PostgresCluster:
    """One initdb'd cluster in its own folder, started with pg_ctl, stopped and removed after."""

    def __init__(self, bindir: Path, durable: bool = False) -> None:
        """``durable``: flush every commit to disk, as a production server does (benchmarks)."""
        self.bindir = bindir
        self.durable = durable
        self.folder = Path(tempfile.mkdtemp(prefix="wardapp-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        self._log = self.folder / "server.log"
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")

    def _run(self, *command: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        done = subprocess.run(
            [*prefix, *command],
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S + 30,
            check=False,
            cwd=self.folder,
        )
        if done.returncode != 0:
            log = self._log.read_text()[-3000:] if self._log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}{log}")
        return done

    def start(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = f"-k {self.folder} -p {self.port} -h 127.0.0.1 -c max_connections=200"
        if not self.durable:  # durability is worthless for a throwaway test server
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self._log),
            "-o",
            options,
            "-w",
            "-t",
            str(START_TIMEOUT_S),
            "start",
        )

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError):
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of one database, as an administrator would write it."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """A connection to the maintenance database, outside transactions (for CREATE DATABASE)."""
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        )

    def create_database(self, name: str, template: str | None = None) -> str:
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        with self.admin() as connection:
            if template:
                query = sql.SQL("{} TEMPLATE {}").format(query, sql.Identifier(template))
                if connection.info.server_version >= 150000:
                    # Copying the files is several times faster than WAL_LOG for a small template.
                    query = sql.SQL("{} STRATEGY FILE_COPY").format(query)
            connection.execute(query)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.admin() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def tool(self, name: str) -> str:
        """pg_dump, pg_restore and friends of the same version as the server."""
        return str(self.bindir / name)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One PostgreSQL server per test process (so per xdist worker), for the whole session."""
    bindir = find_bindir()
    if bindir is None:
        unavailable("no initdb found (pg_config --bindir, /usr/lib/postgresql/*/bin)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        unavailable("running as root but runuser is missing")
    cluster = PostgresCluster(bindir)
    try:
        cluster.start()
    except (RuntimeError, KeyError, LookupError, subprocess.TimeoutExpired) as exc:
        cluster.stop()
        unavailable(f"could not start a test server: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


class FreshDatabases:
    """Copies of the template made one step ahead, and dropped, by a background thread.

    Copying and dropping run in the server while the previous test runs, so a test does not
    wait for its database.
    """

    def __init__(self, cluster: PostgresCluster, template: str, ahead: int = 2) -> None:
        self.cluster = cluster
        self.template = template
        self._ready: queue.Queue[str | BaseException] = queue.Queue(maxsize=ahead)
        self._drops: queue.Queue[str] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="fresh-databases", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                self.cluster.drop_database(self._drops.get_nowait())
                continue
            except queue.Empty:
                pass
            except psycopg.Error:
                continue  # dropped with the whole cluster at the end anyway
            if self._ready.full():
                time.sleep(0.01)
                continue
            name = f"t_{uuid.uuid4().hex[:16]}"
            try:
                self.cluster.create_database(name, template=self.template)
                self._ready.put(name)
            except BaseException as exc:  # handed to the test that waits for it
                self._ready.put(exc)
                return

    def take(self) -> str:
        got = self._ready.get(timeout=START_TIMEOUT_S)
        if isinstance(got, BaseException):
            raise got
        return got

    def release(self, name: str) -> None:
        self._drops.put(name)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(START_TIMEOUT_S)


@pytest.fixture(scope="session")
def postgres_template(postgres_cluster: PostgresCluster) -> Iterator[FreshDatabases]:
    """A database migrated once (schema, categories, wards) that each test's copy starts from."""
    engine = make_engine(postgres_cluster.create_database(TEMPLATE))
    try:
        migrate(engine)
    finally:
        engine.dispose()  # CREATE DATABASE ... TEMPLATE refuses a template with connections
    fresh = FreshDatabases(postgres_cluster, TEMPLATE)
    try:
        yield fresh
    finally:
        fresh.close()


@pytest.fixture
def postgres_url(
    postgres_cluster: PostgresCluster, postgres_template: FreshDatabases
) -> Iterator[str]:
    """A fresh migrated database for one test, dropped after it."""
    name = postgres_template.take()
    try:
        yield postgres_cluster.url(name)
    finally:
        postgres_template.release(name)


@pytest.fixture
def empty_postgres_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """A fresh database with no schema at all, for migration and restore tests."""
    name = f"e_{uuid.uuid4().hex[:16]}"
    url = postgres_cluster.create_database(name)
    try:
        yield url
    finally:
        postgres_cluster.drop_database(name)
