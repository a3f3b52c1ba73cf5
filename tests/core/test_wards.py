"""Ward boundaries: the shipped sets, point-in-ward lookup, versions and GeoJSON round trips."""

import json

import pytest
import shapely
from shapely.geometry import Point

from tests.core.factories import collection, feature, square
from wardapp.core.resources import read_json
from wardapp.core.wards import WardSet, default_ward_set

DEFAULT_CODES = [f"E0500{n}" for n in range(9853, 9873)]


def test_default_set_has_the_twenty_current_wards(ward_set: WardSet) -> None:
    assert len(ward_set) == 20
    assert [w.code for w in ward_set.wards] == DEFAULT_CODES


def test_every_default_ward_has_a_name_and_a_polygon(ward_set: WardSet) -> None:
    names = [w.name for w in ward_set.wards]
    assert all(name.strip() for name in names)
    assert len(set(names)) == 20
    for ward in ward_set.wards:
        assert ward.geometry.geom_type in ("Polygon", "MultiPolygon")
        assert ward.geometry.is_valid
        assert ward.geometry.area > 0


def test_default_wards_do_not_overlap(ward_set: WardSet) -> None:
    """Overlaps would make a report's ward depend on tie-breaking rather than on the map."""
    wards = ward_set.wards
    for i, a in enumerate(wards):
        for b in wards[i + 1 :]:
            shared = a.geometry.intersection(b.geometry).area
            assert shared < 1e-9 * min(a.geometry.area, b.geometry.area) + 1e-12, (a.code, b.code)


def test_get_by_code(ward_set: WardSet) -> None:
    acklam = ward_set.get("E05009853")
    assert acklam is not None
    assert acklam.name == "Acklam"
    assert ward_set.get("E99999999") is None
    assert ward_set.get("") is None


@pytest.mark.parametrize("code", DEFAULT_CODES)
def test_locate_finds_each_ward_at_its_own_point(ward_set: WardSet, code: str) -> None:
    ward = ward_set.get(code)
    assert ward is not None
    point = ward.geometry.representative_point()
    found = ward_set.locate(point.y, point.x)  # locate takes (lat, lon)
    assert found is not None
    assert found.code == code


def test_locate_the_design_example_point(ward_set: WardSet) -> None:
    found = ward_set.locate(54.5541, -1.2001)
    assert found is not None
    assert found.geometry.contains(Point(-1.2001, 54.5541))


def test_locate_far_away_is_none(ward_set: WardSet) -> None:
    assert ward_set.locate(51.5074, -0.1278) is None  # London
    assert ward_set.locate(0.0, 0.0) is None


def test_locate_does_not_swap_lat_and_lon(ward_set: WardSet) -> None:
    assert ward_set.locate(-1.2001, 54.5541) is None


@pytest.mark.parametrize(
    ("lat", "lon", "place"),
    [
        (54.5705, -1.3187, "Stockton-on-Tees"),
        (54.6167, -1.0667, "Redcar"),
        (54.5000, -1.3000, "Ingleby Barwick"),
    ],
)
def test_locate_near_but_outside_middlesbrough_is_none(
    ward_set: WardSet, lat: float, lon: float, place: str
) -> None:
    assert ward_set.locate(lat, lon) is None, place


def test_locate_inside_the_bounding_box_but_outside_every_ward(ward_set: WardSet) -> None:
    area = shapely.union_all([w.geometry for w in ward_set.wards])
    gaps = area.envelope.difference(area)
    assert not gaps.is_empty
    point = gaps.representative_point()
    assert ward_set.locate(point.y, point.x) is None


def test_point_on_a_shared_boundary_goes_to_the_lowest_code() -> None:
    wards = WardSet.from_geojson(
        collection(feature("B2", "West", square(0.0, 0.0)), feature("A1", "East", square(0.01, 0)))
    )
    on_edge = wards.locate(0.005, 0.01)
    assert on_edge is not None
    assert on_edge.code == "A1"
    inside_west = wards.locate(0.005, 0.002)
    assert inside_west is not None
    assert inside_west.code == "B2"


def test_a_whole_batch_is_located_as_one_at_a_time_would_be() -> None:
    """Uploads place a batch in one query; each point gets the ward a single lookup gives."""
    wards = WardSet.from_geojson(
        collection(feature("B2", "West", square(0.0, 0.0)), feature("A1", "East", square(0.01, 0)))
    )
    points = [(0.005, 0.002), (0.005, 0.01), (0.005, 0.015), (5.0, 5.0), (0.005, 0.002)]
    found = wards.locate_many(points)
    assert [w.code if w else None for w in found] == ["B2", "A1", "A1", None, "B2"]
    assert wards.locate_many([]) == []


def test_wards_are_listed_by_code_whatever_the_file_order() -> None:
    wards = WardSet.from_geojson(
        collection(feature("Z9", "Last", square(0, 0)), feature("A1", "First", square(1, 1)))
    )
    assert [w.code for w in wards.wards] == ["A1", "Z9"]


def test_codes_and_names_are_trimmed() -> None:
    wards = WardSet.from_geojson(collection(feature(" E1 ", "  Acklam ", square(0, 0))))
    ward = wards.get("E1")
    assert ward is not None
    assert ward.name == "Acklam"


def test_multipolygon_ward_is_accepted_and_located() -> None:
    two_parts = {
        "type": "MultiPolygon",
        "coordinates": [square(0, 0)["coordinates"], square(1, 1)["coordinates"]],
    }
    wards = WardSet.from_geojson(collection(feature("E1", "Split ward", two_parts)))
    for lat, lon in ((0.005, 0.005), (1.005, 1.005)):
        found = wards.locate(lat, lon)
        assert found is not None
        assert found.code == "E1"
    assert wards.locate(0.5, 0.5) is None


def test_the_2013_set_loads_with_23_wards() -> None:
    data = read_json("wards/middlesbrough_wards_2013.geojson")
    old = WardSet.from_geojson(data)
    assert len(old) == 23
    assert len({w.code for w in old.wards}) == 23
    assert all(w.code.startswith("E05") for w in old.wards)


def test_the_2013_set_is_vendored_in_resources(ward_set: WardSet) -> None:
    vendored = WardSet.from_geojson(read_json("wards/middlesbrough_wards_2013.geojson"))
    assert len(vendored) == 23
    # A new boundary set is a new version, and ONS issues new codes for redrawn wards.
    assert vendored.version != ward_set.version
    assert not {w.code for w in vendored.wards} & {w.code for w in ward_set.wards}


def test_version_names_the_set(ward_set: WardSet) -> None:
    assert ward_set.version.startswith(f"{ward_set.name}@")
    assert len(ward_set.version) > len(ward_set.name) + 1


def test_version_is_stable_for_the_same_content(ward_set: WardSet) -> None:
    assert default_ward_set().version == ward_set.version
    data = collection(feature("A1", "A", square(0, 0)), feature("B2", "B", square(1, 1)))
    shuffled = collection(feature("B2", "B", square(1, 1)), feature("A1", "A", square(0, 0)))
    assert WardSet.from_geojson(data).version == WardSet.from_geojson(shuffled).version


def test_version_changes_when_a_geometry_changes(ward_set: WardSet) -> None:
    data = ward_set.to_geojson()
    moved = json.loads(json.dumps(data))
    ring = moved["features"][0]["geometry"]["coordinates"][0]
    if moved["features"][0]["geometry"]["type"] == "MultiPolygon":
        ring = ring[0]
    # Nudge one interior vertex (not the closing one) by about a metre.
    ring[1] = [ring[1][0] + 0.00001, ring[1][1]]
    changed = WardSet.from_geojson(moved)
    assert changed.version != ward_set.version
    assert changed.name == ward_set.name


def test_version_changes_when_a_name_changes() -> None:
    before = WardSet.from_geojson(collection(feature("A1", "Old name", square(0, 0))))
    after = WardSet.from_geojson(collection(feature("A1", "New name", square(0, 0))))
    assert before.version != after.version


def test_explicit_name_overrides_the_file_name() -> None:
    wards = WardSet.from_geojson(collection(feature("A1", "A", square(0, 0))), name="ons_2030")
    assert wards.name == "ons_2030"
    assert wards.version.startswith("ons_2030@")


def test_unnamed_collection_gets_a_default_name() -> None:
    data = collection(feature("A1", "A", square(0, 0)))
    del data["name"]
    wards = WardSet.from_geojson(data)
    assert wards.name
    assert wards.version.startswith(f"{wards.name}@")


def test_to_geojson_round_trips(ward_set: WardSet) -> None:
    exported = ward_set.to_geojson()
    assert exported["type"] == "FeatureCollection"
    assert len(exported["features"]) == 20
    for item in exported["features"]:
        assert set(item["properties"]) == {"code", "name"}
    # Through real JSON text, as a file or an HTTP body would carry it.
    again = WardSet.from_geojson(json.loads(json.dumps(exported)))
    assert again.version == ward_set.version
    assert again.name == ward_set.name
    assert [(w.code, w.name) for w in again.wards] == [(w.code, w.name) for w in ward_set.wards]
    for ours, theirs in zip(ward_set.wards, again.wards, strict=True):
        assert ours.geometry.equals(theirs.geometry)
