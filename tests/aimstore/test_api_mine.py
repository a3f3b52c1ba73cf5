"""GET /v1/reports/mine: own reports only, no resident details, cursor paging, sync tokens."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import ReportMaker, UserMaker
from tests.support.api import assert_error, set_status
from wardapp.aimstore.changes import encode_cursor, encode_sync_token


def upload(client: TestClient, headers: dict[str, str], reports: list[dict[str, Any]]) -> None:
    response = client.post("/v1/reports/batch", json={"reports": reports}, headers=headers)
    assert response.status_code == 200, response.text
    assert {r["status"] for r in response.json()["results"]} <= {"created", "updated"}


def pull(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get("/v1/reports/mine", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"items", "next_cursor", "sync_token"}
    return body


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


@pytest.fixture
def cllr(make_user: UserMaker) -> dict[str, str]:
    return make_user("cllr.mine")


def test_only_own_reports(
    client: TestClient, cllr: dict[str, str], make_user: UserMaker, make_report: ReportMaker
) -> None:
    other = make_user("cllr.neighbour")
    mine = [make_report(), make_report()]
    theirs = [make_report()]
    upload(client, cllr, mine)
    upload(client, other, theirs)
    assert sorted(ids(pull(client, cllr))) == sorted(r["id"] for r in mine)
    assert ids(pull(client, other)) == [theirs[0]["id"]]


def test_resident_contact_is_never_echoed(
    client: TestClient, cllr: dict[str, str], make_user: UserMaker, make_report: ReportMaker
) -> None:
    contact = {"name": "Pat Resident", "phone": "07700 900123", "email": None, "consent": True}
    report = make_report(resident_contact=contact)
    upload(client, cllr, [report])
    (item,) = pull(client, cllr)["items"]
    assert item["resident_contact"] is None
    assert "Pat Resident" not in client.get("/v1/reports/mine", headers=cllr).text
    # The AIM store did keep it: the analyst sees it.
    analyst = make_user("analyst.mine", "analyst")
    listed = client.get("/v1/reports", headers=analyst).json()["items"]
    assert listed[0]["resident_contact"]["name"] == "Pat Resident"


def test_cursor_paging_returns_each_report_once(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    reports = [make_report() for _ in range(5)]
    upload(client, cllr, reports[:3])
    upload(client, cllr, reports[3:])
    seen: list[str] = []
    page = pull(client, cllr, limit=2)
    pages = 1
    while page["next_cursor"] is not None:
        assert len(page["items"]) == 2
        seen += ids(page)
        page = pull(client, cllr, limit=2, cursor=page["next_cursor"])
        pages += 1
    seen += ids(page)
    assert pages == 3
    assert len(page["items"]) == 1
    assert sorted(seen) == sorted(r["id"] for r in reports)
    assert len(seen) == len(set(seen))


def test_exact_multiple_of_limit_ends_with_null_cursor(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    upload(client, cllr, [make_report() for _ in range(4)])
    first = pull(client, cllr, limit=2)
    second = pull(client, cllr, limit=2, cursor=first["next_cursor"])
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    assert set(ids(first)) | set(ids(second)) == set(ids(pull(client, cllr)))


def test_paging_is_stable_while_reports_arrive(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    """A report uploaded mid-way through paging comes with the next pull, not twice or never."""
    upload(client, cllr, [make_report() for _ in range(3)])
    first = pull(client, cllr, limit=2)
    late = make_report()
    upload(client, cllr, [late])
    rest = pull(client, cllr, limit=2, cursor=first["next_cursor"])
    assert late["id"] not in ids(first) + ids(rest)
    assert rest["next_cursor"] is None
    assert ids(pull(client, cllr, since=rest["sync_token"])) == [late["id"]]


def test_sync_token_returns_only_changes(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker, engine: Engine
) -> None:
    a, b = make_report(), make_report()
    upload(client, cllr, [a, b])
    token = pull(client, cllr)["sync_token"]
    nothing = pull(client, cllr, since=token)
    assert nothing["items"] == []
    assert nothing["next_cursor"] is None

    c = make_report()
    upload(client, cllr, [c])
    after_new = pull(client, cllr, since=token)
    assert ids(after_new) == [c["id"]]
    token = after_new["sync_token"]

    upload(client, cllr, [{**a, "version": 2, "description": "Corrected description"}])
    after_update = pull(client, cllr, since=token)
    assert ids(after_update) == [a["id"]]
    assert after_update["items"][0]["description"] == "Corrected description"
    token = after_update["sync_token"]

    again = client.post("/v1/reports/batch", json={"reports": [b]}, headers=cllr).json()
    assert again["results"][0]["status"] == "duplicate"  # and a duplicate changes nothing
    assert pull(client, cllr, since=token)["items"] == []

    set_status(engine, b["id"], "assessed", "Passed to the PCSO team")
    after_status = pull(client, cllr, since=token)
    assert ids(after_status) == [b["id"]]
    assert after_status["items"][0]["status"] == "assessed"
    assert after_status["items"][0]["status_note"] == "Passed to the PCSO team"
    assert pull(client, cllr, since=after_status["sync_token"])["items"] == []


def test_sync_tokens_are_sealed_so_others_activity_does_not_show(
    client: TestClient, cllr: dict[str, str], make_user: UserMaker, make_report: ReportMaker
) -> None:
    """A token is new each time, whether or not anyone changed anything, and its length
    stays the same however busy the store is: it shows nothing of the store-wide counter."""
    first = pull(client, cllr)["sync_token"]
    again = pull(client, cllr)["sync_token"]
    assert again != first
    busy = make_user("cllr.elsewhere")
    upload(client, busy, [make_report() for _ in range(120)])
    after_others = pull(client, cllr)["sync_token"]
    assert len(after_others) == len(first) and not after_others.isdigit()
    # Every one of them still works as a sync token.
    mine = make_report()
    upload(client, cllr, [mine])
    for token in (first, again, after_others):
        assert [r["id"] for r in pull(client, cllr, since=token)["items"]] == [mine["id"]]


def test_others_changes_do_not_show_up_since(
    client: TestClient, cllr: dict[str, str], make_user: UserMaker, make_report: ReportMaker
) -> None:
    token = pull(client, cllr)["sync_token"]
    upload(client, make_user("cllr.busy"), [make_report(), make_report()])
    assert pull(client, cllr, since=token)["items"] == []


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("since", "garbage"),
        ("since", "12"),
        ("since", "!!!"),
        ("since", "djE6LTE"),  # "v1:-1"
        ("since", lambda key: encode_sync_token(key, 2**70)),
        ("since", "é"),
        ("cursor", "garbage"),
        ("cursor", lambda key: encode_sync_token(key, 3)),
        ("cursor", lambda key: encode_cursor(key, 10**30, 1, "x")),
        ("cursor", lambda key: encode_cursor(key, 5, 10**25, "x")),
        ("cursor", lambda key: encode_cursor(key, 5, 1, "a\x00b")),
        ("cursor", lambda key: encode_cursor(key, 5, 1, "x" * 100)),
    ],
)
def test_bad_since_or_cursor_is_400(
    client: TestClient, cllr: dict[str, str], param: str, value: Any
) -> None:
    if callable(value):  # sealed with this store's key: well formed, but nonsense inside
        value = value(client.app.state.store.token_key)  # type: ignore[attr-defined]
    response = client.get("/v1/reports/mine", params={param: value}, headers=cllr)
    body = assert_error(response, 400)
    assert param in body["fields"]


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "ten", "1.5", str(10**30)])
def test_limit_out_of_range_is_422(client: TestClient, cllr: dict[str, str], limit: str) -> None:
    response = client.get("/v1/reports/mine", params={"limit": limit}, headers=cllr)
    body = assert_error(response, 422)
    assert "limit" in body["fields"]


def test_limit_bounds_are_accepted(
    client: TestClient, cllr: dict[str, str], make_report: ReportMaker
) -> None:
    upload(client, cllr, [make_report(), make_report()])
    assert len(pull(client, cllr, limit=1)["items"]) == 1
    assert len(pull(client, cllr, limit=1000)["items"]) == 2
