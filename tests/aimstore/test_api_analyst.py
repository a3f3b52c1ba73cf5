"""GET /v1/reports: the analyst's full list with ward, category, status and period filters."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from tests.conftest import ReportMaker, UserMaker
from tests.support.api import assert_error
from wardapp.aimstore import models
from wardapp.aimstore.changes import next_change_seq
from wardapp.core.wards import WardSet

CONTACT = {"name": "Sam Resident", "phone": None, "email": "sam@example.org", "consent": True}


class Scene:
    """Six reports by two councillors over two wards, four categories and three years."""

    def __init__(
        self,
        client: TestClient,
        make_user: UserMaker,
        make_report: ReportMaker,
        wards: WardSet,
        engine: Engine,
    ) -> None:
        self.client = client
        self.analyst = make_user("analyst.one", "analyst")
        self.ward_a, self.ward_b = wards.wards[0].code, wards.wards[1].code
        self.r: dict[str, dict[str, Any]] = {
            "jan25": make_report(self.ward_a, occurred_on="2025-01-10", category="asb"),
            "may25": make_report(self.ward_a, occurred_on="2025-05-20", category="fly_tipping"),
            "jun25": make_report(self.ward_b, occurred_on="2025-06-30", category="fly_tipping"),
            "jul25": make_report(self.ward_b, occurred_on="2025-07-01", category="asb"),
            "feb26": make_report(self.ward_b, occurred_on="2026-02-03", resident_contact=CONTACT),
            "oct26": make_report(self.ward_a, occurred_on="2026-10-14", category="drug_use"),
        }
        first, second = make_user("cllr.first"), make_user("cllr.second")
        self._upload(first, ["jan25", "may25", "jun25"])
        self._upload(second, ["jul25", "feb26", "oct26"])
        with Session(engine) as session, session.begin():
            for key, status in (("may25", "assessed"), ("jul25", "closed")):
                session.execute(
                    update(models.Report)
                    .where(models.Report.id == self.r[key]["id"])
                    .values(status=status, change_seq=next_change_seq(session))
                )

    def _upload(self, headers: dict[str, str], keys: list[str]) -> None:
        reports = [self.r[k] for k in keys]
        response = self.client.post("/v1/reports/batch", json={"reports": reports}, headers=headers)
        assert [r["status"] for r in response.json()["results"]] == ["created"] * len(keys)

    def keys(self, **params: str) -> set[str]:
        response = self.client.get("/v1/reports", params=params, headers=self.analyst)
        assert response.status_code == 200, response.text
        by_id = {r["id"]: k for k, r in self.r.items()}
        return {by_id[item["id"]] for item in response.json()["items"]}


@pytest.fixture
def scene(
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    wards: WardSet,
    engine: Engine,
) -> Scene:
    return Scene(client, make_user, make_report, wards, engine)


def test_unfiltered_lists_everything(scene: Scene) -> None:
    assert scene.keys() == set(scene.r)


def test_ward_filter(scene: Scene) -> None:
    assert scene.keys(ward=scene.ward_a) == {"jan25", "may25", "oct26"}
    assert scene.keys(ward=scene.ward_b) == {"jun25", "jul25", "feb26"}
    assert scene.keys(ward="E99999999") == set()


def test_category_filter(scene: Scene) -> None:
    assert scene.keys(category="asb") == {"jan25", "jul25"}
    assert scene.keys(category="fly_tipping") == {"may25", "jun25"}
    assert scene.keys(category="graffiti_damage") == set()


def test_status_filter(scene: Scene) -> None:
    assert scene.keys(status="assessed") == {"may25"}
    assert scene.keys(status="closed") == {"jul25"}
    assert scene.keys(status="received") == {"jan25", "jun25", "feb26", "oct26"}
    assert scene.keys(status="withdrawn") == set()


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2025-05", {"may25"}),
        ("2025-06", {"jun25"}),
        ("2025-07", {"jul25"}),
        ("2025-Q1", {"jan25"}),
        ("2025-Q2", {"may25", "jun25"}),
        ("2025-Q3", {"jul25"}),
        ("2025", {"jan25", "may25", "jun25", "jul25"}),
        ("2026", {"feb26", "oct26"}),
        ("2026-Q4", {"oct26"}),
        ("2024", set()),
    ],
)
def test_period_filter(scene: Scene, period: str, expected: set[str]) -> None:
    assert scene.keys(period=period) == expected


def test_filters_combine(scene: Scene) -> None:
    assert scene.keys(ward=scene.ward_b, category="fly_tipping", period="2025") == {"jun25"}
    assert scene.keys(ward=scene.ward_a, status="received", period="2025") == {"jan25"}


def test_items_carry_reporter_and_contact(scene: Scene) -> None:
    response = scene.client.get("/v1/reports", headers=scene.analyst)
    items = {item["id"]: item for item in response.json()["items"]}
    assert items[scene.r["jan25"]["id"]]["reporter"] == "cllr.first"
    assert items[scene.r["oct26"]["id"]]["reporter"] == "cllr.second"
    feb = items[scene.r["feb26"]["id"]]
    assert feb["resident_contact"] == CONTACT
    assert feb["ward_code"] == scene.ward_b
    assert items[scene.r["jan25"]["id"]]["resident_contact"] is None


def test_filtered_paging(scene: Scene) -> None:
    seen: list[str] = []
    params: dict[str, Any] = {"period": "2025", "limit": 1}
    for _ in range(10):
        body = scene.client.get("/v1/reports", params=params, headers=scene.analyst).json()
        seen += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert sorted(seen) == sorted(scene.r[k]["id"] for k in ("jan25", "may25", "jun25", "jul25"))


def test_since_on_the_analyst_list(scene: Scene, engine: Engine) -> None:
    token = scene.client.get("/v1/reports", headers=scene.analyst).json()["sync_token"]
    with Session(engine) as session, session.begin():
        session.execute(
            update(models.Report)
            .where(models.Report.id == scene.r["oct26"]["id"])
            .values(status="actioned", change_seq=next_change_seq(session))
        )
    assert scene.keys(since=token) == {"oct26"}


@pytest.fixture
def analyst(make_user: UserMaker) -> dict[str, str]:
    return make_user("analyst.alone", "analyst")


@pytest.mark.parametrize(
    "period",
    ["2025-13", "2025-00", "2025-Q5", "Q1-2025", "last week", "1899", "2025-5", "2025-01-01"],
)
def test_bad_period_is_400_with_field(
    client: TestClient, analyst: dict[str, str], period: str
) -> None:
    response = client.get("/v1/reports", params={"period": period}, headers=analyst)
    body = assert_error(response, 400, 422)
    assert "period" in body["fields"]
    assert "YYYY" in body["fields"]["period"] or "month" in body["fields"]["period"]


@pytest.mark.parametrize("status", ["open", "RECEIVED", "closed;drop table reports", "  "])
def test_bad_status_is_400_with_field(
    client: TestClient, analyst: dict[str, str], status: str
) -> None:
    response = client.get("/v1/reports", params={"status": status}, headers=analyst)
    body = assert_error(response, 400, 422)
    assert "status" in body["fields"]
    assert "received" in body["fields"]["status"]


@pytest.mark.parametrize(
    ("param", "value"), [("ward", "E05\x00001"), ("ward", "E" * 500), ("category", "x" * 500)]
)
def test_unprintable_or_huge_codes_are_422(
    client: TestClient, analyst: dict[str, str], param: str, value: str
) -> None:
    response = client.get("/v1/reports", params={param: value}, headers=analyst)
    body = assert_error(response, 422)
    assert param in body["fields"]
