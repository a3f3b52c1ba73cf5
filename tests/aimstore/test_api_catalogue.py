"""Reference data and service routes: taxonomy, wards, health, the OpenAPI document."""

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import shape

from tests.conftest import UserMaker
from wardapp.core.taxonomy import default_taxonomy
from wardapp.core.wards import WardSet


@pytest.fixture
def cllr(make_user: UserMaker) -> dict[str, str]:
    return make_user("cllr.catalogue")


def test_taxonomy_has_the_fifteen_categories(client: TestClient, cllr: dict[str, str]) -> None:
    response = client.get("/v1/taxonomy", headers=cllr)
    assert response.status_code == 200, response.text
    body = response.json()
    assert isinstance(body["version"], int) and body["version"] >= 1
    categories = body["categories"]
    assert len(categories) == 15
    # The shipped taxonomy, which tests/core checks against docs/api.md, in the same order.
    assert [c["code"] for c in categories] == default_taxonomy().codes()
    for category in categories:
        assert category["label"].strip()
        assert isinstance(category["sensitive"], bool)
        assert isinstance(category["help"], str)
    sensitive = {c["code"] for c in categories if c["sensitive"]}
    assert "exploitation" in sensitive
    assert "motorbike_misuse" not in sensitive


def test_wards_are_a_feature_collection(
    client: TestClient, cllr: dict[str, str], wards: WardSet
) -> None:
    response = client.get("/v1/wards", headers=cllr)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert isinstance(body["boundary_set"], str) and body["boundary_set"]
    features = body["features"]
    assert len(features) == 20
    codes = [f["properties"]["code"] for f in features]
    assert len(set(codes)) == 20
    assert set(codes) == {w.code for w in wards.wards}
    for feature in features:
        assert feature["type"] == "Feature"
        assert feature["properties"]["name"].strip()
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        assert shape(feature["geometry"]).is_valid


def test_ward_points_fall_in_their_served_boundary(
    client: TestClient, cllr: dict[str, str], wards: WardSet
) -> None:
    """A client locating points with the served boundaries agrees with the server's wards."""
    features = client.get("/v1/wards", headers=cllr).json()["features"]
    served = {f["properties"]["code"]: shape(f["geometry"]) for f in features}
    for ward in wards.wards:
        assert served[ward.code].contains(ward.geometry.representative_point())


def test_healthz_is_public_and_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"


def test_openapi_lists_the_v1_paths(client: TestClient) -> None:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    expected = {
        "/v1/auth/token": "post",
        "/v1/auth/refresh": "post",
        "/v1/auth/logout": "post",
        "/v1/taxonomy": "get",
        "/v1/wards": "get",
        "/v1/reports/batch": "post",
        "/v1/reports/mine": "get",
        "/v1/reports": "get",
        "/healthz": "get",
    }
    for path, method in expected.items():
        assert path in paths, path
        assert method in paths[path], (path, method)


def test_unknown_route_and_wrong_method_answer_error_body(
    client: TestClient, cllr: dict[str, str]
) -> None:
    missing = client.get("/v1/nothing-here", headers=cllr)
    assert missing.status_code == 404
    assert set(missing.json()) == {"error", "message", "fields"}
    wrong = client.delete("/v1/taxonomy", headers=cllr)
    assert wrong.status_code == 405
    assert wrong.json()["error"] == "method_not_allowed"
