"""Open311 GeoReport v2 as a reporting system sees it, through a client written from the
specification: services, posting a resident's report, reading it back, its status."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.aimstore.open311_fixtures import FormMaker, KeyMaker, point_in
from tests.conftest import UserMaker
from tests.support.open311_client import Open311Client, errors_of
from wardapp.aimstore import models
from wardapp.aimstore.settings import AimStoreSettings
from wardapp.core.wards import WardSet

SERVICE_FIELDS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
PUBLIC_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "requested_datetime",
    "updated_datetime",
}


@pytest.fixture
def settings(db_url: str) -> AimStoreSettings:
    return AimStoreSettings(database_url=db_url, open311_requests_per_minute=1000)


def test_services_are_the_categories_that_are_not_sensitive(open311: Open311Client) -> None:
    as_json, as_xml = open311.services("json"), open311.services("xml")
    assert as_json.status == as_xml.status == 200
    codes = [s["service_code"] for s in as_json.body]
    assert "fly_tipping" in codes and "asb" in codes
    assert "exploitation" not in codes and b"exploitation" not in as_xml.raw
    for service in as_json.body:
        assert set(service) == SERVICE_FIELDS
        assert service["metadata"] is False and service["type"] == "realtime"
    tipping = next(s for s in as_xml.body if s["service_code"] == "fly_tipping")
    assert set(tipping) == SERVICE_FIELDS
    assert tipping["service_name"] == "Fly-tipping" and tipping["metadata"] == "false"
    assert [s["service_code"] for s in as_xml.body] == codes

    definition = open311.service_definition("fly_tipping")
    assert definition.body == {"service_code": "fly_tipping", "attributes": []}
    xml = open311.service_definition("fly_tipping", "xml")
    assert xml.body == {"service_definition": {"service_code": "fly_tipping", "attributes": ""}}
    for hidden in ("exploitation", "no_such_service"):
        assert errors_of(open311.service_definition(hidden)) == [
            "service_code not found; see services.json."
        ]


def test_a_posted_report_reads_back_public_fields_without_the_key_and_all_with_it(
    open311: Open311Client,
    make_key: KeyMaker,
    form: FormMaker,
    client: TestClient,
    make_user: UserMaker,
    engine: Engine,
) -> None:
    key, other = make_key("fixmystreet"), make_key("council-web")
    sent = form(key)
    posted = open311.post_request(sent)
    assert posted.status == 200, posted.raw
    [created] = posted.body
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    request_id = created["service_request_id"]

    public = open311.get_request(request_id)
    assert public.status == 200
    [item] = public.body
    assert set(item) == PUBLIC_FIELDS
    assert item["status"] == "open" and item["service_code"] == "fly_tipping"
    assert item["service_name"] == "Fly-tipping" and item["status_notes"] is None
    assert sent["description"] not in public.raw.decode()
    assert open311.get_request(request_id, api_key=other).body == public.body  # not theirs

    [full] = open311.get_request(request_id, api_key=key).body
    assert full["description"] == sent["description"]
    assert (f"{full['lat']:.6f}", f"{full['long']:.6f}") == (sent["lat"], sent["long"])
    [as_xml] = open311.get_request(request_id, "xml", api_key=key).body
    assert as_xml["service_request_id"] == request_id
    assert as_xml["description"] == sent["description"] and as_xml["status"] == "open"
    assert open311.get_request(request_id, api_key="not-a-key").status == 403
    assert errors_of(open311.get_request("0b7f3a52-6d55-4d0c-9a0e-4d8a3c0f6a11"))

    with Session(engine) as session:
        [uploaded] = session.scalars(
            select(models.AuditEntry).where(models.AuditEntry.event == "reports_uploaded")
        ).all()
    assert uploaded.actor == "open311:fixmystreet" and uploaded.detail["created"] == [request_id]

    # The analyst sees the record with its source, and the resident's details.
    analyst = make_user("ana", "analyst")
    [record] = client.get("/v1/reports", headers=analyst).json()["items"]
    assert record["id"] == request_id and record["source"] == "open311:fixmystreet"
    assert record["observed_by"] == "resident" and record["category"] == "fly_tipping"
    assert record["resident_contact"] == {
        "name": "Pat Jones",
        "phone": "01642 000111",
        "email": "resident@example.org",
        "consent": True,
    }


def test_status_and_the_analysts_note_flow_back(
    open311: Open311Client,
    make_key: KeyMaker,
    form: FormMaker,
    client: TestClient,
    make_user: UserMaker,
) -> None:
    key = make_key("fms")
    [created] = open311.post_request(form(key), "xml").body
    request_id = created["service_request_id"]
    [before] = open311.get_request(request_id).body
    analyst = make_user("ana", "analyst")

    def triage(body: dict[str, Any]) -> None:
        answer = client.patch(f"/v1/reports/{request_id}", json=body, headers=analyst)
        assert answer.status_code == 200, answer.text

    triage({"status": "actioned", "status_note": "Passed to the waste team & <cleared> soon"})
    [seen] = open311.get_request(request_id).body
    assert seen["status"] == "open"
    assert seen["status_notes"] == "Passed to the waste team & <cleared> soon"
    assert seen["updated_datetime"] >= before["updated_datetime"]
    [as_xml] = open311.get_request(request_id, "xml").body
    assert as_xml["status_notes"] == "Passed to the waste team & <cleared> soon"

    triage({"status": "closed", "status_note": "Cleared on Tuesday."})
    [closed] = open311.get_request(request_id, api_key=key).body
    assert (closed["status"], closed["status_notes"]) == ("closed", "Cleared on Tuesday.")
    assert [r["service_request_id"] for r in open311.requests(api_key=key, status="closed").body]
    assert open311.requests(api_key=key, status="open").body == []


def test_a_key_lists_only_its_own_requests(
    open311: Open311Client, make_key: KeyMaker, form: FormMaker
) -> None:
    one, two = make_key("one"), make_key("two")
    ids_one = [open311.post_request(form(one)).body[0]["service_request_id"] for _ in range(3)]
    [id_two] = [open311.post_request(form(two, service_code="asb")).body[0]["service_request_id"]]

    listed = open311.requests(api_key=one)
    assert listed.status == 200
    assert sorted(r["service_request_id"] for r in listed.body) == sorted(ids_one)
    assert all("description" in r for r in listed.body)
    [mine] = open311.requests(api_key=two, service_code="asb").body
    assert mine["service_request_id"] == id_two
    asked = ",".join([*ids_one, id_two])
    only = open311.requests("xml", api_key=two, service_request_id=asked).body
    assert [r["service_request_id"] for r in only] == [id_two]
    assert open311.requests(api_key=one, service_code="asb").body == []
    assert open311.requests(api_key=one, end_date="2001-01-01T00:00:00Z").body == []
    since = open311.requests(api_key=one, start_date="2020-01-01T00:00:00+01:00").body
    assert len(since) == 3
    assert "start_date" in errors_of(open311.requests(api_key=one, start_date="yesterday"))[0]
    assert "status" in errors_of(open311.requests(api_key=one, status="pending"))[0]
    assert "api_key" in errors_of(open311.requests())[0]  # no list for the public


def test_requests_the_store_cannot_take_are_refused_with_what_to_fix(
    open311: Open311Client, make_key: KeyMaker, form: FormMaker, wards: WardSet, cli: Any
) -> None:
    key = make_key("fms")

    def refused(fields: dict[str, str], fmt: str = "json") -> str:
        return " ".join(errors_of(open311.post_request(fields, fmt)))

    assert "not a service here" in refused(form(key, service_code="exploitation"))
    sensitive = refused(form(key, service_code="exploitation"))
    unknown = refused(form(key, service_code="made_up"))
    assert sensitive.replace("exploitation", "made_up") == unknown  # told alike
    assert "service_code is required" in refused(form(key, service_code=None))
    no_point = form(key, lat=None, long=None, address_string="12 High Street")
    assert "lat and long are needed" in refused(no_point)
    assert "lat and long are needed" in refused(no_point, "xml")
    assert "lat and long are required" in refused(form(key, lat=None, long=None))
    assert "outside the wards" in refused(form(key, lat="51.5007", long="-0.1246"))
    assert "long: Must be at most 180" in refused(form(key, long="181"))
    assert "lat: Must be a number" in refused(form(key, lat="north"))
    assert "lat: Must be a number" in refused(form(key, lat="nan"))
    assert "description: Too long: at most 2000" in refused(form(key, description="x" * 2001))
    assert "description: Remove the invisible" in refused(form(key, description="a\x00b"))
    assert "email: This email address" in refused(form(key, email="not an email"))
    assert "first_name/last_name: Too long: at most 120" in refused(form(key, first_name="P" * 200))
    keyless = {k: v for k, v in form(key).items() if k != "api_key"}
    assert "api_key is required" in refused(keyless)
    lat, lon = point_in(wards)
    twice = "&".join(
        [f"api_key={key}", "service_code=asb", "service_code=fly_tipping", f"lat={lat}"]
    )
    answer = open311.http.post(
        "/open311/v2/requests.json",
        content=twice + f"&long={lon}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400 and "more than once" in answer.text
    as_json = open311.http.post("/open311/v2/requests.json", json=form(key))
    assert as_json.status_code == 400 and "form-encoded" in as_json.text
    latin1 = open311.http.post(
        "/open311/v2/requests.json",
        content=b"api_key=" + key.encode() + b"&description=caf\xe9",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert latin1.status_code == 400 and "UTF-8" in latin1.text
    many = "&".join(f"f{i}=x" for i in range(300))
    too_many = open311.http.post(
        "/open311/v2/requests.json",
        content=f"api_key={key}&{many}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert too_many.status_code == 400 and "at most 200 fields" in too_many.text
    with_file = open311.http.post(
        "/open311/v2/requests.json", data=form(key), files={"media": ("a.jpg", b"\xff\xd8")}
    )
    assert with_file.status_code == 400 and with_file.json()[0]["code"] == 400
    ids = ",".join(["0b7f3a52-6d55-4d0c-9a0e-4d8a3c0f6a11"] * 101)
    assert "at most 100" in errors_of(open311.requests(api_key=key, service_request_id=ids))[0]
    assert open311.http.get("/open311/v2/services.csv").status_code == 400
    nul = open311.http.get("/open311/v2/requests/E05%00001.json")
    assert nul.status_code in (400, 404) and nul.json()[0]["code"] == nul.status_code
    # Nothing was stored by any of these.
    assert open311.requests(api_key=key).body == []


def test_a_key_over_its_rate_is_told_when_to_try_again(
    db_url: str, make_key: KeyMaker, form: FormMaker
) -> None:
    from wardapp.aimstore.app import create_app

    slow, fast = make_key("slow"), make_key("other")
    app = create_app(AimStoreSettings(database_url=db_url, open311_requests_per_minute=3))
    with TestClient(app) as client:
        open311 = Open311Client(client, "/open311/v2")
        answers = [open311.post_request(form(slow)) for _ in range(2)]
        answers.append(open311.post_request(form(slow, lat="north")))  # refused: still counts
        assert [a.status for a in answers] == [200, 200, 400]
        assert open311.get_request(answers[0].body[0]["service_request_id"]).status == 200
        over = open311.requests(api_key=slow)
        assert over.status == 429 and int(over.headers["retry-after"]) in range(1, 61)
        assert "limit" in errors_of(over)[0]
        assert open311.post_request(form(slow), "xml").status == 429
        assert open311.post_request(form(fast)).status == 200  # each key its own count


def test_a_nul_byte_in_any_open311_path_is_refused_in_open311_form(client: TestClient) -> None:
    paths = [p for p in client.get("/openapi.json").json()["paths"] if p.startswith("/open311/")]
    assert len(paths) == 4
    for path in paths:
        for fmt in ("json", "xml"):
            url = path.replace("{fmt}", fmt)
            url = url.replace("{service_code}", "a%00b").replace("{service_request_id}", "a%00b")
            if "{" not in path.removesuffix(".{fmt}"):
                url = url.replace(f".{fmt}", ".j%00son")
            for method in ("GET", "POST") if path.endswith("requests.{fmt}") else ("GET",):
                answer = client.request(method, url, params={"api_key": "k\x00"})
                assert answer.status_code == 400, (method, url, answer.text)
                if fmt == "xml" and "%00son" not in url:
                    assert answer.content.startswith(b"<?xml") and b"<errors>" in answer.content
                else:
                    assert answer.json()[0]["code"] == 400
