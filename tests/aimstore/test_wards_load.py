"""`wardapp-aimstore wards load`: replacing the boundary set while the store is serving."""

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.aimstore.conftest import Cli
from tests.conftest import SHARED_DATA, ReportMaker, UserMaker
from wardapp.core.wards import WardSet

WARDS_2013 = SHARED_DATA / "middlesbrough_wards_2013.geojson"
CODE_2013 = re.compile(r"^E0500(14|15)\d\d$")


def served_wards(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get("/v1/wards", headers=headers)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def codes(collection: dict[str, Any]) -> list[str]:
    return sorted(f["properties"]["code"] for f in collection["features"])


def analyst_view(client: TestClient, headers: dict[str, str]) -> dict[str, str]:
    """Report id -> ward code, as the analyst sees them."""
    response = client.get("/v1/reports", headers=headers, params={"limit": 1000})
    assert response.status_code == 200, response.text
    return {r["id"]: r["ward_code"] for r in response.json()["items"]}


@pytest.mark.parametrize("path", [WARDS_2013], ids=["bundled"])
def test_pre_2015_set_loads_and_is_served_at_once(
    cli: Cli, client: TestClient, make_user: UserMaker, path: Path
) -> None:
    headers = make_user("cllr")
    before = served_wards(client, headers)  # the running server has cached the 2022 set
    assert len(before["features"]) == 20

    code, out, err = cli("wards", "load", str(path))

    assert code == 0, err
    assert "loaded 23 wards" in out
    after = served_wards(client, headers)
    assert len(after["features"]) == 23
    assert all(CODE_2013.match(c) for c in codes(after))
    assert after["boundary_set"] != before["boundary_set"]
    assert after["boundary_set"] in out
    names = {f["properties"]["name"] for f in after["features"]}
    assert {"Acklam", "University"} <= names


def test_reports_keep_their_ward_and_new_reports_get_the_new_set(
    cli: Cli, client: TestClient, make_user: UserMaker, make_report: ReportMaker
) -> None:
    councillor = make_user("cllr")
    analyst = make_user("ann", role="analyst")
    old = make_report()
    result = client.post("/v1/reports/batch", json={"reports": [old]}, headers=councillor)
    assert result.json()["results"][0]["status"] == "created"
    old_code = analyst_view(client, analyst)[old["id"]]
    assert old_code.startswith("E050098")

    code, _, err = cli("wards", "load", str(WARDS_2013))
    assert code == 0, err

    new = make_report(id="5a3c1f3e-8d0b-4c3e-9d55-0f1e2d3c4b5a")  # the same spot, after the change
    result = client.post("/v1/reports/batch", json={"reports": [new]}, headers=councillor)
    assert result.json()["results"][0]["status"] == "created", result.text
    seen = analyst_view(client, analyst)
    assert seen[old["id"]] == old_code
    assert CODE_2013.match(seen[new["id"]])
    expected = WardSet.from_geojson(json.loads(WARDS_2013.read_text())).locate(
        new["lat"], new["lon"]
    )
    assert expected is not None and seen[new["id"]] == expected.code
    mine = client.get("/v1/reports/mine", headers=councillor).json()["items"]
    assert {r["id"]: r["ward_code"] for r in mine} == seen


def _write_2013_with(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = json.loads(WARDS_2013.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "changed.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _duplicate_code(data: dict[str, Any]) -> None:
    data["features"][1]["properties"]["code"] = data["features"][0]["properties"]["code"]


def _bow_tie(data: dict[str, Any]) -> None:
    # A self-intersecting ring: the kind of polygon a hand-edited boundary ends up with.
    ring = [[-1.25, 54.55], [-1.20, 54.58], [-1.20, 54.55], [-1.25, 54.58], [-1.25, 54.55]]
    data["features"][2]["geometry"] = {"type": "Polygon", "coordinates": [ring]}


def bad_file(kind: str, tmp_path: Path) -> Path:
    if kind == "not-json":
        path = tmp_path / "wards.geojson"
        path.write_text("<html>Boundary download failed</html>", encoding="utf-8")
        return path
    if kind == "duplicate-codes":
        return _write_2013_with(tmp_path, _duplicate_code)
    if kind == "invalid-polygon":
        return _write_2013_with(tmp_path, _bow_tie)
    return tmp_path / "no-such-file.geojson"


@pytest.mark.parametrize(
    ("kind", "hint"),
    [
        ("not-json", "is not valid JSON"),
        ("duplicate-codes", "E05001482 appears more than once"),
        ("invalid-polygon", "invalid polygon"),
        ("missing", "No such file"),
    ],
)
def test_bad_file_is_refused_and_wards_stay_as_they_were(
    cli: Cli, client: TestClient, make_user: UserMaker, tmp_path: Path, kind: str, hint: str
) -> None:
    headers = make_user("cllr")
    before = served_wards(client, headers)
    path = bad_file(kind, tmp_path)

    code, out, err = cli("wards", "load", str(path))

    assert code == 1
    assert hint in err
    assert path.name in err
    assert "Traceback" not in out + err
    after = served_wards(client, headers)
    assert after["boundary_set"] == before["boundary_set"]
    assert codes(after) == codes(before)
    _, listing, _ = cli("wards", "list")
    assert before["boundary_set"] in listing.splitlines()[0]


def test_invalid_polygon_message_names_the_ward(cli: Cli, tmp_path: Path) -> None:
    path = bad_file("invalid-polygon", tmp_path)
    code, _, err = cli("wards", "load", str(path))
    assert code == 1
    assert "Feature 3 (E05001484)" in err
    assert "current wards are unchanged" in err


def test_wards_list_prints_the_active_set(
    cli: Cli, client: TestClient, make_user: UserMaker
) -> None:
    served = served_wards(client, make_user("cllr"))

    code, out, _ = cli("wards", "list")

    assert code == 0
    header, *rows = out.splitlines()
    assert served["boundary_set"] in header
    listed = {row.split("\t")[0]: row.split("\t")[1] for row in rows}
    assert sorted(listed) == codes(served)
    assert listed["E05009853"] == "Acklam"

    assert cli("wards", "load", str(WARDS_2013))[0] == 0
    _, out, _ = cli("wards", "list")
    header, *rows = out.splitlines()
    assert header.startswith("boundary set middlesbrough_wards_2013@")
    assert len(rows) == 23


def test_name_option_names_the_boundary_set(
    cli: Cli, client: TestClient, make_user: UserMaker
) -> None:
    code, out, err = cli("wards", "load", str(WARDS_2013), "--name", "ons-2013")
    assert code == 0, err
    assert "boundary set ons-2013@" in out
    assert served_wards(client, make_user("cllr"))["boundary_set"].startswith("ons-2013@")
