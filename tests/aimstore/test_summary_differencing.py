"""Differencing across every table the API publishes for one quarter.

Each ward's and each area's summary for the three months and the quarter, and the
overview for each: an exact reader (an integer programme over the raw counts behind
them) must not be able to pin down any number that is not shown.
"""

import random
from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import ReportMaker, UserMaker
from tests.support.differencing import PublishedTable, recovered
from wardapp.core.wards import WardSet

MONTHS = ["2026-07", "2026-08", "2026-09"]
PERIODS = [*MONTHS, "2026-Q3"]
CATEGORIES = ["asb", "fly_tipping", "drug_dealing", "motorbike_misuse", "exploitation"]


def months_of(period: str) -> list[str]:
    return MONTHS if period == "2026-Q3" else [period]


def table(name: str, wards: list[str], period: str, body: dict[str, Any]) -> PublishedTable:
    return PublishedTable(
        name=name,
        wards=wards,
        months=months_of(period),
        categories={c["code"]: c["count"] for c in body["categories"]},
        category_reasons={c["code"]: _reason(c["reason"]) for c in body["categories"]},
        total=body["total"],
        total_reason=_reason(body["total_reason"]),
        hotspots={
            f["properties"]["cell"]: f["properties"]["count"] for f in body["hotspots"]["features"]
        },
    )


def _reason(wire: str | None) -> str:
    return {None: "", "small": "fewer_than_min", "withheld": "withheld"}[wire]


def test_no_hidden_count_can_be_worked_out_across_every_published_table(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> None:
    client.app.state.store.today = lambda: date(2026, 11, 27)  # type: ignore[attr-defined]
    rng = random.Random(9)
    chosen = [w.code for w in wards.wards[:6]]
    admin = make_user("areas.admin", "admin")
    for code, members in (("east", chosen[:3]), ("west", chosen[3:])):
        put = client.put(
            f"/v1/admin/areas/{code}", json={"name": code, "wards": members}, headers=admin
        )
        assert put.status_code == 200, put.text
    reporters = [make_user(f"cllr{i}") for i in range(3)]
    for who in reporters:
        reports = [
            make_report(
                rng.choice(chosen),
                category=rng.choice(CATEGORIES),
                occurred_on=f"{rng.choice(MONTHS)}-{rng.randint(1, 28):02d}",
            )
            for _ in range(110)
        ]
        sent = client.post("/v1/reports/batch", json={"reports": reports}, headers=who)
        assert {r["status"] for r in sent.json()["results"]} == {"created"}

    reader = reporters[0]
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
            tables.append(table(f"{code}/{period}", [code], period, body))
        for area, members in (("east", chosen[:3]), ("west", chosen[3:])):
            body = client.get(
                f"/v1/summaries/areas/{area}", params={"period": period}, headers=reader
            ).json()
            tables.append(table(f"{area}/{period}", members, period, body))
    hidden = [
        (t.name, code)
        for t in tables
        for code, count in [*t.categories.items(), ("total", t.total)]
        if count is None
    ]
    assert len(hidden) > 20  # the data is sparse enough for suppression to matter
    assert recovered(tables) == []
