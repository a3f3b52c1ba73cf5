"""What every `wardapp-aimstore` command module shares: errors, passwords, sub-commands."""

import argparse
import getpass
import sys
from collections.abc import Callable

from sqlalchemy import Engine

from wardapp.aimstore.settings import AimStoreSettings

Handler = Callable[[argparse.Namespace, AimStoreSettings, Engine], None]


class CommandError(Exception):
    """Ends the command with this message and exit status 1, no traceback."""


def read_password(prompt: str = "Password: ") -> str:
    """From the terminal without echo, or one line of standard input when piped."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("Repeat it: ") != first:
            raise CommandError("The two passwords differ.")
        return first
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise CommandError("No password on standard input.")
    return line


def add_command(
    parent: "argparse._SubParsersAction[argparse.ArgumentParser]",
    name: str,
    handler: Handler,
    help_text: str,
) -> argparse.ArgumentParser:
    sub: argparse.ArgumentParser = parent.add_parser(name, help=help_text, description=help_text)
    sub.set_defaults(handler=handler)
    return sub


def needs_action(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    raise CommandError("Give an action; see --help.")
