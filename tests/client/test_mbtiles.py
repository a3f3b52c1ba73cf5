"""MBTiles files: read-only, checked once, tiles by web-map numbers, plain refusals."""

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from tests.support.tiles import WARDS_BOUNDS, make_mbtiles, png_tile
from wardapp.client.mbtiles import MBTiles, MBTilesInvalid, content_type, sniff_format
from wardapp.core.tilemath import tile_range


@pytest.fixture
def streets(tmp_path: Path) -> Path:
    path = tmp_path / "streets.mbtiles"
    make_mbtiles(path)
    return path


def test_metadata_and_tiles_by_web_map_numbers(streets: Path) -> None:
    with MBTiles(streets) as tiles:
        meta = tiles.metadata
        assert (meta.name, meta.format, meta.minzoom, meta.maxzoom) == (
            "Test streets",
            "png",
            12,
            14,
        )
        assert meta.bounds == pytest.approx(WARDS_BOUNDS)
        assert meta.attribution == "<a href='x'>Test &amp; Co</a>"  # the page makes it text
        assert tiles.content_type == "image/png"
        block = tile_range(WARDS_BOUNDS, 13)
        z, x, y = 13, block.x0, block.y0  # XYZ row; the file stores the TMS row
        assert tiles.tile(z, x, y) == png_tile(z, x, y)
        assert tiles.tile(z, x, y) != tiles.tile(z, x, y + 1)


def test_tiles_it_does_not_have_are_none(streets: Path) -> None:
    with MBTiles(streets) as tiles:
        assert tiles.tile(11, 1016, 652) is None  # below minzoom
        assert tiles.tile(13, 0, 0) is None  # outside the area
        for bad in [(-1, 0, 0), (13, -1, 0), (13, 8192, 0), (30, 0, 0)]:
            assert tiles.tile(*bad) is None
    assert tiles.tile(13, 4070, 2594) is None  # closed: no tile, no crash


def test_the_file_is_opened_read_only_and_left_unchanged(streets: Path) -> None:
    before = hashlib.sha256(streets.read_bytes()).hexdigest()
    tiles = MBTiles(streets)
    assert tiles._db is not None
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        tiles._db.execute("DELETE FROM tiles")
    tiles.close()
    assert hashlib.sha256(streets.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in streets.parent.iterdir()) == ["streets.mbtiles"]


def test_reading_from_many_threads_at_once(streets: Path) -> None:
    block = tile_range(WARDS_BOUNDS, 14)
    wanted = list(block.tiles())
    errors: list[BaseException] = []
    with MBTiles(streets) as tiles:

        def read() -> None:
            try:
                for z, x, y in wanted:
                    assert tiles.tile(z, x, y) == png_tile(z, x, y)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=read) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []


def message_for(path: Path) -> str:
    with pytest.raises(MBTilesInvalid) as caught:
        MBTiles(path)
    message = str(caught.value)
    assert "Traceback" not in message and "sqlite3" not in message
    return message


def test_a_picture_is_not_a_map_file(tmp_path: Path) -> None:
    path = tmp_path / "holiday.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + b"not a database " * 200)
    message = message_for(path)
    assert "“holiday.jpg” is not an MBTiles map file" in message


def test_a_missing_file(tmp_path: Path) -> None:
    assert "could not be found" in message_for(tmp_path / "gone.mbtiles")


def test_a_database_that_is_not_mbtiles(tmp_path: Path) -> None:
    path = tmp_path / "reports.mbtiles"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE reports (id TEXT)")
    db.close()
    assert "is a database but not an MBTiles map file" in message_for(path)


def test_vector_tiles_are_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "vector.mbtiles"
    make_mbtiles(path, zooms=range(12, 13), metadata={"format": "pbf"})
    assert "vector map data, which wardapp cannot draw" in message_for(path)
    path = tmp_path / "vector-unlabelled.mbtiles"
    make_mbtiles(path, zooms=range(12, 13), metadata={"format": ""}, tile_data=b"\x1f\x8b\x08")
    assert "vector map data" in message_for(path)


def test_an_unknown_tile_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "odd.mbtiles"
    make_mbtiles(path, zooms=range(12, 13), metadata={"format": "tiff"})
    assert "format wardapp cannot draw (tiff)" in message_for(path)


def test_an_empty_map_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mbtiles"
    make_mbtiles(path, zooms=range(12, 13))
    with sqlite3.connect(path) as db:
        db.execute("DELETE FROM tiles")
    db.close()
    assert "has no tiles in it" in message_for(path)


def test_missing_metadata_is_worked_out_from_the_tiles(tmp_path: Path) -> None:
    path = tmp_path / "old.mbtiles"
    make_mbtiles(
        path, metadata={"format": "", "bounds": "", "minzoom": "", "maxzoom": "", "name": ""}
    )
    with MBTiles(path) as tiles:
        meta = tiles.metadata
        assert (meta.name, meta.format, meta.minzoom, meta.maxzoom) == ("old", "png", 12, 14)
        west, south, east, north = meta.bounds  # the tiles' edges: around the wards
        assert west <= WARDS_BOUNDS[0] and south <= WARDS_BOUNDS[1]
        assert east >= WARDS_BOUNDS[2] and north >= WARDS_BOUNDS[3]
        assert east - west < 0.3 and north - south < 0.2


def test_nonsense_bounds_fall_back_to_the_tiles(tmp_path: Path) -> None:
    path = tmp_path / "odd-bounds.mbtiles"
    make_mbtiles(path, metadata={"bounds": "10,20,5,abc"})
    with MBTiles(path) as tiles:
        assert tiles.metadata.bounds[0] <= WARDS_BOUNDS[0]


@pytest.mark.parametrize(
    ("data", "fmt", "mime"),
    [
        (png_tile(1, 0, 0), "png", "image/png"),
        (b"\xff\xd8\xff\xe0rest", "jpg", "image/jpeg"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp", "image/webp"),
        (b"\x1f\x8b\x08\x00", "pbf", None),
        (b"<html>", None, None),
    ],
)
def test_tile_bytes_are_recognised(data: bytes, fmt: str | None, mime: str | None) -> None:
    assert sniff_format(data) == fmt
    assert content_type(data) == mime
