"""Ward and area names are words, never markup or control characters (wardapp/core/names.py)."""

import pytest

from tests.core.factories import collection, feature, square
from wardapp.core.names import name_problem
from wardapp.core.wards import WardSet, WardSetError

REAL_NAMES = [
    "Brambles & Thorntree",
    "St. Germain's",
    "Ayresome-Park",
    "Berwick Hills & Pallister",
    "Ynys Môn (Llanfair-yn-Neubwll)",
    "Saint-Étienne / Nord",
    'Trimdon "Old" Village',
    "Ladgate 2",
]
HOSTILE_NAMES = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "Acklam<b>",
    "Acklam > Linthorpe",
    "Acklam\x00",
    "Ack\nlam",
    "Acklam\x1b[31m",
    "Acklam\u202e",  # right-to-left override: a name that reads differently than it is
    "Acklam\u2028Linthorpe",
]


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_ward_names_load(name: str) -> None:
    wards = WardSet.from_geojson(collection(feature("E05000001", name, square(0, 0))))
    assert wards.wards[0].name == name


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_names_with_markup_or_control_characters_are_refused_saying_why(name: str) -> None:
    assert name_problem(name) is not None
    data = collection(feature("E05000001", name, square(0, 0)))
    with pytest.raises(WardSetError) as refused:
        WardSet.from_geojson(data)
    message = str(refused.value)
    assert "Feature 1 (E05000001)" in message
    assert "not allowed in names" in message
    assert "\x00" not in message and "\n" not in message  # the message itself stays one line


def test_surrounding_white_space_is_trimmed_not_refused() -> None:
    wards = WardSet.from_geojson(collection(feature("E05000001", "\tAcklam \n", square(0, 0))))
    assert wards.wards[0].name == "Acklam"


def test_a_ward_code_with_markup_is_refused() -> None:
    data = collection(feature("<b>E05</b>", "Acklam", square(0, 0)))
    with pytest.raises(WardSetError, match="ward code"):
        WardSet.from_geojson(data)
