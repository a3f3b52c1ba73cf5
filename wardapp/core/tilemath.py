"""Web Mercator tile arithmetic ("slippy map" XYZ tiles), shared by MBTiles and online tiles.

Pure functions so the tile sums that decide what is fetched, saved or refused can be tested
without Qt, files or a network.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass

MAX_LATITUDE = 85.0511287798  # Web Mercator stops here; the poles are not on the map
MAX_ZOOM = 22

Bounds = tuple[float, float, float, float]
"""(west, south, east, north) in degrees, as MBTiles metadata and shapely write them."""

WORLD: Bounds = (-180.0, -MAX_LATITUDE, 180.0, MAX_LATITUDE)


@dataclass(frozen=True)
class TileRange:
    """The tiles of one zoom level covering an area: columns x0..x1 and rows y0..y1."""

    z: int
    x0: int
    x1: int
    y0: int
    y1: int

    @property
    def count(self) -> int:
        return (self.x1 - self.x0 + 1) * (self.y1 - self.y0 + 1)

    def tiles(self) -> Iterator[tuple[int, int, int]]:
        for x in range(self.x0, self.x1 + 1):
            for y in range(self.y0, self.y1 + 1):
                yield self.z, x, y


def is_tile(z: int, x: int, y: int) -> bool:
    """True when (z, x, y) names a tile that exists at all."""
    return 0 <= z <= MAX_ZOOM and 0 <= x < (1 << z) and 0 <= y < (1 << z)


def tms_row(z: int, y: int) -> int:
    """MBTiles stores rows counted from the south (TMS); web maps count from the north."""
    return (1 << z) - 1 - y


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The tile (x, y) holding a point at zoom z, clamped to the map's edges."""
    n = 1 << z
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = int((lon + 180.0) / 360.0 * n)
    rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(rad)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_bounds(z: int, x: int, y: int) -> Bounds:
    """The (west, south, east, north) edges of a tile."""
    n = 1 << z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def check_bounds(bounds: Bounds) -> Bounds:
    """Bounds in range and in order; raises ValueError for anything else."""
    west, south, east, north = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ValueError("bounds must be finite numbers")
    if not (-180.0 <= west < east <= 180.0 and -90.0 <= south < north <= 90.0):
        raise ValueError(f"bounds out of range or out of order: {bounds!r}")
    return west, south, east, north


def tile_range(bounds: Bounds, z: int) -> TileRange:
    """The tiles of zoom z that cover the bounds (edges included)."""
    west, south, east, north = check_bounds(bounds)
    x0, y0 = lonlat_to_tile(west, north, z)
    x1, y1 = lonlat_to_tile(east, south, z)
    return TileRange(z, x0, x1, y0, y1)


def count_tiles(bounds: Bounds, zooms: range) -> int:
    return sum(tile_range(bounds, z).count for z in zooms)


def tiles_in(bounds: Bounds, zooms: range) -> Iterator[tuple[int, int, int]]:
    """Every (z, x, y) covering the bounds, coarse zooms first (the useful ones soonest)."""
    for z in zooms:
        yield from tile_range(bounds, z).tiles()


def range_bounds(tiles: TileRange) -> Bounds:
    """The edges of a block of tiles, for an MBTiles file that did not say its bounds."""
    west, _, _, north = tile_bounds(tiles.z, tiles.x0, tiles.y0)
    _, south, east, _ = tile_bounds(tiles.z, tiles.x1, tiles.y1)
    return west, south, east, north


def next_zooms(zoom: float, levels: int, max_zoom: int) -> range:
    """The zoom levels "this area for offline use" saves: the current one and the next few."""
    start = max(0, min(round(zoom), max_zoom))
    return range(start, min(start + max(levels, 1), max_zoom + 1))
