"""`wardapp-aimstore`: the administrator's command line for the AIM store."""

import argparse
import json
import os
import sys
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from wardapp.aimstore import (
    cli_apikeys,
    cli_audit,
    cli_backup,
    cli_imports,
    cli_summaries,
    cli_users,
    models,
)
from wardapp.aimstore.accounts import (
    AccountError,
    ChangedBy,
    add_user,
    disable_user,
    list_users,
)
from wardapp.aimstore.app import NotMigrated, check_schema
from wardapp.aimstore.cli_base import (
    CommandError,
    Handler,
    add_command,
    needs_action,
    read_password,
)
from wardapp.aimstore.db import make_engine
from wardapp.aimstore.migrate import migrate
from wardapp.aimstore.settings import (
    CONFIG_FILE_VARIABLE,
    AimStoreSettings,
    SettingsError,
    load_settings,
)
from wardapp.aimstore.wardsets import store_ward_set
from wardapp.core.schemas import ROLES
from wardapp.core.wards import WardSet, WardSetError


def cmd_migrate(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    for item in migrate(engine):
        print(f"loaded {item}")
    print(f"database ready: {engine.url.render_as_string(hide_password=True)}")


def cmd_serve(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    from wardapp.aimstore.server import serve

    if args.config:
        # Worker processes read settings again: point them at the same file. Set only here,
        # so that main() called in-process by other commands leaves the environment alone.
        os.environ[CONFIG_FILE_VARIABLE] = str(Path(args.config).resolve())
    serve(settings, args.host, args.port, args.workers)


def cmd_user_add(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    password = read_password()
    with Session(engine) as session, session.begin():
        add_user(
            session, args.username, args.role, password, args.ward or [], ChangedBy.command_line()
        )
    print(f"added {args.role} {args.username}")


def cmd_user_list(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    with Session(engine) as session:
        for user, wards in list_users(session):
            state = "disabled" if user.disabled else "active"
            print(f"{user.username}\t{user.role}\t{state}\t{','.join(wards) or '-'}")


def cmd_user_disable(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        disable_user(session, args.username, ChangedBy.command_line())
    print(f"disabled {args.username} and signed out all their devices")


def cmd_wards_load(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    path = Path(args.file)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"No such file: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path} is not valid JSON: {exc}") from None
    try:
        ward_set = WardSet.from_geojson(data, name=args.name or path.stem)
    except WardSetError as exc:
        raise CommandError(
            f"{path} was not loaded: {exc} The current wards are unchanged."
        ) from None
    with Session(engine) as session, session.begin():
        store_ward_set(session, ward_set)
        ChangedBy.command_line().record(
            session,
            "wards_loaded",
            ward_set.version,
            {"name": ward_set.name, "wards": len(ward_set), "file": path.name},
        )
    print(f"loaded {len(ward_set)} wards as boundary set {ward_set.version}")


def cmd_wards_list(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    with Session(engine) as session:
        active = session.scalar(
            select(models.BoundarySet).where(models.BoundarySet.active.is_(True))
        )
        if active is None:
            raise CommandError("No wards loaded: run `wardapp-aimstore migrate`.")
        print(f"boundary set {active.version} (loaded {active.loaded_at:%Y-%m-%d %H:%M} UTC)")
        for ward in session.scalars(
            select(models.Ward)
            .where(models.Ward.boundary_set_id == active.id)
            .order_by(models.Ward.code)
        ):
            print(f"{ward.code}\t{ward.name}")


def cmd_seed_demo(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    from wardapp.aimstore.seed import StoreNotEmpty, seed_demo

    try:
        summary = seed_demo(engine)
    except StoreNotEmpty as exc:
        raise CommandError(str(exc)) from None
    print(summary)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wardapp-aimstore", description=__doc__)
    parser.add_argument(
        "--config",
        help=f"settings file of NAME=value lines (also ${CONFIG_FILE_VARIABLE}); "
        "environment variables WARDAPP_AIMSTORE_* take precedence",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str,
        handler: Handler,
        help_text: str,
        parent: "argparse._SubParsersAction[argparse.ArgumentParser]" = commands,
    ) -> argparse.ArgumentParser:
        return add_command(parent, name, handler, help_text)

    command(
        "migrate", cmd_migrate, "create or upgrade the schema; load default categories and wards"
    )
    serve = command("serve", cmd_serve, "run the HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8750)
    serve.add_argument("--workers", type=int, default=1)

    user = command("user", needs_action, "manage accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = command(
        "add", cmd_user_add, "add an account (password from standard input)", user_commands
    )
    add.add_argument("--username", required=True)
    # Checked by add_user, not argparse `choices`: a wrong role is an error like any other
    # (exit 1 and one line saying what to use), not a usage dump with exit 2.
    add.add_argument("--role", required=True, metavar="|".join(ROLES))
    add.add_argument("--ward", action="append", help="ward code (repeat for several)")
    command("list", cmd_user_list, "list accounts", user_commands)
    disable = command(
        "disable", cmd_user_disable, "disable an account and sign it out", user_commands
    )
    disable.add_argument("--username", required=True)
    cli_users.add_user_commands(user_commands)

    wards = command("wards", needs_action, "ward boundaries")
    ward_commands = wards.add_subparsers(dest="wards_command", required=True, metavar="ACTION")
    load = command(
        "load", cmd_wards_load, "replace the ward set with a GeoJSON file", ward_commands
    )
    load.add_argument("file")
    load.add_argument("--name", help="name of the boundary set (default: the file name)")
    command("list", cmd_wards_list, "show the active boundary set", ward_commands)

    command("seed-demo", cmd_seed_demo, "add demo accounts and a year of synthetic reports")
    cli_users.add_commands(commands)
    cli_backup.add_commands(commands)
    cli_audit.add_commands(commands)
    cli_summaries.add_commands(commands)
    cli_apikeys.add_commands(commands)
    cli_imports.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(args.config)
        engine = make_engine(settings.database_url)
        handler: Handler = args.handler
        try:
            if handler is not cmd_migrate and getattr(args, "needs_schema", True):
                # Every other command needs the tables: say "run migrate", not "no such table".
                # (`backup` and `restore` do not: a backup before an upgrade's migrate.)
                check_schema(engine)
            handler(args, settings, engine)
        finally:
            engine.dispose()  # releases the database when main() runs inside a longer-lived process
    except (CommandError, AccountError, NotMigrated, SettingsError, FileNotFoundError) as exc:
        print(f"wardapp-aimstore: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
