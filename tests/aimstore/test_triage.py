"""PATCH /v1/reports/{id}: an analyst moves a report forward and writes back to its reporter."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ReportMaker, UserMaker
from tests.support.api import assert_error
from wardapp.core.triage import triage_refusal


class Desk:
    """One councillor's uploaded report and an analyst to triage it."""

    def __init__(self, client: TestClient, make_user: UserMaker, make_report: ReportMaker) -> None:
        self.client = client
        self.author = make_user("cllr.author")
        self.analyst = make_user("analyst.desk", "analyst")
        self.report = make_report()
        self.id = self.report["id"]
        assert self.send(self.report) == "created"

    def send(self, report: dict[str, Any]) -> str:
        response = self.client.post(
            "/v1/reports/batch", json={"reports": [report]}, headers=self.author
        )
        assert response.status_code == 200, response.text
        status: str = response.json()["results"][0]["status"]
        return status

    def patch(self, **body: Any) -> Any:
        return self.client.patch(f"/v1/reports/{self.id}", json=body, headers=self.analyst)

    def mine(self, since: str | None = None) -> dict[str, Any]:
        params = {"since": since} if since else {}
        response = self.client.get("/v1/reports/mine", params=params, headers=self.author)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def desk(client: TestClient, make_user: UserMaker, make_report: ReportMaker) -> Desk:
    return Desk(client, make_user, make_report)


def test_status_moves_forward_and_the_reporter_sees_it_after_their_token(desk: Desk) -> None:
    token = desk.mine()["sync_token"]
    assert desk.mine(token)["items"] == []

    answer = desk.patch(status="assessed", status_note="Passed to the neighbourhood team.")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["id"], body["status"], body["reporter"]) == (desk.id, "assessed", "cllr.author")
    assert body["status_note"] == "Passed to the neighbourhood team."

    pulled = desk.mine(token)
    assert [(r["id"], r["status"], r["status_note"]) for r in pulled["items"]] == [
        (desk.id, "assessed", "Passed to the neighbourhood team.")
    ]
    # Skipping a step is allowed: actioned is not needed before closed.
    assert desk.patch(status="closed").json()["status"] == "closed"
    again = desk.mine(pulled["sync_token"])["items"]
    assert [(r["status"], r["status_note"]) for r in again] == [
        ("closed", "Passed to the neighbourhood team.")
    ]


def test_a_note_alone_changes_and_reaches_the_reporter(desk: Desk) -> None:
    token = desk.mine()["sync_token"]
    answer = desk.patch(status_note="Thanks, we know this one.")
    assert answer.json()["status"] == "received"
    items = desk.mine(token)["items"]
    assert [(r["status"], r["status_note"]) for r in items] == [
        ("received", "Thanks, we know this one.")
    ]
    cleared = desk.patch(status_note=None)
    assert cleared.json()["status_note"] is None


def test_a_patch_that_changes_nothing_is_not_a_change(desk: Desk) -> None:
    desk.patch(status="assessed", status_note="Seen.")
    token = desk.mine()["sync_token"]
    same = desk.patch(status="assessed", status_note="Seen.")
    assert same.status_code == 200 and same.json()["status"] == "assessed"
    assert desk.mine(token)["items"] == []


@pytest.mark.parametrize(
    ("first", "then", "words"),
    [
        ("assessed", "received", "cannot go back to received"),
        ("closed", "actioned", "cannot go back to actioned"),
        ("received", "withdrawn", "Only the reporter can withdraw"),
    ],
)
def test_going_back_or_withdrawing_is_refused(
    desk: Desk, first: str, then: str, words: str
) -> None:
    desk.patch(status=first)
    body = assert_error(desk.patch(status=then), 409)
    assert body["error"] == "conflict" and words in body["message"]
    assert desk.mine()["items"][0]["status"] == first


def test_a_withdrawn_report_cannot_be_triaged(desk: Desk) -> None:
    assert desk.send({**desk.report, "version": 2, "withdrawn": True}) == "updated"
    for body in ({"status": "assessed"}, {"status_note": "Noted."}):
        refused = assert_error(desk.patch(**body), 409)
        assert "withdrew" in refused["message"]
    assert desk.mine()["items"][0]["status"] == "withdrawn"


def test_corrections_are_accepted_until_assessed_then_conflict(desk: Desk) -> None:
    corrected = {**desk.report, "version": 2, "description": "Three bikes, not two"}
    assert desk.send(corrected) == "updated"
    desk.patch(status="assessed")
    late = {**desk.report, "version": 3, "description": "Four bikes"}
    response = desk.client.post("/v1/reports/batch", json={"reports": [late]}, headers=desk.author)
    result = response.json()["results"][0]
    assert result["status"] == "conflict"
    assert "already assessed" in result["error"]["message"]
    assert desk.send({**desk.report, "version": 3, "withdrawn": True}) == "conflict"
    mine = desk.mine()["items"][0]
    assert (mine["status"], mine["version"], mine["description"]) == (
        "assessed",
        2,
        "Three bikes, not two",
    )


def test_unknown_or_malformed_ids_are_not_found(desk: Desk) -> None:
    """A NUL byte is refused earlier, as in every path parameter (test_request_limits.py)."""
    for report_id in ("0f8fad5b-d9cb-469f-a165-70867728950e", "x" * 300):
        response = desk.client.patch(
            f"/v1/reports/{report_id}", json={"status": "assessed"}, headers=desk.analyst
        )
        assert assert_error(response, 404)["error"] == "not_found"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"status": None}, "body"),
        ({"status": "done"}, "status"),
        ({"status": "assessed", "colour": "red"}, "colour"),
        ({"status_note": "x" * 2001}, "status_note"),
        ({"status_note": "bad\x00note"}, "status_note"),
    ],
)
def test_bad_bodies_say_what_to_fix(desk: Desk, body: dict[str, Any], field: str) -> None:
    error = assert_error(desk.patch(**body), 422)
    assert field in error["fields"], error
    assert desk.mine()["items"][0]["status"] == "received"


def test_the_rules_in_order() -> None:
    assert triage_refusal("received", "closed") is None
    assert triage_refusal("actioned", "actioned") is None
    assert triage_refusal("closed", "received") is not None
    assert triage_refusal("withdrawn", "closed") is not None
    assert triage_refusal("assessed", "withdrawn") is not None
