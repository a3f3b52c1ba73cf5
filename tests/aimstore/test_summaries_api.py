"""Ward and area summaries over HTTP, on SQLite and PostgreSQL: what a ward member may see."""

import json
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import ReportMaker, UserMaker
from wardapp.aimstore import aggregates, models
from wardapp.core.wards import WardSet

TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def fixed_today(client: TestClient) -> None:
    """October 2026 is published (from 6 November), November is not: the store's clock."""
    store = client.app.state.store  # type: ignore[attr-defined]
    store.today = lambda: TODAY


def send(client: TestClient, who: dict[str, str], reports: list[dict[str, Any]]) -> None:
    for start in range(0, len(reports), 500):
        answer = client.post(
            "/v1/reports/batch", json={"reports": reports[start : start + 500]}, headers=who
        )
        assert answer.status_code == 200, answer.text
        statuses = {r["status"] for r in answer.json()["results"]}
        assert statuses <= {"created", "updated"}, answer.text


def summary(client: TestClient, who: dict[str, str], code: str, period: str) -> dict[str, Any]:
    answer = client.get(f"/v1/summaries/wards/{code}", params={"period": period}, headers=who)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def counts(body: dict[str, Any]) -> dict[str, int | None]:
    return {c["code"]: c["count"] for c in body["categories"]}


def test_ward_summary_rounds_suppresses_and_answers_everyone_alike(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> None:
    ward = wards.wards[0].code
    alice = make_user("alice", wards=[ward])
    bob = make_user("bob", wards=[wards.wards[1].code])
    send(client, alice, [make_report(ward, category="asb") for _ in range(13)])
    send(client, alice, [make_report(ward, category="fly_tipping") for _ in range(3)])

    body = summary(client, alice, ward, "2026-10")
    assert body["ward"] == {"code": ward, "name": wards.wards[0].name}
    assert counts(body)["asb"] == 15  # 13 rounded to the nearest 5
    tipping = next(c for c in body["categories"] if c["code"] == "fly_tipping")
    assert tipping == {
        "code": "fly_tipping",
        "label": "Fly-tipping",
        "count": None,
        "suppressed": True,
        "reason": "small",
    }
    assert counts(body)["deliberate_fire"] == 0
    assert body["total"] == 15  # 16 rounded on its own, not the sum of shown cells
    assert [p["period"] for p in body["trend"]][-1] == "2026-10"
    assert len(body["trend"]) == 12
    assert body["policy"]["min_count"] == 5

    # Byte for byte the same for another councillor (and for an analyst).
    analyst = make_user("ann", "analyst")
    path = f"/v1/summaries/wards/{ward}?period=2026-10"
    raw = {client.get(path, headers=h).content for h in (alice, bob, analyst)}
    assert len(raw) == 1


def test_nothing_personal_in_a_summary(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> None:
    ward = wards.wards[2].code
    people = [make_user(f"reporter{i}", wards=[ward]) for i in range(3)]
    sent: list[dict[str, Any]] = []
    for i, who in enumerate(people):
        batch = [
            make_report(
                ward,
                category="drug_dealing",
                description=f"Secret detail number {i}-{n} about a house",
                resident_contact={
                    "name": f"Resident {i}{n}",
                    "phone": "01642 000000",
                    "consent": True,
                },
            )
            for n in range(4)
        ]
        send(client, who, batch)
        sent += batch
    text = json.dumps(summary(client, people[0], ward, "2026-10"))
    for report in sent:
        assert report["id"] not in text
        assert "Secret detail" not in text and "Resident" not in text
        assert str(report["lat"]) not in text and str(report["lon"]) not in text
    assert "21:30" not in text and "2026-10-14" not in text
    assert not any(f"reporter{i}" in text for i in range(3)) and "user:" not in text


def test_sensitive_categories_are_absent_and_uncounted(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> None:
    ward = wards.wards[3].code
    one, two = make_user("one", wards=[ward]), make_user("two", wards=[ward])
    for month in ("2026-09", "2026-10"):  # the same reports, and 12 sensitive ones in October
        day = f"{month}-14"
        send(client, one, [make_report(ward, category="asb", occurred_on=day) for _ in range(10)])
        send(client, two, [make_report(ward, category="asb", occurred_on=day) for _ in range(10)])
    send(client, one, [make_report(ward, category="exploitation") for _ in range(12)])
    september, october = (
        summary(client, one, ward, "2026-09"),
        summary(client, one, ward, "2026-10"),
    )
    assert "exploitation" not in json.dumps(october)
    for part in ("categories", "total", "total_suppressed", "hotspots"):
        assert october[part] == september[part]  # unchanged by 12 sensitive reports


def test_a_hot_spot_needs_five_reports_from_two_people_beside_the_largest(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> None:
    ward = wards.wards[4].code
    one, two, three = (make_user(n, wards=[ward]) for n in ("solo", "second", "third"))
    for who, how_many in ((one, 9), (two, 1)):  # September: one person's cluster and one more
        send(client, who, [make_report(ward, occurred_on="2026-09-10") for _ in range(how_many)])
    assert summary(client, one, ward, "2026-09")["hotspots"]["features"] == []
    for who, how_many in ((one, 9), (two, 3), (three, 2)):  # October: 5 from 2 beside it
        send(client, who, [make_report(ward) for _ in range(how_many)])
    features = summary(client, one, ward, "2026-10")["hotspots"]["features"]
    assert len(features) == 1
    assert features[0]["properties"]["count"] == 15
    ring = features[0]["geometry"]["coordinates"][0]
    assert len(ring) == 7 and ring[0] == ring[-1]  # a closed hexagon


def test_corrections_count_until_publication_and_change_nothing_after_it(
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    wards: WardSet,
    engine: Engine,
) -> None:
    """The old promise was that withdrawals move the counts at once; that let anyone work out
    a hidden count by adding reports, reading and withdrawing them. Now what stands at the
    first read on or after the publication day is published, and then frozen."""
    ward = wards.wards[5].code
    who = make_user("corrector", wards=[ward])
    reports = [make_report(ward, category="asb") for _ in range(15)]
    send(client, who, reports)
    moved = [dict(r, version=2, category="fly_tipping") for r in reports[:10]]
    send(client, who, moved)
    send(client, who, [dict(r, version=3, withdrawn=True) for r in moved[:5]])
    published = summary(client, who, ward, "2026-10")
    assert (counts(published)["asb"], counts(published)["fly_tipping"]) == (5, 5)
    assert published["version"] == 1 and published["published_at"]
    send(client, who, [dict(r, version=3, withdrawn=True) for r in moved[5:]])
    send(client, who, [make_report(ward, category="asb") for _ in range(20)])
    assert summary(client, who, ward, "2026-10") == published
    # The running aggregates equal a count from scratch.
    with Session(engine) as session:
        kept = _aggregate_rows(session)
    with Session(engine) as session, session.begin():
        aggregates.rebuild(session)
    with Session(engine) as session:
        assert _aggregate_rows(session) == kept


def _aggregate_rows(session: Session) -> tuple[set[tuple[Any, ...]], set[tuple[Any, ...]]]:
    months = session.execute(select(models.SummaryCount)).scalars()
    cells = session.execute(select(models.SummaryHex)).scalars()
    return (
        {(m.ward_code, m.category, m.month, m.reports) for m in months if m.reports},
        {
            (c.ward_code, c.month, c.cell, c.category, c.reporter, c.reports)
            for c in cells
            if c.reports
        },
    )


@pytest.mark.parametrize(
    ("period", "status", "words"),
    [
        ("2026-11", 409, "published on 6 December 2026"),
        ("2026-13", 422, "between 01 and 12"),
        ("last month", 422, "YYYY-MM"),
        ("2026", 409, "published on 6 January 2027"),
        ("2026-Q4", 409, "published on 6 January 2027"),
    ],
)
def test_periods_not_published_are_refused_in_words(
    client: TestClient, make_user: UserMaker, wards: WardSet, period: str, status: int, words: str
) -> None:
    who = make_user("asker")
    answer = client.get(
        f"/v1/summaries/wards/{wards.wards[0].code}", params={"period": period}, headers=who
    )
    assert answer.status_code == status
    assert words in answer.json()["message"]


def test_unknown_ward_and_area_are_404(client: TestClient, make_user: UserMaker) -> None:
    who = make_user("lost")
    for path in ("/v1/summaries/wards/E05999999", "/v1/summaries/areas/nowhere"):
        answer = client.get(path, params={"period": "2026-10"}, headers=who)
        assert answer.status_code == 404
        assert "no " in answer.json()["message"]


def test_areas_are_set_by_an_admin_and_summarised(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> None:
    admin = make_user("boss", "admin")
    members = [w.code for w in wards.wards[:3]]
    made = client.put(
        "/v1/admin/areas/east", json={"name": "East", "wards": members}, headers=admin
    )
    assert made.status_code == 200, made.text
    bad = client.put(
        "/v1/admin/areas/east", json={"name": "East", "wards": ["E05999999"]}, headers=admin
    )
    assert bad.status_code == 400 and "E05999999" in bad.json()["message"]
    who = make_user("councillor", wards=members)
    send(client, who, [make_report(code, category="asb") for code in members for _ in range(4)])
    area = client.get("/v1/summaries/areas/east", params={"period": "2026-10"}, headers=who)
    assert area.status_code == 200, area.text
    body = area.json()
    assert body["area"] == {"code": "east", "name": "East"}
    assert [w["code"] for w in body["wards"]] == members
    assert body["total"] == 10  # 12 reports; each ward alone is "fewer than 5"
    overview = client.get("/v1/summaries/overview", params={"period": "2026-10"}, headers=who)
    view = overview.json()
    assert [a["code"] for a in view["areas"]] == ["east"]
    assert view["areas"][0]["count"] == 10
    shown = {w["code"]: w for w in view["wards"]}
    assert len(shown) == len(wards)
    for code in members:
        ward = summary(client, who, code, "2026-10")
        # The overview shows each ward's total exactly as its own summary does.
        assert shown[code]["count"] == ward["total"]
        assert shown[code]["suppressed"] == ward["total_suppressed"]
    listed = client.get("/v1/areas", headers=who).json()["items"]
    assert listed == [{"code": "east", "name": "East", "wards": members}]


def test_an_area_that_still_lists_a_ward_no_longer_drawn_is_published_without_it(
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    wards: WardSet,
    engine: Engine,
) -> None:
    """After new boundaries, an area may name a ward that is gone until an admin fixes it."""
    admin = make_user("areas.boss", "admin")
    members = [w.code for w in wards.wards[:2]]
    put = client.put("/v1/admin/areas/old", json={"name": "Old", "wards": members}, headers=admin)
    assert put.status_code == 200, put.text
    with Session(engine) as session, session.begin():
        session.add(models.AreaWard(area_code="old", ward_code="E05999999"))
    who = make_user("reader", wards=members)
    send(client, who, [make_report(members[0], category="asb") for _ in range(10)])
    area = client.get("/v1/summaries/areas/old", params={"period": "2026-10"}, headers=who)
    assert area.status_code == 200, area.text
    assert [w["code"] for w in area.json()["wards"]] == members
    assert area.json()["total"] == 10
