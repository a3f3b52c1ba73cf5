"""Account administration commands beyond `user add/list/disable`, and the taxonomy.

Each change goes through the same functions as the admin API and is audited with the
operating-system user and client "cli".
"""

import argparse

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from wardapp.aimstore import accounts, taxonomies
from wardapp.aimstore.cli_base import CommandError, add_command, needs_action, read_password
from wardapp.aimstore.settings import AimStoreSettings
from wardapp.aimstore.state import current_taxonomy
from wardapp.core.schemas import ROLES


def _when(value: object) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value is not None else "-"


def cmd_devices(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    with Session(engine) as session:
        devices = accounts.list_devices(session, args.username)
        if not devices:
            print(f"{args.username} has never signed in")
            return
        print("id\tname\tcreated\tlast used\trevoked")
        for d in devices:
            revoked = f"{_when(d.revoked_at)} ({d.revoked_reason or 'revoked'})"
            print(
                f"{d.id}\t{d.name}\t{_when(d.created_at)}\t{_when(d.last_used_at)}\t"
                f"{revoked if d.revoked_at else 'no'}"
            )


def cmd_revoke_device(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        done = accounts.revoke_device(
            session, args.username, args.device, accounts.ChangedBy.command_line()
        )
    if done:
        print(f"revoked device {args.device} of {args.username}: it is cut off at its next call")
    else:
        print(f"device {args.device} of {args.username} was already signed out")


def cmd_set_role(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        accounts.set_role(session, args.username, args.role, accounts.ChangedBy.command_line())
    print(f"{args.username} is now {args.role}")


def cmd_set_wards(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    wards = sorted(set(args.ward or []))
    with Session(engine) as session, session.begin():
        user = accounts.get_user(session, args.username)
        accounts.set_wards(session, user, wards, accounts.ChangedBy.command_line())
    print(f"{args.username} wards: {', '.join(wards) or 'none'}")


def cmd_enable(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        accounts.enable_user(session, args.username, accounts.ChangedBy.command_line())
    print(f"enabled {args.username}; they sign in again on each device")


def cmd_reset_password(
    args: argparse.Namespace, settings: AimStoreSettings, engine: Engine
) -> None:
    with Session(engine) as session:
        accounts.get_user(session, args.username)  # say "no such user" before asking
    password = read_password("New password: ")
    with Session(engine) as session, session.begin():
        revoked = accounts.reset_password(
            session, args.username, password, accounts.ChangedBy.command_line()
        )
    print(f"password of {args.username} reset; {revoked} device(s) signed out")


def cmd_taxonomy_list(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    with Session(engine) as session:
        taxonomy = current_taxonomy(session)
        retired = taxonomies.retired_codes(session, taxonomy)
    print(f"taxonomy version {taxonomy.version}")
    for c in taxonomy.categories:
        print(f"{c.code}\t{c.label}" + ("\tsensitive" if c.sensitive else ""))
    for code, version in retired.items():
        print(f"{code}\tretired (last in version {version})")


def cmd_taxonomy_retire(
    args: argparse.Namespace, settings: AimStoreSettings, engine: Engine
) -> None:
    try:
        with Session(engine) as session, session.begin():
            new = taxonomies.retire_category(session, args.code, accounts.ChangedBy.command_line())
    except taxonomies.TaxonomyError as exc:
        raise CommandError(str(exc)) from None
    print(
        f"retired {args.code}: taxonomy version {new.version} has {len(new.categories)} "
        "categories; reports already stored keep theirs"
    )


def add_user_commands(user_commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """`user ...` actions: roles, wards, passwords, devices."""
    devices = add_command(user_commands, "devices", cmd_devices, "list a user's signed-in devices")
    devices.add_argument("--username", required=True)
    revoke = add_command(
        user_commands, "revoke-device", cmd_revoke_device, "sign one device out (a lost laptop)"
    )
    revoke.add_argument("--username", required=True)
    revoke.add_argument("--device", required=True, type=int, help="id from `user devices`")
    role = add_command(user_commands, "set-role", cmd_set_role, "change a user's role")
    role.add_argument("--username", required=True)
    role.add_argument("--role", required=True, metavar="|".join(ROLES))
    wards = add_command(
        user_commands, "set-wards", cmd_set_wards, "replace a user's wards (none if no --ward)"
    )
    wards.add_argument("--username", required=True)
    wards.add_argument("--ward", action="append", help="ward code (repeat for several)")
    enable = add_command(user_commands, "enable", cmd_enable, "enable a disabled account")
    enable.add_argument("--username", required=True)
    reset = add_command(
        user_commands,
        "reset-password",
        cmd_reset_password,
        "set a new password (from standard input) and sign out every device",
    )
    reset.add_argument("--username", required=True)


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    """Top-level commands of this area (for example `taxonomy`)."""
    taxonomy = add_command(commands, "taxonomy", needs_action, "category taxonomy")
    actions = taxonomy.add_subparsers(dest="taxonomy_command", required=True, metavar="ACTION")
    add_command(actions, "list", cmd_taxonomy_list, "show the current categories")
    retire = add_command(
        actions, "retire", cmd_taxonomy_retire, "retire a category in a new taxonomy version"
    )
    retire.add_argument("code")
