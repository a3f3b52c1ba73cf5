"""`wardapp sign-in`, `sync`, `status`, `sign-out`: the engine from a terminal or a task."""

import argparse
import getpass
import os
import sys

from wardapp.client.errors import ClientError
from wardapp.client.paths import default_profile_dir
from wardapp.client.profile import Profile

PASSPHRASE_VARIABLE = "WARDAPP_PROFILE_PASSPHRASE"


def _open(args: argparse.Namespace) -> Profile:
    directory = args.profile or default_profile_dir()
    passphrase = os.environ.get(PASSPHRASE_VARIABLE)
    try:
        return Profile.open(directory, args.server, passphrase=passphrase)
    except ClientError as exc:
        if "passphrase" in str(exc) and passphrase is None and sys.stdin.isatty():
            return Profile.open(directory, args.server, passphrase=getpass.getpass("Passphrase: "))
        raise


def _password() -> str:
    """Asked for at a terminal; one line of standard input when piped (never an argument)."""
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\r\n")


def run_sign_in(args: argparse.Namespace) -> int:
    profile = _open(args)
    try:
        user = profile.sign_in(args.username, _password())
    finally:
        profile.close()
    wards = ", ".join(user["wards"]) or "none"
    print(f"signed in as {user['username']} ({user['role']}; wards: {wards})")
    return 0


def run_sign_out(args: argparse.Namespace) -> int:
    profile = _open(args)
    try:
        pending = profile.pending_count()
        profile.sign_out()
    finally:
        profile.close()
    print(f"signed out; {pending} unsent report(s) kept for the next sign-in")
    return 0


def run_sync(args: argparse.Namespace) -> int:
    profile = _open(args)
    try:
        result = profile.sync_once()
    finally:
        profile.close()
    print(
        f"sent {result.sent}, already there {result.duplicates}, rejected {result.rejected}, "
        f"conflicts {result.conflicts}, status updates {result.pulled}, "
        f"still to send {result.pending}"
    )
    if result.error:
        print(f"problem: {result.error}", file=sys.stderr)
    return 0 if result.ok else 1


def run_status(args: argparse.Namespace) -> int:
    profile = _open(args)
    try:
        user = profile.user()
        problems = [r for r in profile.my_reports() if r.sync_state in ("rejected", "conflict")]
        print(f"profile: {profile.directory}")
        print(f"server: {profile.settings['server_url']}")
        print(f"signed in as: {user['username'] if user else 'nobody'}")
        print(f"waiting to send: {profile.pending_count()}")
        print(f"last sync: {profile.last_sync() or 'never'}")
        for report in problems:
            print(f"needs attention: {report.id} ({report.sync_state}): {report.problem}")
    finally:
        profile.close()
    return 0


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    for name, handler, text in (
        ("sign-in", run_sign_in, "sign in to the AIM store (password from the terminal or stdin)"),
        ("sync", run_sync, "send waiting reports and fetch updates once, then exit"),
        ("status", run_status, "show what is waiting to be sent and when the last sync was"),
        ("sign-out", run_sign_out, "forget this computer's sign-in; unsent reports are kept"),
    ):
        parser = commands.add_parser(name, help=text, description=text)
        parser.add_argument("--profile", help="profile folder (default: the user's data folder)")
        parser.add_argument("--server", help="AIM store address, to create a new profile")
        if name == "sign-in":
            parser.add_argument("--username", required=True)
        parser.set_defaults(handler=handler)
