"""`areas` and `summaries` commands: neighbourhood areas, and recounting the aggregates."""

import argparse

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from wardapp.aimstore import aggregates
from wardapp.aimstore.accounts import ChangedBy
from wardapp.aimstore.areas import AreaError, list_areas, remove_area, set_area
from wardapp.aimstore.cli_base import CommandError, add_command, needs_action
from wardapp.aimstore.publications import Publications
from wardapp.aimstore.settings import AimStoreSettings
from wardapp.aimstore.summaries import context
from wardapp.aimstore.wardsets import ActiveWards
from wardapp.core.periods import parse_period, uk_today
from wardapp.core.publication import not_due_until


def cmd_areas_list(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    with Session(engine) as session:
        areas = list_areas(session)
    if not areas:
        print("no areas; add one with `wardapp-aimstore areas set CODE --name NAME --ward CODE`")
    for area in areas:
        print(f"{area.code}\t{area.name}\t{' '.join(area.wards) or '(no wards)'}")


def cmd_areas_set(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        _, wards = ActiveWards().get(session)
        try:
            area = set_area(
                session, args.code, args.name, args.ward or [], wards, actor=None, client="cli"
            )
        except AreaError as exc:
            raise CommandError(str(exc)) from None
    print(f"{area.code} ({area.name}): {len(area.wards)} wards")


def cmd_areas_remove(args: argparse.Namespace, settings: AimStoreSettings, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        try:
            remove_area(session, args.code, actor=None, client="cli")
        except AreaError as exc:
            raise CommandError(str(exc)) from None
    print(f"removed area {args.code}; its wards are not changed")


def cmd_summaries_rebuild(
    args: argparse.Namespace, settings: AimStoreSettings, engine: Engine
) -> None:
    with Session(engine) as session, session.begin():
        counted = aggregates.rebuild(session)
    print(f"recounted {counted} reports into the summary aggregates")


def cmd_summaries_republish(
    args: argparse.Namespace, settings: AimStoreSettings, engine: Engine
) -> None:
    policy = settings.policy()
    try:
        period = parse_period(args.period)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    today = uk_today()
    day = not_due_until(period, today, policy)
    if day is not None:
        raise CommandError(f"{period.label} is not due until {day:%-d %B %Y}; nothing published.")
    publications = Publications()
    by = ChangedBy.command_line().actor_name or "os:unknown"
    with Session(engine) as session, session.begin():
        _, wards = ActiveWards().get(session)
        shape = context(session, policy, wards, today, publications).shape
        done = publications.republish(session, period, shape, by)
    for label, version in done:
        print(f"published {label} version {version}")
    print("councillors see the new versions at their next sync; earlier versions are kept")


def add_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    areas = add_command(commands, "areas", needs_action, "neighbourhood areas (groups of wards)")
    actions = areas.add_subparsers(dest="areas_command", required=True, metavar="ACTION")
    add_command(actions, "list", cmd_areas_list, "show the areas and their wards")
    put = add_command(actions, "set", cmd_areas_set, "create or replace an area's name and wards")
    put.add_argument("code", help="short code, e.g. east")
    put.add_argument("--name", required=True)
    put.add_argument("--ward", action="append", help="ward code (repeat for several)")
    remove = add_command(actions, "remove", cmd_areas_remove, "remove an area")
    remove.add_argument("code")
    summaries = add_command(commands, "summaries", needs_action, "anonymised summaries")
    summary_actions = summaries.add_subparsers(
        dest="summaries_command", required=True, metavar="ACTION"
    )
    add_command(
        summary_actions,
        "rebuild",
        cmd_summaries_rebuild,
        "count every report again into the aggregates (after a repair)",
    )
    republish = add_command(
        summary_actions,
        "republish",
        cmd_summaries_republish,
        "publish a new version of a period (after a late import), audited against the old",
    )
    republish.add_argument("--period", required=True, help="YYYY-MM, YYYY-Qn or YYYY")
