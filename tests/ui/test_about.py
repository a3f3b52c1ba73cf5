"""The About box: the version, every shipped licence and the boundaries' statements, readable
at 200% text size."""

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.readability import assert_nothing_clipped, double_text  # noqa: F401 (fixture)
from wardapp import __version__
from wardapp.core.resources import resource
from wardapp.ui.about import AboutDialog, licence_files, text_as_html


@pytest.fixture
def about(qtbot: QtBot) -> AboutDialog:
    box = AboutDialog()
    qtbot.addWidget(box)
    return box


def test_the_version_and_every_map_library_with_its_licence(about: AboutDialog) -> None:
    text = about.plain_text()
    assert f"wardapp {__version__}" in text
    for words in (
        "Licence of Leaflet",
        "BSD 2-Clause License",
        "Volodymyr Agafonkin",
        "Licence of supercluster",
        "Mapbox",
        "Licence of kdbush",
        "ISC License",
        "1.9.4",  # the versions, from VENDORED.md
        "8.0.1",
    ):
        assert words in text, words
    assert "To update" not in text  # instructions for maintainers stay in the file


def test_every_licence_file_shipped_is_shown() -> None:
    web = Path(str(resource("web")))
    on_disk = sorted(p for p in web.rglob("*") if p.name.upper().startswith("LICENSE"))
    shown = list(licence_files())
    assert len(shown) == len(on_disk) == 3
    assert {name for name, _text in shown} == {"Leaflet", "supercluster", "kdbush"}


def test_the_ward_boundaries_attribution_is_shown(about: AboutDialog) -> None:
    text = about.plain_text()
    assert "Office for National Statistics" in text
    assert "Open Government Licence v3.0" in text
    assert "Contains OS data © Crown copyright and database right 2021" in text
    assert "Ordnance Survey data covered by OS OpenData Licence." in text
    assert about.text.openExternalLinks()  # the licence's address opens in the browser


def test_licence_paragraphs_wrap_but_line_by_line_text_keeps_its_lines() -> None:
    html = text_as_html(
        "Copyright (c) 2021, A\nCopyright (c) 2022, B\n\n"
        "Permission to use, copy, modify, and/or distribute this software for any purpose\n"
        "with or without fee is hereby granted.\n\n"
        "  statement one:\n    line two & more\n"
    )
    assert "Copyright (c) 2021, A<br>Copyright (c) 2022, B" in html
    assert "any purpose with or without fee" in html
    assert "statement one:<br>line two &amp; more" in html


@pytest.mark.usefixtures("double_text")
def test_at_200_percent_the_text_wraps_and_scrolls_within_the_screen(qtbot: QtBot) -> None:
    about = AboutDialog()
    qtbot.addWidget(about)
    about.show()
    qtbot.waitExposed(about)
    screen = about.screen().availableGeometry()
    assert about.width() <= screen.width() and about.height() <= screen.height()
    assert about.text.horizontalScrollBar().maximum() == 0  # wrapped, never sideways
    assert about.text.verticalScrollBar().maximum() > 0
    assert_nothing_clipped(about)
    assert about.text.accessibleName() and about.close_button.accessibleName()
