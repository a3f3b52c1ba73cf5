"""`wardapp-aimstore apikey add|list|revoke`: keys for other reporting systems (Open311).

The key is printed once, alone on the last line of standard output, so a script can take
it with ``tail -n 1``; the store keeps only its hash. Each change is audited, never the key.
"""

import argparse

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from wardapp.aimstore import apikeys
from wardapp.aimstore.accounts import ChangedBy
from wardapp.aimstore.cli_base import CommandError, add_command, needs_action
from wardapp.aimstore.models import utcnow
from wardapp.aimstore.settings import AimStoreSettings


def _when(value: object) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value is not None else "no"


def cmd_add(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    try:
        with Session(engine) as session, session.begin():
            key = apikeys.add_key(session, args.name, ChangedBy.command_line())
    except apikeys.ApiKeyError as exc:
        raise CommandError(str(exc)) from None
    print(
        f"added API key {args.name}: its reports arrive with source {apikeys.source_of(args.name)}."
    )
    print("Give this key to the reporting system now; it is not shown again:")
    print(key)


def cmd_list(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    with Session(engine) as session:
        keys = apikeys.list_keys(session)
    if not keys:
        print("no API keys; add one with `wardapp-aimstore apikey add --name NAME`")
        return
    print("name\tcreated\trevoked")
    for key in keys:
        print(f"{key.name}\t{_when(key.created_at)}\t{_when(key.revoked_at)}")


def cmd_revoke(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    try:
        with Session(engine) as session, session.begin():
            done = apikeys.revoke_key(session, args.name, ChangedBy.command_line(), utcnow())
    except apikeys.ApiKeyError as exc:
        raise CommandError(str(exc)) from None
    if done:
        print(f"revoked API key {args.name}: it is refused from its next request")
    else:
        print(f"API key {args.name} was already revoked")


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    apikey = add_command(commands, "apikey", needs_action, "API keys of other reporting systems")
    actions = apikey.add_subparsers(dest="apikey_command", required=True, metavar="ACTION")
    add = add_command(actions, "add", cmd_add, "issue a key (printed once, on the last line)")
    add.add_argument("--name", required=True, help="the reporting system, e.g. fixmystreet")
    add_command(actions, "list", cmd_list, "list keys: name, created, revoked (never the key)")
    revoke = add_command(actions, "revoke", cmd_revoke, "refuse a key from now on")
    revoke.add_argument("--name", required=True)
