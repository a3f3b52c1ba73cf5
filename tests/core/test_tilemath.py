"""Tile arithmetic: the sums that decide which tiles are drawn, fetched, saved or refused."""

import pytest

from wardapp.core.tilemath import (
    WORLD,
    check_bounds,
    count_tiles,
    is_tile,
    lonlat_to_tile,
    next_zooms,
    range_bounds,
    tile_bounds,
    tile_range,
    tiles_in,
    tms_row,
)

WARDS = (-1.2854, 54.5011, -1.1374, 54.5907)


def test_known_tiles() -> None:
    # as the OpenStreetMap wiki's slippy-map examples give them
    assert lonlat_to_tile(-0.1278, 51.5074, 10) == (511, 340)  # London
    assert lonlat_to_tile(13.4050, 52.5200, 12) == (2200, 1343)  # Berlin
    west, south, east, north = tile_bounds(13, *lonlat_to_tile(-1.2340, 54.5760, 13))
    assert west <= -1.2340 < east and south <= 54.5760 < north


def test_world_and_edges() -> None:
    assert lonlat_to_tile(-180, 85.0511, 0) == (0, 0)
    assert lonlat_to_tile(180, -90, 3) == (7, 7)  # clamped, not off the map
    assert tile_range(WORLD, 2).count == 16


def test_tms_rows_flip() -> None:
    assert tms_row(0, 0) == 0
    assert tms_row(13, 0) == 8191
    assert tms_row(13, tms_row(13, 2590)) == 2590


def test_ranges_cover_the_bounds() -> None:
    for z in range(10, 16):
        block = tile_range(WARDS, z)
        west, south, east, north = range_bounds(block)
        assert west <= WARDS[0] and south <= WARDS[1] and east >= WARDS[2] and north >= WARDS[3]
    assert count_tiles(WARDS, range(12, 15)) == len(list(tiles_in(WARDS, range(12, 15))))
    assert next(tiles_in(WARDS, range(12, 14)))[0] == 12  # coarse zooms first


@pytest.mark.parametrize(
    "bounds", [(1, 0, 0, 1), (0, 1, 1, 0), (-200, 0, 0, 1), (0, 0, float("nan"), 1)]
)
def test_bad_bounds_are_refused(bounds: tuple[float, float, float, float]) -> None:
    with pytest.raises(ValueError):
        check_bounds(bounds)


def test_is_tile() -> None:
    assert is_tile(0, 0, 0) and is_tile(13, 8191, 8191)
    assert not is_tile(13, 8192, 0) and not is_tile(-1, 0, 0) and not is_tile(23, 0, 0)


def test_next_zooms() -> None:
    assert next_zooms(13.4, 3, 18) == range(13, 16)
    assert next_zooms(17, 3, 18) == range(17, 19)
    assert next_zooms(25, 3, 18) == range(18, 19)
