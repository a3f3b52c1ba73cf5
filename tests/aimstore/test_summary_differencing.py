"""Differencing across every table the API publishes for one quarter, and over versions.

Each ward's and each area's summary for the three months and the quarter, and the
overview for each: an exact reader (an integer programme over the raw counts behind
them) must not be able to pin down any number that is not shown. Then late reports by the
reader, a republication, and every table again: the reader holds both versions and knows
exactly what they added in between.
"""

import random
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.aimstore.conftest import Cli
from tests.conftest import ReportMaker, UserMaker
from tests.support.differencing import (
    PublishedTable,
    change_between,
    published_table,
    recovered,
)
from wardapp.aimstore import models
from wardapp.aimstore.publications import cut_from_json
from wardapp.core.anonymise import Cut
from wardapp.core.wards import WardSet

MONTHS = ["2026-07", "2026-08", "2026-09"]
PERIODS = [*MONTHS, "2026-Q3"]
CATEGORIES = ["asb", "fly_tipping", "drug_dealing", "motorbike_misuse", "exploitation"]


def months_of(period: str) -> list[str]:
    return MONTHS if period == "2026-Q3" else [period]


def random_reports(
    make_report: ReportMaker, rng: random.Random, chosen: list[str], count: int
) -> list[dict[str, Any]]:
    return [
        make_report(
            rng.choice(chosen),
            category=rng.choice(CATEGORIES),
            occurred_on=f"{rng.choice(MONTHS)}-{rng.randint(1, 28):02d}",
        )
        for _ in range(count)
    ]


def set_up(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> tuple[list[str], list[dict[str, str]]]:
    """Two areas of three wards, three councillors with 110 reports each over the quarter."""
    client.app.state.store.today = lambda: date(2026, 11, 27)  # type: ignore[attr-defined]
    rng = random.Random(9)
    chosen = [w.code for w in wards.wards[:6]]
    admin = make_user("areas.admin", "admin")
    for code, members in (("east", chosen[:3]), ("west", chosen[3:])):
        put = client.put(
            f"/v1/admin/areas/{code}", json={"name": code, "wards": members}, headers=admin
        )
        assert put.status_code == 200, put.text
    reporters = [make_user(f"cllr{i}", wards=chosen) for i in range(3)]
    for who in reporters:
        reports = random_reports(make_report, rng, chosen, 110)
        sent = client.post("/v1/reports/batch", json={"reports": reports}, headers=who)
        assert {r["status"] for r in sent.json()["results"]} == {"created"}
    return chosen, reporters


def read_everything(
    client: TestClient, reader: dict[str, str], chosen: list[str], cut: str
) -> list[PublishedTable]:
    tables: list[PublishedTable] = []
    for period in PERIODS:
        overview = client.get("/v1/summaries/overview", params={"period": period}, headers=reader)
        shown = {w["code"]: w for w in overview.json()["wards"]}
        for code in chosen:
            body = client.get(
                f"/v1/summaries/wards/{code}", params={"period": period}, headers=reader
            ).json()
            assert "exploitation" not in {c["code"] for c in body["categories"]}
            assert (shown[code]["count"], shown[code]["reason"]) == (
                body["total"],
                body["total_reason"],
            )
            assert body["version"] == int(cut)
            tables.append(published_table(f"{code}/{period}", [code], months_of(period), body, cut))
        for area, members in (("east", chosen[:3]), ("west", chosen[3:])):
            body = client.get(
                f"/v1/summaries/areas/{area}", params={"period": period}, headers=reader
            ).json()
            tables.append(
                published_table(f"{area}/{period}", members, months_of(period), body, cut)
            )
    return tables


def cut_of(session: Session, month: str, version: int) -> Cut:
    stored = session.get(models.SummaryPublication, (month, version))
    assert stored is not None and stored.cut is not None
    return cut_from_json(stored.cut)


def hidden_numbers(tables: list[PublishedTable]) -> list[tuple[str, str]]:
    return [
        (t.name, code)
        for t in tables
        for code, count in [*t.categories.items(), ("total", t.total)]
        if count is None
    ]


def test_no_hidden_count_can_be_worked_out_across_every_published_table(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> None:
    chosen, reporters = set_up(client, make_user, make_report, wards)
    tables = read_everything(client, reporters[0], chosen, "1")
    assert len(hidden_numbers(tables)) > 20  # sparse enough for suppression to matter
    assert recovered(tables) == []


def test_a_republished_quarter_gives_nothing_away_to_a_reader_who_added_reports(
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    wards: WardSet,
    cli: Cli,
    engine: Engine,
) -> None:
    chosen, reporters = set_up(client, make_user, make_report, wards)
    reader = reporters[0]
    first = read_everything(client, reader, chosen, "1")
    late = random_reports(make_report, random.Random(4), chosen, 40)
    sent = client.post("/v1/reports/batch", json={"reports": late}, headers=reader)
    assert {r["status"] for r in sent.json()["results"]} == {"created"}
    code, out, err = cli("summaries", "republish", "--period", "2026-Q3")
    assert code == 0, err
    assert "published 2026-Q3 version 2" in out
    second = read_everything(client, reader, chosen, "2")
    assert first != second  # the late reports show in the new version
    with Session(engine) as session:  # what changed, which the reader is taken to know
        changes = [
            change_between(cut_of(session, m, 1), cut_of(session, m, 2), m, "1", "2")
            for m in MONTHS
        ]
    assert recovered(first + second, changes=changes) == []
