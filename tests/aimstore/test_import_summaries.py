"""Imported records in the ward summaries: counted, late months flagged, nothing recoverable."""

import random
from collections import Counter
from pathlib import Path
from typing import Any

import h3  # type: ignore[import-untyped]
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.aimstore.conftest import Cli
from tests.aimstore.test_import_police_uk import run_json
from tests.aimstore.test_summary_differencing import MONTHS, read_everything, set_up
from tests.conftest import ReportMaker, UserMaker
from tests.support.differencing import Change, recovered
from tests.support.police_files import crime_id, inside, points, row, write
from wardapp.aimstore import aggregates, models
from wardapp.core.wards import WardSet


def summary(client: TestClient, who: dict[str, str], ward: str, period: str) -> dict[str, Any]:
    answer = client.get(f"/v1/summaries/wards/{ward}", params={"period": period}, headers=who)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def hex_rows(session: Session) -> set[tuple[Any, ...]]:
    return {
        (c.ward_code, c.month, c.cell, c.category, c.reporter, c.reports)
        for c in session.scalars(select(models.SummaryHex))
        if c.reports
    }


def test_a_late_import_into_a_published_month_says_republish_and_then_shows(
    client: TestClient,
    make_user: UserMaker,
    cli: Cli,
    wards: WardSet,
    engine: Engine,
    tmp_path: Path,
) -> None:
    ward = wards.wards[2].code
    reader = make_user("reader", wards=[ward])
    before = summary(client, reader, ward, "2026-09")  # September is published, empty
    assert before["version"] == 1 and before["total"] in (0, None)
    spot, other = inside(wards, 2), points(wards, 4000)
    second = next(p for p in other if wards.locate(*p).code == ward and p != spot)  # type: ignore[union-attr]
    rows = [row("2026-09", *spot, "Anti-social behaviour") for _ in range(10)]
    rows += [row("2026-09", *second, "Burglary", crime_id(f"b{i}")) for i in range(10)]
    path = write(tmp_path / "2026-09-cleveland-street.csv", rows)

    code, out, _ = cli("import", "police-uk", str(path))
    assert code == 0
    assert "Already published periods now have records they do not show: 2026-09." in out
    assert "wardapp-aimstore summaries republish --period P" in out
    again = run_json(cli, "police-uk", str(path))
    assert again["created"] == 0 and again["published_periods"] == []  # nothing new to show
    assert summary(client, reader, ward, "2026-09") == before  # published stays published

    code, out, err = cli("summaries", "republish", "--period", "2026-09")
    assert code == 0, err
    shown = summary(client, reader, ward, "2026-09")
    assert shown["version"] == 2
    assert {c["code"]: c["count"] for c in shown["categories"]}["asb"] == 10

    with Session(engine) as session:
        kept = hex_rows(session)
    # Ten records at one exact point are one reporter, never ten.
    reporters = {r[4] for r in kept if r[1].isoformat() == "2026-09-01"}
    assert len(reporters) == 2 and all(r.startswith("source:police_uk:") for r in reporters)
    with Session(engine) as session, session.begin():
        aggregates.rebuild(session)
    with Session(engine) as session:
        assert hex_rows(session) == kept


def test_rows_past_retention_arrive_anonymised(
    cli: Cli, wards: WardSet, engine: Engine, tmp_path: Path
) -> None:
    lat, lon = inside(wards, 1)
    path = write(
        tmp_path / "old.csv",
        [row("2019-03", lat, lon, "Drugs", "old", "On or near Acklam Road"),
         row("2026-09", lat, lon, "Drugs", "new", "On or near Acklam Road")],
    )  # fmt: skip
    assert run_json(cli, "police-uk", str(path))["created"] == 2
    with Session(engine) as session:
        old, new = sorted(session.scalars(select(models.Report)), key=lambda r: r.occurred_on)
    assert new.description == "Drugs, On or near Acklam Road" and (new.lat, new.lon) == (lat, lon)
    assert old.description == "" and old.author_id is None
    centre = h3.cell_to_latlng(h3.latlng_to_cell(lat, lon, aggregates.STORED_RESOLUTION))
    assert (old.lat, old.lon) == centre
    assert old.category == "drug_use" and old.occurred_on.isoformat() == "2019-03-01"


def police_file(
    path: Path, wards: WardSet, chosen: list[str], rng: random.Random, count: int, tag: str
) -> tuple[Path, list[tuple[str, str, float, float, str]]]:
    """Random police.uk rows in the chosen wards over the quarter; (month, category, ...)."""
    spots = [p for p in points(wards, 4000) if wards.locate(*p).code in chosen]  # type: ignore[union-attr]
    types = {"Anti-social behaviour": "asb", "Drugs": "drug_use", "Burglary": "burglary_vehicle"}
    rows, made = [], []
    for i in range(count):
        month, (lat, lon) = rng.choice(MONTHS), rng.choice(spots)
        kind = rng.choice(list(types))
        ident = "" if kind == "Anti-social behaviour" else crime_id(f"{tag}{i}")
        rows.append(row(month, lat, lon, kind, ident))
        made.append((month, types[kind], lat, lon, ident))
    return write(path, rows), made


@pytest.mark.slow  # 30 s a database: the exact reader solves an integer programme
def test_no_hidden_count_can_be_worked_out_with_imported_records_mixed_in(
    client: TestClient,
    make_user: UserMaker,
    make_report: ReportMaker,
    wards: WardSet,
    cli: Cli,
    tmp_path: Path,
) -> None:
    """police.uk files are public: the reader knows exactly what a late import added."""
    chosen, reporters = set_up(client, make_user, make_report, wards)
    rng = random.Random(20)
    early, _ = police_file(tmp_path / "early.csv", wards, chosen, rng, 120, "e")
    assert run_json(cli, "police-uk", str(early))["created"] == 120
    first = read_everything(client, reporters[0], chosen, "1")
    late, added = police_file(tmp_path / "late.csv", wards, chosen, rng, 40, "l")
    result = run_json(cli, "police-uk", str(late))
    assert result["created"] == 40 and "2026-07" in result["published_periods"]
    code, _, err = cli("summaries", "republish", "--period", "2026-Q3")
    assert code == 0, err
    second = read_everything(client, reporters[0], chosen, "2")
    assert first != second
    changes = []
    for month in MONTHS:
        mine = [a for a in added if a[0] == month]
        located = wards.locate_many([(lat, lon) for _, _, lat, lon, _ in mine])
        counted: Counter[tuple[str, str]] = Counter()
        cells: Counter[tuple[str, str]] = Counter()
        for (_, category, lat, lon, _), ward in zip(mine, located, strict=True):
            assert ward is not None
            counted[(ward.code, category)] += 1
            cells[(ward.code, h3.latlng_to_cell(lat, lon, 8))] += 1
        changes.append(Change(month, "1", "2", dict(counted), dict(cells)))
    assert recovered(first + second, changes=changes) == []
