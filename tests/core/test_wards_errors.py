"""Refusing boundary files that cannot be used, with a message that says what to fix."""

from typing import Any

import pytest

from tests.core.factories import collection, feature, square
from wardapp.core.wards import WardSet, WardSetError

BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]],
}


def _refusal(data: Any) -> str:
    with pytest.raises(WardSetError) as raised:
        WardSet.from_geojson(data)
    return str(raised.value)


def test_ward_set_error_is_a_value_error() -> None:
    assert issubclass(WardSetError, ValueError)


@pytest.mark.parametrize(
    "data",
    [
        [],
        "FeatureCollection",
        None,
        {"type": "Feature", "properties": {}, "geometry": square(0, 0)},
        {"features": [feature("A1", "A", square(0, 0))]},
    ],
)
def test_not_a_feature_collection(data: Any) -> None:
    assert "FeatureCollection" in _refusal(data)
    assert "not" in _refusal(data)


@pytest.mark.parametrize("features", [[], None, "none", {"a": 1}])
def test_no_features(features: Any) -> None:
    message = _refusal({"type": "FeatureCollection", "features": features})
    assert "no features" in message


def test_feature_that_is_not_an_object() -> None:
    message = _refusal(collection(feature("A1", "A", square(0, 0)), "oops"))
    assert "Feature 2" in message
    assert "not a GeoJSON Feature" in message


@pytest.mark.parametrize("code", [None, "", "   ", 12345])
def test_feature_without_code(code: Any) -> None:
    message = _refusal(
        collection(feature("A1", "A", square(0, 0)), feature(code, "B", square(1, 1)))
    )
    assert "Feature 2" in message
    assert "'code'" in message


def test_feature_without_properties() -> None:
    message = _refusal(collection({"type": "Feature", "geometry": square(0, 0)}))
    assert "Feature 1" in message
    assert "'code'" in message


@pytest.mark.parametrize("name", [None, "", "  ", 7])
def test_feature_without_name(name: Any) -> None:
    message = _refusal(collection(feature("E05000001", name, square(0, 0))))
    assert "E05000001" in message
    assert "'name'" in message


def test_duplicate_codes_name_the_code() -> None:
    message = _refusal(
        collection(
            feature("E05009853", "Acklam", square(0, 0)),
            feature("E05009854", "Ayresome", square(1, 1)),
            feature("E05009853", "Acklam again", square(2, 2)),
        )
    )
    assert "E05009853" in message
    assert "E05009854" not in message
    assert "more than once" in message


def test_duplicate_codes_differing_only_in_spaces_are_refused() -> None:
    """Codes are stored trimmed, so " E1 " and "E1" would be two wards under one code."""
    message = _refusal(
        collection(
            feature("E05009853", "A", square(0, 0)), feature(" E05009853 ", "B", square(1, 1))
        )
    )
    assert "E05009853" in message
    assert "more than once" in message


def test_self_intersecting_bow_tie_is_invalid() -> None:
    message = _refusal(collection(feature("E05000001", "Bow tie", BOW_TIE)))
    assert "E05000001" in message
    assert "invalid polygon" in message
    assert "Self-intersection" in message


def test_point_geometry_is_refused() -> None:
    point = {"type": "Point", "coordinates": [-1.2, 54.55]}
    message = _refusal(collection(feature("E05000001", "A", point)))
    assert "E05000001" in message
    assert "Point" in message
    assert "polygons" in message


def test_line_geometry_is_refused() -> None:
    line = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    message = _refusal(collection(feature("E05000001", "A", line)))
    assert "LineString" in message
    assert "polygons" in message


@pytest.mark.parametrize("geometry", [None, "POLYGON((0 0,1 0,1 1,0 0))", 5])
def test_missing_geometry_is_said_plainly(geometry: Any) -> None:
    message = _refusal(collection(feature("E05000001", "A", geometry)))
    assert "E05000001" in message
    assert "no geometry" in message
    assert "NoneType" not in message


def test_unreadable_geometry() -> None:
    two_points = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0]]]}
    message = _refusal(collection(feature("E05000001", "A", two_points)))
    assert "E05000001" in message
    assert "geometry" in message


def test_empty_polygon() -> None:
    empty = {"type": "Polygon", "coordinates": []}
    message = _refusal(collection(feature("E05000001", "A", empty)))
    assert "E05000001" in message
    assert "empty" in message


def test_the_first_bad_feature_is_named_by_position() -> None:
    message = _refusal(
        collection(
            feature("A1", "A", square(0, 0)),
            feature("B2", "B", square(1, 1)),
            feature("C3", "C", BOW_TIE),
        )
    )
    assert message.startswith("Feature 3 (C3)")
