"""Ward and area summaries over HTTP, on SQLite and PostgreSQL: what a ward member may see."""

import json
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import ReportMaker, UserMaker
from wardapp.aimstore import aggregates, models
from wardapp.aimstore.summary_cache import SummaryCache
from wardapp.core.periods import uk_today
from wardapp.core.wards import WardSet

TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def fixed_today(client: TestClient) -> None:
    """October 2026 is over, November is not: the store's clock for every test here.

    These tests read a summary straight after sending late reports, so the store audits
    again at once (SUMMARY_REFRESH_SECONDS=0); the delay itself is tested on its own below.
    """
    store = client.app.state.store  # type: ignore[attr-defined]
    store.today = lambda: TODAY
    store.summaries.refresh_s = 0


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
    send(client, one, [make_report(ward, category="asb") for _ in range(10)])
    send(client, two, [make_report(ward, category="asb") for _ in range(10)])
    before = summary(client, one, ward, "2026-10")
    send(client, one, [make_report(ward, category="exploitation") for _ in range(12)])
    after = summary(client, one, ward, "2026-10")
    assert "exploitation" not in json.dumps(after)
    assert after == before  # totals and hot spots unchanged by 12 sensitive reports


def test_a_hot_spot_needs_five_reports_from_two_people(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> None:
    ward = wards.wards[4].code
    one, two = make_user("solo", wards=[ward]), make_user("second", wards=[ward])
    send(client, one, [make_report(ward, category="asb") for _ in range(9)])
    assert summary(client, one, ward, "2026-10")["hotspots"]["features"] == []
    send(client, two, [make_report(ward, category="asb")])
    features = summary(client, one, ward, "2026-10")["hotspots"]["features"]
    assert len(features) == 1
    assert features[0]["properties"]["count"] == 10
    ring = features[0]["geometry"]["coordinates"][0]
    assert len(ring) == 7 and ring[0] == ring[-1]  # a closed hexagon


def test_corrections_and_withdrawals_move_the_counts_at_once(
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    wards: WardSet,
    engine: Engine,
) -> None:
    ward = wards.wards[5].code
    who = make_user("corrector", wards=[ward])
    reports = [make_report(ward, category="asb") for _ in range(10)]
    send(client, who, reports)
    assert counts(summary(client, who, ward, "2026-10"))["asb"] == 10
    moved = [dict(r, version=2, category="fly_tipping") for r in reports[:5]]
    send(client, who, moved)
    body = counts(summary(client, who, ward, "2026-10"))
    assert (body["asb"], body["fly_tipping"]) == (5, 5)
    send(client, who, [dict(r, version=3, withdrawn=True) for r in moved])
    body = counts(summary(client, who, ward, "2026-10"))
    assert (body["asb"], body["fly_tipping"]) == (5, 0)
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
        ("2026-11", 409, "published once it has ended"),
        ("2026-13", 422, "between 01 and 12"),
        ("last month", 422, "YYYY-MM"),
        ("2027", 409, "published once it has ended"),
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
    who = make_user("councillor")
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


def test_only_reports_about_months_that_are_over_refresh_the_published_year(
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    engine: Engine,
) -> None:
    """A report about this month changes no published table, so cached summaries stay."""
    who = make_user("today")
    today = uk_today()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=3)

    def versions() -> dict[int, int]:
        with Session(engine) as session:
            return aggregates.year_versions(session, [today.year, last_month.year])

    before = versions()
    send(client, who, [make_report(occurred_on=today.isoformat(), occurred_time=None)])
    assert versions() == before
    send(client, who, [make_report(occurred_on=last_month.isoformat(), occurred_time=None)])
    assert versions()[last_month.year] == before[last_month.year] + 1


def test_a_late_report_shows_once_the_refresh_interval_has_passed(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> None:
    """By default summaries are audited again at most once a minute: until then a reader gets
    the tables as last published, whole, and the late report shows after that."""
    clock = [1000.0]
    store = client.app.state.store  # type: ignore[attr-defined]
    store.summaries = SummaryCache(store.settings.summary_refresh_seconds, lambda: clock[0])
    ward = wards.wards[3].code
    who = make_user("late", wards=[ward])
    send(client, who, [make_report(ward, category="asb") for _ in range(10)])
    assert counts(summary(client, who, ward, "2026-10"))["asb"] == 10
    send(client, who, [make_report(ward, category="asb") for _ in range(5)])
    clock[0] += 59
    assert counts(summary(client, who, ward, "2026-10"))["asb"] == 10
    clock[0] += 2
    assert counts(summary(client, who, ward, "2026-10"))["asb"] == 15
