"""`wardapp`: the entry point. Lives outside ``ui`` because demo mode starts an AIM store."""

import argparse
import json
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

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
        checks["ok"] = checks["point_in_ward"] and checks["categories"] > 0
    except Exception as exc:  # the self-test reports, never crashes
        checks.update(ok=False, error=f"{type(exc).__name__}: {exc}")
    return checks


def free_port(preferred: int) -> int:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])


def run_demo(args: argparse.Namespace) -> int:
    """An AIM store on loopback with demo accounts and a year of synthetic reports."""
    from wardapp.aimstore.db import make_engine
    from wardapp.aimstore.migrate import migrate
    from wardapp.aimstore.seed import seed_demo
    from wardapp.aimstore.server import serve
    from wardapp.aimstore.settings import AimStoreSettings

    folder = Path(args.data_dir or Path(user_data_dir("wardapp", appauthor=False)) / "demo")
    database = folder / "aimstore.db"
    if args.fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    settings = AimStoreSettings(database_url=f"sqlite:///{database}")
    engine = make_engine(settings.database_url)
    print("Preparing the demo AIM store ...", flush=True)
    migrate(engine)
    summary = seed_demo(engine)
    engine.dispose()
    port = free_port(args.port)
    print(
        f"\nwardapp demo: AIM store listening on http://127.0.0.1:{port}\n"
        f"  data: {database}\n  {summary.replace(chr(10), chr(10) + '  ')}\n"
        f"  API documentation: http://127.0.0.1:{port}/docs\n"
        "The desktop app is not built yet; sign in to the API with the accounts above.\n"
        "Press Ctrl+C to stop.\n",
        flush=True,
    )
    serve(settings, "127.0.0.1", port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wardapp", description=__doc__)
    parser.add_argument("--version", action="version", version=f"wardapp {__version__}")
    parser.add_argument(
        "--self-test", action="store_true", help="check the installation; prints one line of JSON"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser("demo", help="start a demo AIM store with synthetic reports")
    demo.add_argument("--port", type=int, default=DEMO_PORT)
    demo.add_argument("--data-dir", help="where the demo keeps its data")
    demo.add_argument("--fresh", action="store_true", help="throw away earlier demo data first")
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
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except ClientError as exc:
        print(f"wardapp: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
