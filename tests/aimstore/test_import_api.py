"""POST /v1/imports and GET /v1/imports/{id}: an analyst's upload, imported in the background."""

import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import ReportMaker, UserMaker
from tests.support.police_files import generated, inside, row, write
from wardapp.core.wards import WardSet


def wait_done(client: TestClient, import_id: int, who: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = client.get(f"/v1/imports/{import_id}", headers=who)
        assert state.status_code == 200, state.text
        if state.json()["status"] != "running":
            return dict(state.json())
        time.sleep(0.05)
    raise AssertionError("the import did not finish in a minute")


def upload(
    client: TestClient, who: dict[str, str], path: Path, format: str, mapping: str | None = None
) -> Any:
    data = {"format": format, **({"mapping": mapping} if mapping else {})}
    with path.open("rb") as body:
        return client.post(
            "/v1/imports", files={"file": (path.name, body, "text/csv")}, data=data, headers=who
        )


def test_an_upload_answers_202_and_its_progress_and_result_are_readable(
    client: TestClient, make_user: UserMaker, wards: WardSet, tmp_path: Path
) -> None:
    analyst = make_user("ana", "analyst")
    path = generated(tmp_path / "2026-09-cleveland-street.csv", wards, 6_000)
    answer = upload(client, analyst, path, "police-uk")
    assert answer.status_code == 202, answer.text
    started = answer.json()
    assert started["status"] in ("running", "done") and started["source"] == "police_uk"
    assert started["total"] == 6_000
    done = wait_done(client, started["id"], analyst)
    assert (done["status"], done["rows"], done["created"], done["rejected"]) == (
        "done", 6_000, 6_000, 0
    )  # fmt: skip
    listed = client.get(
        "/v1/reports", params={"source": "police_uk", "limit": 5}, headers=analyst
    ).json()["items"]
    assert len(listed) == 5
    assert {r["source"] for r in listed} == {"police_uk"}
    assert {r["attribution"] for r in listed} == {
        "Contains public sector information licensed under the Open Government Licence v3.0."
    }
    assert {r["occurred_precision"] for r in listed} == {"month"}


def test_the_source_filter_separates_councillors_reports_from_imports(
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    wards: WardSet,
    tmp_path: Path,
) -> None:
    analyst = make_user("ana", "analyst")
    cllr = make_user("cllr", wards=[wards.wards[0].code])
    sent = client.post("/v1/reports/batch", json={"reports": [make_report()]}, headers=cllr)
    assert sent.status_code == 200
    path = write(tmp_path / "a.csv", [row("2026-09", *inside(wards), "Drugs", "c1")])
    wait_done(client, upload(client, analyst, path, "police-uk").json()["id"], analyst)
    every = client.get("/v1/reports", headers=analyst).json()["items"]
    assert sorted(r["source"] for r in every) == ["police_uk", "wardapp"]
    mine = client.get("/v1/reports", params={"source": "wardapp"}, headers=analyst).json()
    assert [r["source"] for r in mine["items"]] == ["wardapp"]
    assert mine["items"][0]["attribution"] is None
    bad = client.get("/v1/reports", params={"source": "x' OR 1=1"}, headers=analyst)
    assert bad.status_code == 422


def test_a_refused_upload_says_why_and_only_analysts_may_import(
    client: TestClient, make_user: UserMaker, wards: WardSet, tmp_path: Path
) -> None:
    analyst = make_user("ana", "analyst")
    cllr = make_user("cllr", wards=[wards.wards[0].code])
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Ref,When\n1,2026-01-01\n", encoding="utf-8")
    refused = upload(client, analyst, wrong, "police-uk")
    assert refused.status_code == 422
    assert "lacks the columns" in refused.json()["message"]
    no_mapping = upload(client, analyst, wrong, "csv")
    assert no_mapping.status_code == 422 and "mapping" in no_mapping.json()["message"]
    good = write(tmp_path / "a.csv", [row("2026-09", *inside(wards), "Drugs", "c1")])
    assert upload(client, cllr, good, "police-uk").status_code == 403
    assert client.get("/v1/imports/1", headers=cllr).status_code == 403
    assert client.get("/v1/imports/999", headers=analyst).status_code == 404


def test_hostile_text_in_an_extract_cannot_break_the_analysts_list(
    client: TestClient, make_user: UserMaker, wards: WardSet, tmp_path: Path
) -> None:
    analyst = make_user("ana", "analyst")
    lat, lon = inside(wards)
    mapping = (
        'source = "council"\n[columns]\nid = "Ref"\noccurred_on = "Date"\n'
        'category = "Code"\nlat = "Lat"\nlon = "Lon"\ndescription = "Notes"\n'
    )
    path = tmp_path / "council.csv"
    long_text = "x" * 20_000
    path.write_text(
        "Ref,Date,Code,Lat,Lon,Notes\n"
        f"R1,2026-10-01,asb,{lat},{lon},bell\x07 and escape\x1b[31m red\n"
        f'R2,2026-10-02,asb,{lat},{lon},"{long_text}"\n'
        f'R3,2026-10-03,asb,{lat},{lon},=HYPERLINK("http://example.invalid")\n',
        encoding="utf-8",
    )
    done = wait_done(client, upload(client, analyst, path, "csv", mapping).json()["id"], analyst)
    assert (done["created"], done["rejected"]) == (3, 0)
    listed = client.get("/v1/reports", params={"source": "council"}, headers=analyst)
    assert listed.status_code == 200, listed.text
    texts = sorted(r["description"] for r in listed.json()["items"])
    assert texts[0] == '=HYPERLINK("http://example.invalid")'  # kept as text; exports guard it
    assert texts[1] == "bell  and escape [31m red"
    assert texts[2] == "x" * 2000
