"""`wardapp-aimstore import csv --mapping M.toml FILE`: warden, 101 and council extracts."""

from pathlib import Path

from pyproj import Transformer
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.aimstore.conftest import Cli
from tests.aimstore.test_import_police_uk import run_json
from tests.support.police_files import inside
from wardapp.aimstore import models
from wardapp.core.gridref import to_lat_lon
from wardapp.core.wards import WardSet

WARDEN = """
source = "warden"
date_format = "%d/%m/%Y"
{encoding}
[columns]
id = "Ref"
occurred_on = "Date"
category = "Type"
easting = "Easting"
northing = "Northing"
description = "Details"
[categories]
"Fly Tipping" = "fly_tipping"
"Graffiti" = "graffiti_damage"
"Dog Fouling" = "other"
"""


def grid(lat: float, lon: float) -> tuple[int, int]:
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    easting, northing = to_grid.transform(lon, lat)
    return round(easting), round(northing)


def test_british_national_grid_matches_the_ordnance_surveys_worked_example() -> None:
    # OS "A guide to coordinate systems in Great Britain", worked example (Caister water
    # tower): ETRS89 52°39'28.8282"N 1°42'57.8663"E is OSGB36 E 651409.903 N 313177.270.
    lat, lon = to_lat_lon(651409.903, 313177.270)
    expected = (52 + 39 / 60 + 28.8282 / 3600, 1 + 42 / 60 + 57.8663 / 3600)
    metres_north = (lat - expected[0]) * 111_200
    metres_east = (lon - expected[1]) * 111_200 * 0.606
    # Within 5 m without the OSTN15 grid file (PROJ's Helmert fallback), 0.1 m with it.
    assert (metres_north**2 + metres_east**2) ** 0.5 < 5


def test_a_cp1252_warden_extract_with_grid_references(
    cli: Cli, wards: WardSet, engine: Engine, tmp_path: Path
) -> None:
    (lat, lon), (lat2, lon2) = inside(wards, 0), inside(wards, 3)
    e, n = grid(lat, lon)
    e2, n2 = grid(lat2, lon2)
    mapping = tmp_path / "warden.toml"
    mapping.write_text(WARDEN.format(encoding='encoding = "cp1252"'), encoding="utf-8")
    rows = [
        "Ref,Date,Type,Easting,Northing,Details",
        f"W1,03/10/2026,Fly Tipping,{e},{n},Sofa behind the caf\u00e9 \u2013 3 bags",  # line 2
        f"W2,04/10/2026,Graffiti,{e2},{n2},Tag on the bus shelter",  # line 3
        f"W3,31/02/2026,Graffiti,{e},{n},Impossible date",  # line 4
        f"W4,05/10/2026,Abandoned Trolley,{e},{n},Unmapped type",  # line 5
        "W5,05/10/2026,Dog Fouling,,,No grid reference",  # line 6
        f"W6,05/10/2026,Dog Fouling,{e}",  # line 7: too few values
        f"W7,06/10/2026,Graffiti,{e},{n * 10},Northing in decimetres",  # line 8
    ]
    path = tmp_path / "warden.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    result = run_json(cli, "csv", "--mapping", str(mapping), str(path))
    assert result["source"] == "warden"
    assert (result["created"], result["rejected"], result["skipped"]["no_location"]) == (2, 4, 1)
    errors = {e["line"]: e["message"] for e in result["errors"]}
    assert sorted(errors) == [4, 5, 7, 8]
    assert "'31/02/2026' is not a date written as %d/%m/%Y (such as 14/10/2026)" in errors[4]
    assert "'Abandoned Trolley' is not in the mapping's [categories]" in errors[5]
    assert "has 4 values where the header has 6" in errors[7]
    assert "outside the British National Grid" in errors[8]
    with Session(engine) as session:
        stored = {
            r.description: r
            for r in session.scalars(select(models.Report).where(models.Report.source == "warden"))
        }
    sofa = stored["Sofa behind the caf\u00e9 \u2013 3 bags"]
    assert (sofa.category, sofa.occurred_on.isoformat(), sofa.occurred_precision) == (
        "fly_tipping",
        "2026-10-03",
        "day",
    )
    assert abs(sofa.lat - lat) < 2e-5 and abs(sofa.lon - lon) < 3e-5  # within about 2 m
    assert stored["Tag on the bus shelter"].ward_code == wards.locate(lat2, lon2).code  # type: ignore[union-attr]
    again = run_json(cli, "csv", "--mapping", str(mapping), str(path))
    assert (again["created"], again["unchanged"]) == (0, 2)


def test_a_utf8_export_with_a_bom_and_lat_lon_columns(
    cli: Cli, wards: WardSet, tmp_path: Path
) -> None:
    lat, lon = inside(wards, 2)
    mapping = tmp_path / "calls.toml"
    mapping.write_text(
        'source = "101"\ndate_format = "%Y-%m-%d"\n'
        '[columns]\nid = "Call"\noccurred_on = "When"\ncategory = "Code"\n'
        'lat = "Lat"\nlon = "Lon"\n',
        encoding="utf-8",
    )
    path = tmp_path / "calls.csv"
    path.write_text(
        f"Call,When,Code,Lat,Lon\nC1,2026-10-01,asb,{lat},{lon}\n", encoding="utf-8-sig"
    )
    result = run_json(cli, "csv", "--mapping", str(mapping), str(path))
    assert (result["source"], result["created"], result["rejected"]) == ("101", 1, 0)


def test_a_mapping_that_cannot_work_refuses_the_import(
    cli: Cli, wards: WardSet, engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "warden.csv"
    path.write_text("Ref,Date,Type,Easting,Northing,Details\n", encoding="utf-8")
    cases = {
        'source = "warden"\n[columns]\nid = "Ref"': "needs occurred_on",
        WARDEN.format(encoding="").replace('"warden"', '"police_uk"'): "cannot be used",
        WARDEN.format(encoding="").replace('"fly_tipping"', '"tipping"'): "unknown code(s) tipping",
        WARDEN.format(encoding='encoding = "latin-9"'): "is not one of: utf-8, cp1252",
        WARDEN.format(encoding="").replace('"Details"', '"Notes"'): "lacks the column 'Notes'",
        "source = [": "not valid TOML",
    }
    for text, message in cases.items():
        mapping = tmp_path / "m.toml"
        mapping.write_text(text, encoding="utf-8")
        code, _, err = cli("import", "csv", "--mapping", str(mapping), str(path))
        assert code == 1 and message in err, (text, err)
    with Session(engine) as session:
        assert session.scalars(select(models.Import)).first() is None
