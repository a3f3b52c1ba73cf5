"""`backup` and `restore` of the AIM store's database, for SQLite and PostgreSQL.

SQLite goes through the online backup API: a consistent copy while the server keeps
serving (WAL readers never block writers). PostgreSQL goes through ``pg_dump -Fc`` and
``pg_restore``, the partnership DBA's usual tools, found on PATH or next to ``pg_config``.
Restoring only ever writes into a new, empty database, so it cannot overwrite a live store.
"""

import argparse
import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL

from wardapp.aimstore.cli_base import CommandError, add_command
from wardapp.aimstore.settings import AimStoreSettings

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Top-level commands of this area."""
    backup = add_command(
        commands,
        "backup",
        cmd_backup,
        "copy the database to FILE while the store runs (SQLite backup API or pg_dump -Fc)",
    )
    backup.add_argument("file", help="the backup to write; an existing file is not replaced")
    backup.set_defaults(needs_schema=False)  # back up before `migrate`, not only after
    restore = add_command(
        commands,
        "restore",
        cmd_restore,
        "load a backup FILE into the configured database, which must be new and empty",
    )
    restore.add_argument("file", help="a file written by `wardapp-aimstore backup`")
    restore.set_defaults(needs_schema=False)  # the target is empty until restored


def cmd_backup(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    target = Path(args.file)
    if target.exists():
        raise CommandError(f"{target} already exists: give a new file name.")
    if not target.parent.is_dir():
        raise CommandError(f"No such folder: {target.parent}")
    backend = engine.url.get_backend_name()
    if backend == "sqlite":
        backup_sqlite(sqlite_path(engine.url), target)
    elif backend == "postgresql":
        backup_postgresql(engine.url, target)
    else:
        raise CommandError(f"Cannot back up a {backend} database.")
    size = target.stat().st_size
    print(f"backed up {engine.url.render_as_string(hide_password=True)} to {target} ({size} bytes)")


def cmd_restore(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    source = Path(args.file)
    if not source.is_file():
        raise CommandError(f"No such file: {source}")
    with source.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    backend = engine.url.get_backend_name()
    if inspect(engine).get_table_names():
        raise CommandError(
            f"{engine.url.render_as_string(hide_password=True)} already holds tables: restore "
            "only into a new, empty database (point DATABASE_URL at one), so nothing is "
            "overwritten."
        )
    engine.dispose()  # the restore writes through its own connection or tool
    if backend == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise CommandError(f"{source} is not a SQLite backup.")
        restore_sqlite(source, sqlite_path(engine.url))
    elif backend == "postgresql":
        if not head.startswith(PG_DUMP_MAGIC):
            raise CommandError(f"{source} is not a pg_dump -Fc backup.")
        restore_postgresql(source, engine.url)
    else:
        raise CommandError(f"Cannot restore into a {backend} database.")
    print(
        f"restored {source} into {engine.url.render_as_string(hide_password=True)}; "
        "run `wardapp-aimstore migrate` if this version is newer than the backup's"
    )


def sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise CommandError("The database is in memory: there is nothing to back up.")
    return Path(url.database)


def _copy_sqlite(source: sqlite3.Connection, target: Path) -> None:
    """Page-by-page copy through the backup API into a file beside ``target``, then renamed."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
        problem = copy.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise CommandError(f"The copy failed its integrity check: {problem}")
        # One file, no -wal beside it: the copy is complete on its own.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    os.replace(partial, target)


def backup_sqlite(database: Path, target: Path) -> None:
    """Consistent while the server runs: the backup API reads one snapshot of the database."""
    if not database.is_file():
        raise CommandError(f"No database at {database}.")
    if database.resolve() == target.resolve():
        raise CommandError("The backup must be another file than the database.")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        _copy_sqlite(source, target)
    finally:
        source.close()


def restore_sqlite(backup: Path, database: Path) -> None:
    database.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        problem = source.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise CommandError(f"{backup} is damaged: {problem}")
        _copy_sqlite(source, database)
    except sqlite3.DatabaseError as exc:
        raise CommandError(f"{backup} is not a usable SQLite backup: {exc}") from None
    finally:
        source.close()


def find_pg_tool(name: str) -> str:
    """pg_dump or pg_restore: on PATH, else where pg_config says, else Debian's newest."""
    found = shutil.which(name)
    if found:
        return found
    folders: list[str] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        folders.append(done.stdout.strip())
    folders += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_major, reverse=True)
    for folder in folders:
        candidate = Path(folder) / name
        if folder and candidate.is_file():
            return str(candidate)
    raise CommandError(
        f"{name} not found: install PostgreSQL's client tools (Debian: apt-get install "
        "postgresql-client) of the server's version or newer."
    )


def _major(path: str) -> int:
    name = Path(path).parent.name
    return int(name) if name.isdigit() else 0


def libpq_target(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment carrying it.

    The password goes in PGPASSWORD, not on the command line, where `ps` would show it.
    """
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_pg_tool(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CommandError(f"{what} failed: {done.stderr.strip() or done.stdout.strip()}")


def backup_postgresql(url: URL, target: Path) -> None:
    """pg_dump's custom format: compressed, consistent (one snapshot), restored by pg_restore."""
    dsn, env = libpq_target(url)
    partial = target.with_name(target.name + ".partial")
    try:
        _run_pg_tool(
            [find_pg_tool("pg_dump"), "--format=custom", "--file", str(partial), "--dbname", dsn],
            env,
            "pg_dump",
        )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def restore_postgresql(backup: Path, url: URL) -> None:
    """Objects are owned by whoever restores (the store's role), whatever role dumped them."""
    dsn, env = libpq_target(url)
    _run_pg_tool(
        [
            find_pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            dsn,
            str(backup),
        ],
        env,
        "pg_restore",
    )
