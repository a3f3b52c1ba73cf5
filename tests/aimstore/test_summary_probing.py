"""A councillor who probes the summaries, over HTTP, on SQLite and PostgreSQL.

The two attacks an independent read found on an earlier version, and what each now
yields: nothing beyond the one published table. Then the rules that close them: a period
is published once, at its first read on or after its publication day; a new version is an
administrator's act, audited against the old; out-of-ward reports wait for an analyst;
every summary read is in the audit trail.
"""

import json
import threading
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.aimstore.conftest import Cli
from tests.conftest import ReportMaker, UserMaker
from tests.support.api import audit_rows
from tests.support.differencing import Change, published_table, recovered
from wardapp.aimstore import models
from wardapp.aimstore.app import create_app
from wardapp.aimstore.publications import Publications
from wardapp.aimstore.settings import AimStoreSettings
from wardapp.aimstore.summaries import context
from wardapp.core.periods import parse_period
from wardapp.core.wards import WardSet

OCTOBER = "2026-10"


def set_today(client: TestClient, today: date) -> None:
    client.app.state.store.today = lambda: today  # type: ignore[attr-defined]


def send(client: TestClient, who: dict[str, str], reports: list[dict[str, Any]]) -> None:
    answer = client.post("/v1/reports/batch", json={"reports": reports}, headers=who)
    assert answer.status_code == 200, answer.text
    assert {r["status"] for r in answer.json()["results"]} <= {"created", "updated"}, answer.text


def read(client: TestClient, who: dict[str, str], ward: str, period: str = OCTOBER) -> Any:
    answer = client.get(f"/v1/summaries/wards/{ward}", params={"period": period}, headers=who)
    assert answer.status_code == 200, answer.text
    return answer.json()


def shown(body: dict[str, Any], code: str) -> tuple[int | None, str | None]:
    category = next(c for c in body["categories"] if c["code"] == code)
    return category["count"], category["reason"]


def test_add_read_withdraw_recovers_nothing(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> None:
    """Attack 1: probe reports one at a time into a ward and month, read after each, withdraw.

    Before, the summary said 5 after two probes, so the hidden count was exactly 3. Now
    every read gives the table published at the first one."""
    set_today(client, date(2026, 11, 10))
    ward = wards.wards[0].code
    victim = make_user("victim", wards=[ward])
    attacker = make_user("attacker", wards=[ward])
    send(client, victim, [make_report(ward, category="drug_dealing") for _ in range(3)])
    first = read(client, attacker, ward)
    assert shown(first, "drug_dealing") == (None, "small")
    probes = []
    for _ in range(4):
        probe = make_report(ward, category="drug_dealing")
        send(client, attacker, [probe])
        probes.append(probe)
        assert read(client, attacker, ward) == first
    send(client, attacker, [dict(p, version=2, withdrawn=True) for p in probes])
    assert read(client, attacker, ward) == first
    # The month is what it was at the first read; the area and the overview agree with it.
    overview = client.get("/v1/summaries/overview", params={"period": OCTOBER}, headers=attacker)
    entry = next(w for w in overview.json()["wards"] if w["code"] == ward)
    assert (entry["count"], entry["suppressed"]) == (first["total"], first["total_suppressed"])


def test_one_report_beside_a_cluster_unlocks_no_hot_spot(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> None:
    """Attack 2: beside another person's 4 reports in one place, file one and read."""
    set_today(client, date(2026, 11, 10))
    ward = wards.wards[1].code
    victim = make_user("cluster", wards=[ward])
    attacker = make_user("unlocker", wards=[ward])
    send(client, victim, [make_report(ward, category="asb") for _ in range(4)])
    probe = make_report(ward, category="asb")
    send(client, attacker, [probe])
    body = read(client, attacker, ward)
    assert body["hotspots"]["features"] == []  # 1 report is left beside the largest reporter
    send(client, attacker, [make_report(ward, category="asb") for _ in range(10)])
    assert read(client, attacker, ward)["hotspots"]["features"] == []  # published: frozen


def test_october_is_published_on_6_november_and_not_before(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> None:
    ward = wards.wards[2].code
    who = make_user("early", wards=[ward])
    send(client, who, [make_report(ward, category="asb") for _ in range(10)])
    set_today(client, date(2026, 11, 5))
    early = client.get(f"/v1/summaries/wards/{ward}", params={"period": OCTOBER}, headers=who)
    assert early.status_code == 409
    assert "published on 6 November 2026" in early.json()["message"]
    set_today(client, date(2026, 11, 6))
    body = read(client, who, ward)
    assert shown(body, "asb") == (10, None)
    assert body["version"] == 1 and body["published_at"]


@pytest.mark.parametrize(
    ("victims", "probes_before", "probes_after"),
    [(3, 0, 2), (4, 1, -1)],
    ids=["probes-added-after-the-first-read", "a-probe-withdrawn-after-it"],
)
def test_a_new_version_is_audited_against_the_old(
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    wards: WardSet,
    cli: Cli,
    engine: Engine,
    victims: int,
    probes_before: int,
    probes_after: int,
) -> None:
    """Probes, then an administrator republishes (say after a police.uk import): the new
    version must not show what the probes changed in a hidden count."""
    set_today(client, date(2026, 11, 10))
    ward = wards.wards[3].code
    victim = make_user("victim3", wards=[ward])
    attacker = make_user("attacker3", wards=[ward])
    send(client, victim, [make_report(ward, category="drug_dealing") for _ in range(victims)])
    send(client, victim, [make_report(ward, category="asb") for _ in range(12)])
    probes = [make_report(ward, category="drug_dealing") for _ in range(probes_before)]
    if probes:
        send(client, attacker, probes)
    first = read(client, attacker, ward)
    if probes_after > 0:
        send(
            client,
            attacker,
            [make_report(ward, category="drug_dealing") for _ in range(probes_after)],
        )
    else:
        send(client, attacker, [dict(p, version=2, withdrawn=True) for p in probes])

    code, out, err = cli("summaries", "republish", "--period", OCTOBER)
    assert code == 0, err
    assert f"published {OCTOBER} version 2" in out
    second = read(client, attacker, ward)
    assert second["version"] == 2 and second["published_at"] != first["published_at"]
    # "5" beside "fewer than 5", either way round, would pin the hidden count.
    pair = (shown(first, "drug_dealing"), shown(second, "drug_dealing"))
    assert pair not in (((None, "small"), (5, None)), ((5, None), (None, "small")))
    assert [r.target for r in audit_rows(engine, "summary_republished")] == [OCTOBER]
    tables = [
        published_table(ward, [ward], [OCTOBER], body, cut)
        for body, cut in ((first, "1"), (second, "2"))
    ]
    probed = Change(OCTOBER, "1", "2", net={(ward, "drug_dealing"): probes_after})
    assert recovered(tables, changes=[probed]) == []


def test_republishing_a_period_not_due_is_refused(cli: Cli) -> None:
    code, _, err = cli("summaries", "republish", "--period", "2030-01")
    assert code != 0 and "not due until 6 February 2030" in err


def test_out_of_ward_reports_count_once_an_analyst_has_assessed_them(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet
) -> None:
    set_today(client, date(2026, 11, 10))
    home, away = wards.wards[4].code, wards.wards[5].code
    visitor = make_user("visitor", wards=[home])
    analyst = make_user("hub", "analyst")
    september = [make_report(away, category="asb", occurred_on="2026-09-09") for _ in range(10)]
    october = [make_report(away, category="asb") for _ in range(10)]
    send(client, visitor, september + october)
    for report in october:
        patched = client.patch(
            f"/v1/reports/{report['id']}", json={"status": "assessed"}, headers=analyst
        )
        assert patched.status_code == 200, patched.text
    assert shown(read(client, visitor, away, "2026-09"), "asb") == (0, None)
    assert shown(read(client, visitor, away, OCTOBER), "asb") == (10, None)


def test_summary_reads_are_audited_once_an_hour_and_show_probing_patterns(
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    wards: WardSet,
    engine: Engine,
    cli: Cli,
) -> None:
    set_today(client, date(2026, 11, 10))
    ward = wards.wards[6].code
    prober = make_user("prober", wards=[ward])
    probe = make_report(ward, category="drug_dealing")
    send(client, prober, [probe])
    for _ in range(3):
        read(client, prober, ward)
    client.get("/v1/summaries/overview", params={"period": OCTOBER}, headers=prober)
    send(client, prober, [dict(probe, version=2, withdrawn=True)])
    client.app.state.store.summary_reads.flush()  # type: ignore[attr-defined]
    reads = audit_rows(engine, "summary_read")
    assert [(r.actor, r.target, r.detail) for r in reads] == [
        ("prober", f"ward:{ward}", {"period": OCTOBER}),
        ("prober", "overview", {"period": OCTOBER}),
    ]
    code, out, err = cli("audit", "export", "--since", "2000-01-01", "--format", "jsonl")
    assert code == 0, err
    events = [
        e["event"]
        for e in map(json.loads, out.splitlines())
        if e["actor"] == "prober" and e["event"] != "sign_in"
    ]
    assert events == ["reports_uploaded", "summary_read", "summary_read", "reports_uploaded"]


def test_first_reads_on_many_workers_publish_once_and_a_restart_changes_nothing(
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    wards: WardSet,
    engine: Engine,
    settings: AimStoreSettings,
) -> None:
    ward = wards.wards[7].code
    who = make_user("busy", wards=[ward])
    send(client, who, [make_report(ward, category="asb") for _ in range(7)])
    store = client.app.state.store  # type: ignore[attr-defined]
    with Session(engine) as session:
        _, ward_set = store.wards.get(session)
    errors: list[BaseException] = []

    def first_read() -> None:  # each thread a worker of its own
        try:
            with store.sessions() as session, session.begin():
                ctx = context(
                    session, store.settings.policy(), ward_set, date(2026, 11, 10), Publications()
                )
                ctx.published(parse_period(OCTOBER))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=first_read) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Session(engine) as session:
        rows = session.scalar(
            select(func.count())
            .select_from(models.SummaryPublication)
            .where(models.SummaryPublication.period == OCTOBER)
        )
    assert rows == 1
    set_today(client, date(2026, 11, 10))
    before = read(client, who, ward)
    with TestClient(create_app(settings)) as restarted:
        set_today(restarted, date(2026, 12, 1))
        assert read(restarted, who, ward) == before
