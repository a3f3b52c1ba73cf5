"""`wardapp-aimstore areas ...` and `summaries rebuild`: what an administrator types."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from tests.aimstore.conftest import Cli
from tests.conftest import ReportMaker, UserMaker
from wardapp.aimstore import models
from wardapp.core.wards import WardSet


def test_areas_set_list_and_remove(cli: Cli, wards: WardSet, engine: Engine) -> None:
    code, out, _ = cli("areas", "list")
    assert code == 0 and "no areas" in out
    first, second = wards.wards[0].code, wards.wards[1].code
    code, out, _ = cli(
        "areas", "set", "north", "--name", "North", "--ward", first, "--ward", second
    )
    assert code == 0 and "north (North): 2 wards" in out
    _, out, _ = cli("areas", "list")
    assert out.strip() == f"north\tNorth\t{first} {second}"
    code, _, err = cli("areas", "set", "north", "--name", "North", "--ward", "E05999999")
    assert code == 1 and "E05999999" in err
    code, _, err = cli("areas", "set", "North Side", "--name", "North")
    assert code == 1 and "lower-case" in err
    code, out, _ = cli("areas", "remove", "north")
    assert code == 0 and "removed area north" in out
    code, _, err = cli("areas", "remove", "north")
    assert code == 1 and "no area" in err
    with Session(engine) as session:
        events = session.scalars(select(models.AuditEntry.event)).all()
    assert {"area_set", "area_removed"} <= set(events)


def test_rebuild_recounts_lost_aggregates(
    cli: Cli,
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    engine: Engine,
    wards: WardSet,
) -> None:
    who = make_user("counted", wards=[wards.wards[0].code])
    reports = [make_report(category="asb") for _ in range(7)]
    sent = client.post("/v1/reports/batch", json={"reports": reports}, headers=who)
    assert sent.status_code == 200
    with Session(engine) as session, session.begin():
        session.execute(delete(models.SummaryCount))
    code, out, _ = cli("summaries", "rebuild")
    assert code == 0 and "recounted 7 reports" in out
    with Session(engine) as session:
        total = session.scalar(select(func.sum(models.SummaryCount.reports)))
    assert total == 7
