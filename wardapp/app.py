"""`wardapp`: the entry point. Lives outside ``ui`` because demo mode starts an AIM store."""

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wardapp import __version__
from wardapp.client.commands import add_commands
from wardapp.client.errors import ClientError

DEMO_PORT = 8750


def self_test() -> dict[str, Any]:
    """Checks that need no profile, server, keyring or network: the shipped data is usable."""
    from wardapp.core.report import locate_report, parse_report
    from wardapp.core.taxonomy import default_taxonomy
    from wardapp.core.wards import default_ward_set

    checks: dict[str, Any] = {"version": __version__}
    try:
        taxonomy = default_taxonomy()
        wards = default_ward_set()
        ward = wards.wards[0]
        point = ward.geometry.representative_point()
        sample = parse_report(
            {
                "id": "00000000-0000-4000-8000-000000000000",
                "category": taxonomy.codes()[0],
                "occurred_on": "2026-01-01",
                "lat": point.y,
                "lon": point.x,
                "observed_by": "councillor",
                "captured_at": "2026-01-01T10:00:00Z",
            },
            taxonomy,
        )
        checks.update(
            categories=len(taxonomy.categories),
            wards=len(wards),
            point_in_ward=locate_report(sample, wards).code == ward.code,
        )
        from wardapp.ui.self_test import map_checks

        checks.update(map_checks())
        checks["ok"] = bool(
            checks["point_in_ward"] and checks["categories"] > 0 and checks["map_ok"]
        )
    except Exception as exc:  # the self-test reports, never crashes
        checks.update(ok=False, error=f"{type(exc).__name__}: {exc}")
    return checks


def run_demo(args: argparse.Namespace) -> int:
    """The whole system on one machine: a seeded AIM store on loopback and the app, signed in.

    Everything lives in a temporary folder and goes when the window closes.
    """
    from wardapp.aimstore.embedded import EmbeddedStore
    from wardapp.aimstore.seed import DEMO_PASSWORD, DEMO_USER

    with tempfile.TemporaryDirectory(prefix="wardapp-demo-") as folder:
        store = EmbeddedStore(Path(folder) / "aimstore", port=args.port)
        (Path(folder) / "aimstore").mkdir()
        if args.server_only:
            return _serve_demo(store)
        from wardapp.ui.demo import run_demo_window

        return run_demo_window(
            Path(folder) / "profile",
            store.url,
            start_store=store.start,
            stop_store=store.stop,
            account=(DEMO_USER, DEMO_PASSWORD),
        )


def _serve_demo(store: Any) -> int:
    print("Preparing the demo AIM store ...", flush=True)
    store.start()
    try:
        if not store.wait_ready():
            print(f"wardapp: {store.error}", file=sys.stderr)
            return 1
        print(
            f"\nwardapp demo: AIM store listening on {store.url}\n"
            f"  {store.summary.replace(chr(10), chr(10) + '  ')}\n"
            f"  API documentation: {store.url}/docs\n"
            "Press Ctrl+C to stop.\n",
            flush=True,
        )
        store.wait_stopped()
        return 0
    finally:
        store.stop()


def run_app(args: argparse.Namespace) -> int:
    from wardapp.client.commands import PASSPHRASE_VARIABLE
    from wardapp.client.paths import default_profile_dir
    from wardapp.ui.launch import run_app as open_window

    folder = Path(args.profile) if args.profile else default_profile_dir()
    return open_window(folder, os.environ.get(PASSPHRASE_VARIABLE))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wardapp", description=__doc__)
    parser.add_argument("--version", action="version", version=f"wardapp {__version__}")
    parser.add_argument(
        "--self-test", action="store_true", help="check the installation; prints one line of JSON"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.add_argument("--profile", help="the profile folder (default: your data folder)")
    parser.set_defaults(handler=run_app)
    demo = commands.add_parser(
        "demo", help="the app signed in to a demo AIM store with synthetic reports"
    )
    demo.add_argument("--port", type=int, default=DEMO_PORT)
    demo.add_argument(
        "--server-only", action="store_true", help="only the demo AIM store, no window"
    )
    demo.set_defaults(handler=run_demo)
    add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        result = self_test()
        print(json.dumps(result))
        return 0 if result.get("ok") else 1
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except ClientError as exc:
        print(f"wardapp: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
