"""`wardapp-aimstore import police-uk`: published files in, nothing doubled, bad rows named."""

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.aimstore.conftest import Cli
from tests.support.police_files import OUTSIDE, crime_id, inside, row, write
from wardapp.aimstore import models
from wardapp.core.wards import WardSet


def sample(wards: WardSet) -> list[list[str]]:
    """Two crimes, an ASB row, two identical ASB rows, No Location, outside, a bad number."""
    a, b = inside(wards, 0), inside(wards, 1)
    return [
        row("2026-09", *a, "Burglary", crime_id("one")),  # line 2
        row("2026-09", *b, "Shoplifting", crime_id("two")),  # line 3
        row("2026-09", *a, "Anti-social behaviour"),  # line 4
        row("2026-09", *b, "Anti-social behaviour"),  # line 5
        row("2026-09", *b, "Anti-social behaviour"),  # line 6: identical, a second incident
        row("2026-09", None, None, "Drugs", crime_id("three")),  # line 7: No Location
        row("2026-09", *OUTSIDE, "Robbery", crime_id("four")),  # line 8: neighbouring area
        [crime_id("five"), "2026-09", "Cleveland Police", "Cleveland Police", "-1.2x",
         "54.57", "On or near Here", "", "", "Drugs", "", ""],  # line 9: not a number
    ]  # fmt: skip


def run_json(cli: Cli, *args: str) -> dict[str, Any]:
    code, out, err = cli("import", *args, "--json")
    assert code == 0, err
    return dict(json.loads(out.strip().splitlines()[-1]))


def reports_of(engine: Engine, source: str) -> list[models.Report]:
    with Session(engine) as session:
        return list(session.scalars(select(models.Report).where(models.Report.source == source)))


def test_a_published_file_imports_once_and_names_its_bad_rows(
    cli: Cli, wards: WardSet, engine: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path / "2026-09-cleveland-street.csv", sample(wards))
    first = run_json(cli, "police-uk", str(path))
    assert first["status"] == "done" and first["source"] == "police_uk"
    assert (first["rows"], first["created"], first["unchanged"], first["rejected"]) == (8, 5, 0, 1)
    assert first["skipped"] == {"outside_area": 1, "no_location": 1}
    assert [e["line"] for e in first["errors"]] == [9]
    assert "Longitude '-1.2x' is not a number" in first["errors"][0]["message"]
    stored = reports_of(engine, "police_uk")
    assert sorted(r.category for r in stored) == [
        "asb", "asb", "asb", "burglary_vehicle", "retail_crime"
    ]  # fmt: skip
    assert {(r.occurred_on.isoformat(), r.occurred_precision) for r in stored} == {
        ("2026-09-01", "month")
    }
    assert all(r.author_id is None for r in stored)

    again = run_json(cli, "police-uk", str(path))
    assert (again["created"], again["unchanged"], again["rejected"]) == (0, 5, 1)
    assert len(reports_of(engine, "police_uk")) == 5


def test_overlapping_downloads_do_not_double_and_revised_outcomes_change_nothing(
    cli: Cli, wards: WardSet, engine: Engine, tmp_path: Path
) -> None:
    rows = sample(wards)[:6]
    early = write(tmp_path / "early.csv", rows[:4])
    revised = [[*r[:10], "Under investigation" if r[0] else "", ""] for r in rows]
    for r in revised:
        r[7] = "E01012345"  # later downloads revise the LSOA columns too
    late = write(tmp_path / "late.csv", revised)
    assert run_json(cli, "police-uk", str(early))["created"] == 4
    result = run_json(cli, "police-uk", str(late))
    assert (result["created"], result["unchanged"]) == (1, 4)
    assert len(reports_of(engine, "police_uk")) == 5


def test_several_files_at_once_and_the_attribution_is_printed(
    cli: Cli, wards: WardSet, tmp_path: Path
) -> None:
    one = write(tmp_path / "a.csv", sample(wards)[:2])
    two = write(tmp_path / "b.csv", sample(wards)[2:4], bom=True)
    code, out, _ = cli("import", "police-uk", str(one), str(two))
    assert code == 0
    assert "a.csv: 2 rows: 2 created" in out and "b.csv: 2 rows: 2 created" in out
    assert "line 9" not in out
    assert "Open Government Licence v3.0" in out


def test_a_refused_file_changes_nothing(
    cli: Cli, wards: WardSet, engine: Engine, tmp_path: Path
) -> None:
    good = write(tmp_path / "good.csv", sample(wards))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Ref,Date,Type\n1,2026-09-01,asb\n", encoding="utf-8")
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    latin = tmp_path / "latin.csv"
    write(latin, sample(wards))
    latin.write_bytes(latin.read_bytes().replace(b"Parking Area", "Caf\u00e9".encode("cp1252")))
    broken = tmp_path / "broken.csv"
    write(broken, sample(wards))
    broken.write_bytes(broken.read_bytes() + b'x,"never closed\n')
    cases = {
        empty: "is empty",
        wrong: "lacks the columns 'Crime ID'",
        binary: "not a text CSV file",
        latin: "is not UTF-8 text (byte 0xe9",
        broken: "not a well-formed CSV file",
    }
    for bad, message in cases.items():
        code, out, err = cli("import", "police-uk", str(good), str(bad))
        assert code == 1, (bad, out)
        assert message in err and "Nothing was imported" in err, err
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(models.Report)) == 0
        assert session.scalar(select(func.count()).select_from(models.Import)) == 0


def test_a_file_over_the_limit_is_refused(
    cli: Cli, wards: WardSet, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("WARDAPP_AIMSTORE_MAX_IMPORT_BYTES", "10000")
    big = write(tmp_path / "big.csv", sample(wards) * 20)
    code, _, err = cli("import", "police-uk", str(big))
    assert code == 1 and "over the limit of 10,000" in err


def test_a_file_with_too_many_rows_is_refused_whole(
    cli: Cli, wards: WardSet, engine: Engine, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setenv("WARDAPP_AIMSTORE_MAX_IMPORT_ROWS", "4")
    many = write(tmp_path / "many.csv", sample(wards))
    code, _, err = cli("import", "police-uk", str(many))
    assert code == 1 and "over the limit of 4" in err and "rows" in err
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(models.Report)) == 0


def test_the_import_is_audited_with_counts_and_no_row_content(
    cli: Cli, wards: WardSet, engine: Engine, tmp_path: Path
) -> None:
    run_json(cli, "police-uk", str(write(tmp_path / "a.csv", sample(wards))))
    with Session(engine) as session:
        entries = session.scalars(
            select(models.AuditEntry).where(models.AuditEntry.event.like("import_%"))
        ).all()
    assert [e.event for e in entries] == ["import_started", "import_finished"]
    assert entries[1].detail is not None and entries[1].detail["created"] == 5
    text = json.dumps([e.detail for e in entries])
    assert "Parking Area" not in text and "not a number" not in text
