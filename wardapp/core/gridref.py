"""British National Grid (EPSG:27700) eastings and northings to WGS84, through PROJ.

PROJ uses the OSTN15 grid when it is installed
(``projsync --file uk_os_OSTN15_NTv2_OSGBtoETRS.tif``), which is exact to about 0.1 m;
without it, a seven-parameter transformation, within about 5 m across Great Britain:
well inside an H3 hot-spot cell either way.
"""

import math
from functools import cache

from pyproj import Transformer


@cache
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def to_lat_lon(easting: float, northing: float) -> tuple[float, float]:
    """(lat, lon) of a grid position; ValueError outside the grid's range."""
    if not (0 <= easting <= 700_000 and 0 <= northing <= 1_300_000):
        raise ValueError(
            f"Easting {easting:g}, northing {northing:g} is outside the British National Grid "
            "(0-700000, 0-1300000): check the columns are not swapped or in kilometres."
        )
    lon, lat = _to_wgs84().transform(easting, northing)
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError(f"Easting {easting:g}, northing {northing:g} could not be converted.")
    return float(lat), float(lon)
