"""Markup in ward and area names is refused where the store takes names in, saying why."""

import json
from pathlib import Path

from fastapi.testclient import TestClient

from tests.aimstore.conftest import Cli
from tests.conftest import UserMaker
from wardapp.core.resources import DEFAULT_WARDS, read_json
from wardapp.core.wards import WardSet

HOSTILE = '<img src=x onerror="alert(document.cookie)">'


def test_wards_load_refuses_a_file_with_markup_in_a_name(
    cli: Cli, client: TestClient, make_user: UserMaker, tmp_path: Path
) -> None:
    data = read_json(DEFAULT_WARDS)
    data["features"][3]["properties"]["name"] = HOSTILE
    path = tmp_path / "hostile.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    headers = make_user("cllr.names")
    before = client.get("/v1/wards", headers=headers).json()

    code, _, err = cli("wards", "load", str(path))

    assert code == 1
    assert "not allowed in names" in err and "current wards are unchanged" in err
    assert client.get("/v1/wards", headers=headers).json() == before


def test_wards_with_ampersands_and_apostrophes_still_load(cli: Cli, tmp_path: Path) -> None:
    data = read_json(DEFAULT_WARDS)
    for feature, name in zip(
        data["features"], ["Brambles & Thorntree", "St. Germain's", "Ayresome-Park"], strict=False
    ):
        feature["properties"]["name"] = name
    path = tmp_path / "real.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = cli("wards", "load", str(path))
    assert code == 0, err
    assert "loaded 20 wards" in out


def test_areas_set_refuses_markup_in_the_name(cli: Cli, wards: WardSet) -> None:
    code, _, err = cli("areas", "set", "north", "--name", HOSTILE, "--ward", wards.wards[0].code)
    assert code == 1 and "not allowed in names" in err
    _, out, _ = cli("areas", "list")
    assert "no areas" in out


def test_the_area_route_refuses_markup_in_the_name(
    client: TestClient, make_user: UserMaker, wards: WardSet
) -> None:
    admin = make_user("admin.names", "admin")
    body = {"name": "North\x1b[2J", "wards": [wards.wards[0].code]}
    refused = client.put("/v1/admin/areas/north", json=body, headers=admin)
    assert refused.status_code == 400
    assert "control character" in refused.json()["message"]
    body = {"name": "Brambles & Thorntree", "wards": [wards.wards[0].code]}
    assert client.put("/v1/admin/areas/north", json=body, headers=admin).status_code == 200
