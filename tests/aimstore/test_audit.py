"""The audit trail: exactly the expected rows for each audited event, none for plain reads
no way to change a row, and an export that prints what was recorded."""

import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tests.conftest import ReportMaker, UserMaker
from wardapp.aimstore import audit, models
from wardapp.core.report import uk_today
from wardapp.core.wards import WardSet

CLIENT = "testclient"  # the address Starlette's TestClient reports


class Trail:
    """Audit rows written after a mark, as (event, actor, target, client, detail)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.mark = 0

    def set_mark(self) -> None:
        with Session(self.engine) as session:
            self.mark = session.scalar(select(func.coalesce(func.max(models.AuditEntry.id), 0)))

    def new(self) -> list[tuple[str, str | None, str | None, str | None, Any]]:
        with Session(self.engine) as session:
            rows = session.scalars(
                select(models.AuditEntry)
                .where(models.AuditEntry.id > self.mark)
                .order_by(models.AuditEntry.id)
            ).all()
        return [(r.event, r.actor, r.target, r.client, r.detail) for r in rows]


@pytest.fixture
def trail(engine: Engine) -> Trail:
    return Trail(engine)


def test_an_upload_records_the_ids_it_changed_once(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, trail: Trail
) -> None:
    cllr = make_user("cllr.upload")
    first, second = make_report(), make_report()
    trail.set_mark()
    client.post("/v1/reports/batch", json={"reports": [first, second]}, headers=cllr)
    assert trail.new() == [
        (
            "reports_uploaded",
            "cllr.upload",
            "reports",
            CLIENT,
            {"created": [first["id"], second["id"]], "updated": [], "withdrawn": []},
        )
    ]
    trail.set_mark()
    client.post("/v1/reports/batch", json={"reports": [first]}, headers=cllr)  # duplicate
    assert trail.new() == []
    withdrawal = {**second, "version": 2, "withdrawn": True}
    client.post("/v1/reports/batch", json={"reports": [withdrawal, first]}, headers=cllr)
    (row,) = trail.new()
    assert row[4] == {"created": [], "updated": [second["id"]], "withdrawn": [second["id"]]}


def test_an_analyst_read_records_filters_and_count_not_data(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, trail: Trail
) -> None:
    report = make_report(description="Secret detail about number 12")
    client.post("/v1/reports/batch", json={"reports": [report]}, headers=make_user("cllr.r"))
    analyst = make_user("analyst.reader", "analyst")
    trail.set_mark()
    answer = client.get("/v1/reports", params={"category": "motorbike_misuse"}, headers=analyst)
    assert len(answer.json()["items"]) == 1
    ((event, actor, target, where, detail),) = trail.new()
    assert (event, actor, target, where) == ("reports_read", "analyst.reader", "reports", CLIENT)
    assert detail["filters"] == {"category": "motorbike_misuse"}
    assert detail["count"] == 1
    assert "Secret" not in json.dumps(detail) and report["id"] not in json.dumps(detail)


def test_triage_and_actions_record_what_changed(
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    wards: WardSet,
    trail: Trail,
) -> None:
    report = make_report()
    client.post("/v1/reports/batch", json={"reports": [report]}, headers=make_user("cllr.t"))
    analyst = make_user("analyst.changes", "analyst")
    trail.set_mark()
    client.patch(f"/v1/reports/{report['id']}", json={"status": "actioned"}, headers=analyst)
    client.patch(f"/v1/reports/{report['id']}", json={"status": "actioned"}, headers=analyst)
    due = (uk_today() + timedelta(days=30)).isoformat()
    code = wards.wards[0].code
    made = client.post(
        "/v1/actions",
        json={"wards": [code], "title": "Gate", "lead_agency": "Police", "due_on": due},
        headers=analyst,
    ).json()
    client.patch(f"/v1/actions/{made['id']}", json={"progress": "done"}, headers=analyst)
    assert trail.new() == [
        (
            "report_triaged",
            "analyst.changes",
            report["id"],
            CLIENT,
            {"from": "received", "to": "actioned", "note_changed": False},
        ),
        (
            "action_created",
            "analyst.changes",
            str(made["id"]),
            CLIENT,
            {
                "title": "Gate",
                "lead_agency": "Police",
                "due_on": due,
                "progress": "not_started",
                "wards": [code],
            },
        ),
        (
            "action_updated",
            "analyst.changes",
            str(made["id"]),
            CLIENT,
            {"changed": {"progress": {"from": "not_started", "to": "done"}}, "note_added": False},
        ),
    ]


def test_plain_reads_and_rejected_input_write_nothing(
    client: TestClient, make_user: UserMaker, make_report: ReportMaker, wards: WardSet, trail: Trail
) -> None:
    cllr = make_user("cllr.reader")
    trail.set_mark()
    for path in (
        "/v1/taxonomy",
        "/v1/wards",
        "/v1/reports/mine",
        f"/v1/wards/{wards.wards[0].code}/actions",
        "/healthz",
    ):
        assert client.get(path, headers=cllr).status_code == 200, path
    bad = {**make_report(), "category": "nonsense"}
    client.post("/v1/reports/batch", json={"reports": [bad]}, headers=cllr)
    assert trail.new() == []
    # A role's refusal is audited (test_refusals_audited.py); a validation error is not.


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"]
)
def test_the_database_refuses_to_change_audit_rows(engine: Engine, statement: str) -> None:
    with Session(engine) as session, session.begin():
        audit.record(session, "sign_in", actor_name="alice", client="10.0.0.1")
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    with Session(engine) as session:
        actors = session.scalars(select(models.AuditEntry.actor)).all()
    assert actors == ["alice"]


@pytest.fixture
def recorded(engine: Engine) -> Iterator[None]:
    with Session(engine) as session, session.begin():
        audit.record(session, "sign_in", actor_name="alice", target="alice", client="10.0.0.1")
        audit.record(
            session,
            "sign_in_failed",
            actor_name="=HYPERLINK(1)",
            detail={"reason": "wrong password"},
            client="10.0.0.2",
        )
    yield


def test_export_prints_the_rows_oldest_first(cli: Any, recorded: None) -> None:
    today = uk_today().isoformat()
    code, out, err = cli("audit", "export", "--since", today, "--format", "jsonl")
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(r["event"], r["actor"], r["client"]) for r in lines] == [
        ("sign_in", "alice", "10.0.0.1"),
        ("sign_in_failed", "=HYPERLINK(1)", "10.0.0.2"),
    ]
    assert lines[1]["detail"] == {"reason": "wrong password"}
    assert lines[0]["at"].endswith("Z")

    code, out, err = cli("audit", "export", "--since", today)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["event"] for r in rows] == ["sign_in", "sign_in_failed"]
    # A spreadsheet must show the attempted name as text, not run it as a formula.
    assert rows[1]["actor"] == "'=HYPERLINK(1)"
    assert json.loads(rows[1]["detail"]) == {"reason": "wrong password"}

    tomorrow = (uk_today() + timedelta(days=1)).isoformat()
    code, out, _ = cli("audit", "export", "--since", tomorrow, "--format", "jsonl")
    assert (code, out) == (0, "")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--since", "last week"), "YYYY-MM-DD"),
        (("--since", "2026-01-01", "--format", "xml"), "csv, jsonl"),
    ],
)
def test_export_explains_a_bad_option(cli: Any, args: tuple[str, ...], words: str) -> None:
    code, out, err = cli("audit", "export", *args)
    assert (code, out) == (1, "")
    assert words in err


def test_loading_wards_from_the_command_line_is_recorded(
    cli: Any, trail: Trail, tmp_path: Path, wards: WardSet
) -> None:
    path = tmp_path / "new-wards.geojson"
    path.write_text(json.dumps(wards.to_geojson()), encoding="utf-8")
    trail.set_mark()
    code, out, err = cli("wards", "load", str(path))
    assert code == 0, err
    ((event, actor, target, where, detail),) = trail.new()
    assert (event, where) == ("wards_loaded", "cli")
    assert actor and actor.startswith("os:")
    assert target and target in out
    assert detail == {"name": "new-wards", "wards": len(wards), "file": "new-wards.geojson"}
