"""Demo data: accounts and a year of synthetic reports across the real wards.

Deterministic (fixed random seed, dates relative to today) so every demo looks alike, and
shaped like real AIM data: more in some wards, hot spots, seasons, statuses and notes.
"""

import math
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from shapely import unary_union
from shapely.geometry import Point
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.accounts import add_user
from wardapp.aimstore.areas import set_area
from wardapp.aimstore.changes import next_change_seq
from wardapp.aimstore.ingest import ingest_batch
from wardapp.aimstore.state import current_taxonomy
from wardapp.aimstore.taskfinish import create_action
from wardapp.aimstore.wardsets import ActiveWards
from wardapp.core.report import uk_today
from wardapp.core.schemas import BATCH_MAX, ActionIn
from wardapp.core.wards import Ward, WardSet

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-councillor"
ANALYST_USER = "analyst"
ANALYST_PASSWORD = "demo-analyst"
REPORT_COUNT = 6000

CATEGORY_WEIGHTS = {
    "asb": 22,
    "motorbike_misuse": 12,
    "drug_dealing": 9,
    "drug_use": 8,
    "empty_property": 4,
    "fly_tipping": 15,
    "graffiti_damage": 8,
    "deliberate_fire": 5,
    "retail_crime": 5,
    "burglary_vehicle": 5,
    "violence_weapons": 3,
    "malicious_comms": 1,
    "lighting_cctv": 2,
    "exploitation": 0.5,
    "other": 0.5,
}
# Wards named by the partnership as hot spots weigh more; matched by name, not by code.
WARD_WEIGHTS = {
    "Berwick Hills & Pallister": 4,
    "Newport": 4,
    "Central": 4,
    "North Ormesby": 2.5,
    "Brambles & Thorntree": 2.5,
    "Park End & Beckfield": 2,
    "Nunthorpe": 0.4,
    "Marton West": 0.5,
}
DEMO_WARDS = ("Berwick Hills & Pallister", "Park End & Beckfield")
DESCRIPTIONS = {
    "asb": [
        "Group of youths shouting and kicking doors most evenings",
        "Street drinking on the benches by the shops",
    ],
    "motorbike_misuse": [
        "Two off-road bikes on the field every evening",
        "Quad bikes racing along the beck path",
    ],
    "drug_dealing": [
        "House with many short visits late at night",
        "Car parks up and hands over packages",
    ],
    "drug_use": ["Nitrous oxide canisters all over the grass", "Needles found near the play area"],
    "empty_property": ["Empty house with the back door open", "Boarded shop broken into again"],
    "fly_tipping": [
        "Mattress and bags dumped in the back lane",
        "Builders' rubble left by the garages",
    ],
    "graffiti_damage": ["Bus shelter glass smashed", "Graffiti on the community centre wall"],
    "deliberate_fire": ["Wheelie bin set alight in the alley", "Grass fire on the field"],
    "retail_crime": ["Shop staff threatened by a group", "Regular shoplifting at the parade"],
    "burglary_vehicle": [
        "People trying car door handles at night",
        "Shed broken into and bikes taken",
    ],
    "violence_weapons": ["Fight outside the takeaway", "Young man seen with a knife"],
    "malicious_comms": ["Abusive messages posted about a family"],
    "lighting_cctv": [
        "Three street lights out on the cut-through",
        "CCTV camera pointing at the sky",
    ],
    "exploitation": ["Worried a teenager is being used to run drugs"],
    "other": ["Residents feel unsafe walking to the bus stop"],
}
NOTES = {
    "assessed": ["Assessed by the AIM hub and passed to the neighbourhood team."],
    "actioned": [
        "Patrols increased at this location.",
        "Passed to the environmental enforcement team; clean-up booked.",
    ],
    "closed": [
        "Closed: warrant executed at the address.",
        "Closed: area cleared and monitored for four weeks.",
        "Closed: no further reports after joint patrols.",
    ],
}


@dataclass
class Hotspot:
    ward: Ward
    centre: Point


class StoreNotEmpty(ValueError):
    """Demo accounts have published passwords: they never go into a store in use."""


def _refuse_unless_empty(session: Session) -> None:
    users = session.scalar(select(func.count()).select_from(models.User)) or 0
    reports = session.scalar(select(func.count()).select_from(models.Report)) or 0
    if users or reports:
        raise StoreNotEmpty(
            f"This store is not empty ({users} accounts, {reports} reports): seed-demo only "
            "fills a new, empty store, because its demo accounts have published passwords. "
            "Point DATABASE_URL at a new database for a demo."
        )


def seed_demo(engine: Engine, count: int = REPORT_COUNT, today: date | None = None) -> str:
    """Adds demo accounts and reports to an empty store (the demo's own); refuses any other.

    A store seeded before is left alone, so the app's embedded demo can call this at every
    start. Raises StoreNotEmpty for a store with accounts or reports of its own.
    """
    today = today or uk_today()
    rng = random.Random(2026)
    with Session(engine) as session, session.begin():
        if session.scalar(select(models.User.id).where(models.User.username == DEMO_USER)):
            return f"already seeded; sign in as {DEMO_USER} / {DEMO_PASSWORD}"
        _refuse_unless_empty(session)
        boundary_set_id, wards = ActiveWards().get(session)
        by_name = {w.name: w for w in wards.wards}
        demo_wards = [by_name[n].code for n in DEMO_WARDS if n in by_name]
        demo = add_user(session, DEMO_USER, "councillor", DEMO_PASSWORD, demo_wards)
        analyst = add_user(session, ANALYST_USER, "analyst", ANALYST_PASSWORD, [])
        reporters = _ward_councillors(session, wards, rng, demo.id, set(demo_wards))
        reports = _synthetic_reports(rng, wards, reporters, count, today)
        taxonomy = current_taxonomy(session)
        by_author: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for author_id, report in reports:
            by_author[author_id].append(report)
        now = datetime.now(UTC)
        for author_id, items in by_author.items():
            for start in range(0, len(items), BATCH_MAX):
                ingest_batch(
                    session,
                    items[start : start + BATCH_MAX],
                    author_id=author_id,
                    source="wardapp",
                    taxonomy=taxonomy,
                    wards=wards,
                    boundary_set_id=boundary_set_id,
                    now=now,
                    today=today,
                )
        _set_statuses(session, rng, reports, today)
        for code, (name, members) in demo_areas(wards).items():
            set_area(session, code, name, members, wards, actor=None, client="demo seed")
        for action in demo_actions(demo_wards, today):
            create_action(session, action, analyst, wards, "demo seed", today)
    return (
        f"seeded {len(reports)} reports over 12 months in {len(wards)} wards\n"
        f"councillor: {DEMO_USER} / {DEMO_PASSWORD}  (wards: {', '.join(DEMO_WARDS)})\n"
        f"analyst:    {ANALYST_USER} / {ANALYST_PASSWORD}"
    )


def demo_actions(ward_codes: list[str], today: date) -> list[ActionIn]:
    """Task and Finish actions for the demo councillor's wards, as a partnership would agree."""
    if not ward_codes:
        return []
    first, last = ward_codes[0], ward_codes[-1]
    return [
        ActionIn(
            wards=[first],
            title="Off-road bike patrols on the park at weekends",
            lead_agency="Cleveland Police",
            due_on=today + timedelta(days=35),
            progress="on_track",
            note="Two joint patrols held with the neighbourhood team; three bikes seized.",
        ),
        ActionIn(
            wards=[first, last],
            title="Clear fly-tipping from the back lanes and fit gates",
            lead_agency="Council environment team",
            due_on=today + timedelta(days=20),
            progress="at_risk",
            note="Contractor delayed; two lanes still to do.",
        ),
        ActionIn(
            wards=[last],
            title="Secure empty properties used for drug use",
            lead_agency="Housing association",
            due_on=today + timedelta(days=60),
        ),
    ]


def demo_areas(wards: WardSet) -> dict[str, tuple[str, list[str]]]:
    """Four neighbourhood areas by compass direction from the middle of the wards.

    A stand-in for the partnership's own lists, which an administrator sets.
    """
    middle = unary_union([w.geometry for w in wards.wards]).centroid
    areas: dict[str, tuple[str, list[str]]] = {
        code: (code.title(), []) for code in ("east", "north", "west", "south")
    }
    for ward in wards.wards:
        point = ward.geometry.representative_point()
        dx, dy = point.x - middle.x, point.y - middle.y
        direction = math.degrees(math.atan2(dy, dx)) % 360
        code = ("east", "north", "west", "south")[int(((direction + 45) % 360) // 90)]
        areas[code][1].append(ward.code)
    return areas


def _ward_councillors(
    session: Session, wards: WardSet, rng: random.Random, demo_id: int, demo_wards: set[str]
) -> dict[str, list[int]]:
    """Two or three councillors per ward, as in Middlesbrough; they cannot sign in."""
    reporters: dict[str, list[int]] = {}
    for number, ward in enumerate(wards.wards, start=1):
        ids = []
        for seat in range(rng.choice((2, 3))):
            user = add_user(
                session,
                f"cllr-{number:02d}-{seat + 1}",
                "councillor",
                None,
                [ward.code],
            )
            ids.append(user.id)
        if ward.code in demo_wards:
            ids.append(demo_id)
        reporters[ward.code] = ids
    return reporters


def _random_point_in(ward: Ward, rng: random.Random) -> Point:
    minx, miny, maxx, maxy = ward.geometry.bounds
    while True:
        point = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if ward.geometry.contains(point):
            return point


def _synthetic_reports(
    rng: random.Random, wards: WardSet, reporters: dict[str, list[int]], count: int, today: date
) -> list[tuple[int, dict[str, Any]]]:
    ward_list = wards.wards
    ward_weights = [WARD_WEIGHTS.get(w.name, 1.0) for w in ward_list]
    hotspots = {
        w.code: [_random_point_in(w, rng) for _ in range(rng.choice((1, 2, 3)))] for w in ward_list
    }
    categories = list(CATEGORY_WEIGHTS)
    category_weights = list(CATEGORY_WEIGHTS.values())
    out: list[tuple[int, dict[str, Any]]] = []
    while len(out) < count:
        ward = rng.choices(ward_list, ward_weights)[0]
        category = rng.choices(categories, category_weights)[0]
        occurred = today - timedelta(days=rng.randint(1, 365))
        if not _in_season(category, occurred, rng):
            continue
        if rng.random() < 0.6:
            centre = rng.choice(hotspots[ward.code])
            point = Point(centre.x + rng.gauss(0, 0.0025), centre.y + rng.gauss(0, 0.0015))
            if not ward.geometry.contains(point):
                continue
        else:
            point = _random_point_in(ward, rng)
        exact = rng.random() < 0.5
        hour = rng.choice((9, 12, 15, 17, 19, 20, 21, 22, 23))
        captured = datetime.combine(occurred, datetime.min.time(), UTC) + timedelta(
            hours=hour + rng.randint(1, 40)
        )
        report = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "category": category,
            "occurred_on": occurred.isoformat(),
            "occurred_time": f"{hour:02d}:{rng.choice((0, 15, 30, 45)):02d}" if exact else None,
            "time_band": None
            if exact
            else rng.choice(("morning", "afternoon", "evening", "night")),
            "lat": round(point.y, 6),
            "lon": round(point.x, 6),
            "accuracy_m": rng.choice((5, 10, 30, 50, 100)),
            "observed_by": rng.choice(("resident", "resident", "councillor")),
            "description": rng.choice(DESCRIPTIONS[category]),
            "repeat_issue": rng.random() < 0.35,
            "resident_contact": None,
            "captured_at": min(captured, datetime.now(UTC)).isoformat().replace("+00:00", "Z"),
        }
        out.append((rng.choice(reporters[ward.code]), report))
    return out


def _in_season(category: str, day: date, rng: random.Random) -> bool:
    """Bikes in the light evenings, fires around bonfire night: thin out the off-season."""
    if category == "motorbike_misuse" and day.month in (11, 12, 1, 2):
        return rng.random() < 0.35
    if category == "deliberate_fire" and day.month not in (10, 11):
        return rng.random() < 0.5
    return True


def _set_statuses(
    session: Session, rng: random.Random, reports: list[tuple[int, dict[str, Any]]], today: date
) -> None:
    """Older reports have moved further along, as the AIM hub works through them."""
    seq = next_change_seq(session)
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for _, report in reports:
        age = (today - date.fromisoformat(report["occurred_on"])).days
        roll = rng.random()
        if age > 90:
            status = (
                "closed"
                if roll < 0.55
                else "actioned"
                if roll < 0.8
                else "assessed"
                if roll < 0.9
                else "received"
            )
        elif age > 21:
            status = "actioned" if roll < 0.3 else "assessed" if roll < 0.7 else "received"
        else:
            status = "assessed" if roll < 0.3 else "received"
        if status != "received":
            groups[(status, rng.choice(NOTES[status]))].append(report["id"])
    for (status, note), ids in groups.items():
        session.execute(
            update(models.Report)
            .where(models.Report.id.in_(ids))
            .values(status=status, status_note=note, change_seq=seq)
            .execution_options(synchronize_session=False)
        )
