"""Open311 records count in the ward summaries like every other source, under the same
policy; a reporter is (key, email or phone), and without either, the key in each hexagon."""

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.aimstore.open311_fixtures import FormMaker, KeyMaker, point_in
from tests.conftest import UserMaker
from tests.support.open311_client import Open311Client
from wardapp.aimstore import aggregates, models
from wardapp.aimstore.settings import AimStoreSettings
from wardapp.core.wards import WardSet


@pytest.fixture
def settings(db_url: str) -> AimStoreSettings:
    return AimStoreSettings(database_url=db_url, open311_requests_per_minute=1000)


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """SQLite only: the write path is the one tested on both in test_open311_api.py."""
    import shutil

    template = request.getfixturevalue("migrated_template")
    shutil.copyfile(template, tmp_path / "aimstore.db")
    return f"sqlite:///{tmp_path / 'aimstore.db'}"


def test_open311_reports_count_in_the_published_month_with_their_reporters(
    client: TestClient,
    open311: Open311Client,
    make_key: KeyMaker,
    form: FormMaker,
    make_user: UserMaker,
    wards: WardSet,
    engine: Engine,
) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    store.today = lambda: date(2026, 10, 20)  # the day the reports arrive: occurred_on
    key = make_key("fixmystreet")

    def send(ward: int, how_many: int, **contact: str | None) -> None:
        lat, lon = point_in(wards, ward)
        for _ in range(how_many):
            fields = form(key, lat=lat, long=lon, service_code="asb", **contact)
            assert open311.post_request(fields).status == 200

    nobody = {"email": None, "phone": None, "first_name": None, "last_name": None}
    send(1, 12, email="same@example.org")  # one resident: no hot spot
    send(2, 6, email="alice@example.org")  # 6 more from two beside the largest: a hot spot
    send(2, 3, email=None, phone="07700 900123")
    send(2, 3, email="Carol@Example.org")
    send(3, 12, **nobody)  # no contact: the key is one reporter in its hexagon

    store.today = lambda: date(2026, 11, 27)  # October is published
    councillor = make_user("cllr", wards=[wards.wards[1].code])

    def october(ward: int) -> dict[str, Any]:
        code = wards.wards[ward].code
        answer = client.get(
            f"/v1/summaries/wards/{code}", params={"period": "2026-10"}, headers=councillor
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    for ward, hot in ((1, False), (2, True), (3, False)):
        body = october(ward)
        asb = next(c for c in body["categories"] if c["code"] == "asb")
        assert asb["count"] == 10  # 12 rounded to the nearest 5
        assert bool(body["hotspots"]["features"]) is hot, ward

    with Session(engine) as session:
        reporters = session.scalars(select(models.SummaryHex.reporter).distinct()).all()
        contacts = [str(r.resident_contact) for r in session.scalars(select(models.Report))]
    assert len(reporters) == 5
    assert not any("example.org" in r or "07700" in r for r in reporters)  # opaque keys
    assert any("same@example.org" in c for c in contacts)  # the contact itself is kept

    # The running aggregates equal a count from scratch (a restore's rebuild).
    def rows(session: Session) -> list[tuple[Any, ...]]:
        return sorted(
            tuple(r)
            for r in session.execute(
                select(
                    models.SummaryHex.ward_code,
                    models.SummaryHex.cell,
                    models.SummaryHex.reporter,
                    models.SummaryHex.reports,
                )
            )
        )

    with Session(engine) as session:
        before = rows(session)
    with Session(engine) as session, session.begin():
        aggregates.rebuild(session)
    with Session(engine) as session:
        assert rows(session) == before
