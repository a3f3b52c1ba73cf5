"""The ward summary's charts and its one-page PDF, checked as a reader would see them.

The PDF is read back with QtPdf (the same library a viewer would use): its page count, the
words on the page, and a rendered picture of it with ink where the charts are.
"""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCharts import QBarCategoryAxis, QChart, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem, QGraphicsTextItem

from wardapp.core.schemas import ActionOut, ActionUpdateOut, WardActions
from wardapp.core.summary_schemas import AreaSummary, PolicyOut, WardSummary
from wardapp.ui.summary_charts import (
    BAR_COLOUR,
    HIDDEN_COLOUR,
    category_chart,
    category_chart_size,
    category_labels,
    chart_image,
    period_in_words,
    trend_chart,
    value_labels,
)
from wardapp.ui.summary_pdf import PdfExportError, anonymisation_note, export_summary_pdf

WARD = "Berwick Hills & Pallister"
DASH = "\N{EN DASH}"
LONG_TITLE = (
    "Off-road bike patrols on Pallister Park at weekends, with the neighbourhood policing "
    "team, the park wardens and the youth service"
)
MONTHS = [f"2025-{m:02d}" for m in (11, 12)] + [f"2026-{m:02d}" for m in range(1, 11)]
HIDDEN_MONTHS = {"2026-01": "small", "2026-03": "withheld"}  # indexes 2 and 4


def count(value: int | None, reason: str | None = None) -> dict[str, Any]:
    return {"count": value, "suppressed": value is None, "reason": reason}


def make_summary(**changes: Any) -> WardSummary:
    data: dict[str, Any] = {
        "period": "2026-10",
        "ward": {"code": "E05009855", "name": WARD},
        "categories": [
            {"code": "asb", "label": "Anti-social behaviour", **count(20)},
            {
                "code": "motorbike_misuse",
                "label": "Motorbike and quad misuse",
                **count(None, "small"),
            },
            {"code": "drug_dealing", "label": "Drug dealing", **count(10)},
            {
                "code": "graffiti_damage",
                "label": "Graffiti and criminal damage",
                **count(None, "withheld"),
            },
            {"code": "other", "label": "Other", **count(0)},
        ],
        "total": 35,
        "total_suppressed": False,
        "total_reason": None,
        "trend": [
            {
                "period": p,
                **(count(None, HIDDEN_MONTHS[p]) if p in HIDDEN_MONTHS else count(40 + 5 * i)),
            }
            for i, p in enumerate(MONTHS)
        ],
        "hotspots": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"cell": "8819465481fffff", "count": 10},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [
                            [[-1.217, 54.566], [-1.224, 54.565], [-1.225, 54.561], [-1.217, 54.566]]
                        ],
                    },
                }
            ],
        },
        "policy": {
            "min_count": 5,
            "rounding": 5,
            "hotspot_min_reports": 5,
            "hotspot_min_reporters": 2,
            "h3_resolution": 8,
        },
        "version": 2,
        "published_at": "2026-11-06T00:00:41Z",
    }
    data.update(changes)
    return WardSummary.model_validate(data)


def make_actions(count_: int = 2) -> WardActions:
    at = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    items = [
        ActionOut(
            id=1,
            wards=["E05009855"],
            title=LONG_TITLE,
            lead_agency="Cleveland Police",
            due_on=date(2026, 12, 31),
            progress="on_track",
            created_at=at,
            updated_at=at,
            last_update=ActionUpdateOut(
                at=at, on=at.date(), note="Two joint patrols held.", progress="on_track"
            ),
        ),
        ActionOut(
            id=2,
            wards=["E05009855"],
            title="Clear fly-tipping from the back lanes",
            lead_agency="Middlesbrough Council Environment",
            due_on=date(2027, 1, 15),
            progress="at_risk",
            created_at=at,
            updated_at=at,
        ),
    ]
    note = ActionUpdateOut(at=at, on=at.date(), note="A long note. " * 100)
    for n in range(max(0, count_ - 2)):
        title = f"Further action number {n} " * 8
        items.append(items[1].model_copy(update={"id": 3 + n, "title": title, "last_update": note}))
    return WardActions(ward_code="E05009855", ward_name=WARD, items=items[:count_])


def map_picture() -> QImage:
    image = QImage(600, 450, QImage.Format.Format_RGB32)
    image.fill(QColor("#88aacc"))
    return image


def read_pdf(path: Path) -> QPdfDocument:
    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    return document


def page_text(document: QPdfDocument) -> str:
    return " ".join(document.getAllText(0).text().split())


def render_page(document: QPdfDocument, dpi: int = 150) -> QImage:
    """Page 1 as a reader sees it: on white paper (QtPdf leaves the page transparent)."""
    size = document.pagePointSize(0)
    pixels = QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72))
    page = QImage(pixels, QImage.Format.Format_RGB32)
    page.fill(QColor("white"))
    painter = QPainter(page)
    painter.drawImage(0, 0, document.render(0, pixels))
    painter.end()
    return page


def pixels_of(image: QImage, colour: QColor) -> int:
    """How many pixels are exactly ``colour`` (fills are; antialiased edges are not)."""
    rgb32 = image.convertToFormat(QImage.Format.Format_RGB32)
    data = bytes(rgb32.constBits())
    pixel = bytes((colour.blue(), colour.green(), colour.red(), 0xFF))
    return data.count(pixel)


def ink(image: QImage) -> int:
    white = pixels_of(image, QColor("white"))
    return image.width() * image.height() - white


@pytest.fixture
def exported(qapp: QApplication, tmp_path: Path) -> Path:
    path = tmp_path / "ward summary.pdf"
    export_summary_pdf(
        path,
        make_summary(),
        make_actions(),
        map_picture(),
        datetime(2026, 11, 27, 11, 59, tzinfo=UTC),
    )
    return path


# --- the PDF


def test_the_pdf_is_one_page_with_what_a_ward_meeting_reads(exported: Path, tmp_path: Path) -> None:
    document = read_pdf(exported)
    assert document.pageCount() == 1
    size = document.pagePointSize(0)
    assert (round(size.width()), round(size.height())) == (595, 842)  # A4 portrait

    text = page_text(document)
    for words in (
        WARD,
        "Community safety summary",
        "October 2026",
        "Reports in October 2026: 35",
        "Motorbike and quad misuse — fewer than 5",
        "Graffiti and criminal damage — not shown",
        "rounded to the nearest 5",
        "Categories with 1 to 4 reports are shown as “fewer than 5”",
        "at least 5 reports from at least 2 different people",
        "not counting the person who reported most there",
        "published 5 days after it ends and then stays as it is",
        "Published 6 November 2026 (version 2",
        "never included",
        "Nothing here identifies a person or a household",
        "Last refreshed: 27 November 2026 at 11:59",  # UK time: GMT in November
        "Task and Finish actions",
        LONG_TITLE,  # wrapped over lines, every word still on the page
        "Cleveland Police",
        "31 Dec 2026",
        "On track",
        "At risk",
        "20 Nov 2026: Two joint patrols held.",
        "Nov 25",
        "Oct 26",
    ):
        assert words in text, words

    page = render_page(document)
    page.save(str(tmp_path / "page.png"))
    assert ink(page) > 0.05 * page.width() * page.height()
    assert pixels_of(page, BAR_COLOUR) > 5000  # the bars (and the line's markers) are drawn
    assert pixels_of(page, HIDDEN_COLOUR) > 20  # hollow markers of the hidden months


def test_text_stays_on_the_page_and_long_lists_end_in_a_count(
    qapp: QApplication, tmp_path: Path
) -> None:
    long_name = "Ladgate, Marton West and the Very Long Named Ward of Coulby Newham & Hemlington"
    summary = make_summary(ward={"code": "E05009855", "name": long_name})
    path = tmp_path / "many.pdf"
    export_summary_pdf(path, summary, make_actions(12), map_picture(), None)

    document = read_pdf(path)
    assert document.pageCount() == 1
    text = page_text(document)
    assert "more actions: see Task and Finish actions in wardapp" in text
    assert "Last refreshed: not known" in text
    assert_margins_clear(document)


def test_a_long_list_of_categories_still_fits_one_page(qapp: QApplication, tmp_path: Path) -> None:
    categories = [
        {"code": f"c{n}", "label": f"Category number {n}", **count(5 * n)} for n in range(40)
    ]
    path = tmp_path / "forty.pdf"
    export_summary_pdf(path, make_summary(categories=categories), make_actions(3), None, None)
    document = read_pdf(path)
    assert document.pageCount() == 1
    assert "3 actions recorded: see Task and Finish actions in wardapp." in page_text(document)
    assert_margins_clear(document)


def assert_margins_clear(document: QPdfDocument) -> None:
    """Nothing drawn within 10 mm of any edge of the page: no text ran off it."""
    page = render_page(document, dpi=72)
    margin = round(10 / 25.4 * 72)
    width, height = page.width(), page.height()
    edges = {
        "left": (0, 0, margin, height),
        "right": (width - margin, 0, margin, height),
        "top": (0, 0, width, margin),
        "bottom": (0, height - margin, width, margin),
    }
    for edge, (x, y, w, h) in edges.items():
        assert ink(page.copy(x, y, w, h)) == 0, edge


def test_no_actions_and_no_map_say_so(qapp: QApplication, tmp_path: Path) -> None:
    path = tmp_path / "plain.pdf"
    empty = WardActions(ward_code="E05009855", ward_name=WARD, items=[])
    export_summary_pdf(path, make_summary(period="2026-Q3"), empty, None, None)
    text = page_text(read_pdf(path))
    assert "No Task and Finish actions recorded for this ward." in text
    assert f"July{DASH}September 2026" in text
    assert "Hot spots: 1 area, shown on the map in wardapp." in text


def test_an_area_summary_names_its_wards(qapp: QApplication, tmp_path: Path) -> None:
    ward = make_summary().model_dump()
    del ward["ward"]
    area = AreaSummary.model_validate(
        {
            **ward,
            "period": "2025",
            "area": {"code": "east", "name": "East Middlesbrough"},
            "wards": [
                {"code": "E05009855", "name": WARD},
                {"code": "E05009866", "name": "Park End & Beckfield"},
            ],
        }
    )
    path = tmp_path / "area.pdf"
    export_summary_pdf(path, area, None, None, None)
    text = page_text(read_pdf(path))
    assert "East Middlesbrough" in text
    assert f"Wards: {WARD}, Park End & Beckfield" in text
    assert "Reports in 2025: 35" in text
    assert "No Task and Finish actions recorded for this area." in text


@pytest.mark.parametrize("where", ["missing folder", "a file as the folder"])
def test_an_unwritable_place_gives_a_plain_message(
    qapp: QApplication, tmp_path: Path, where: str
) -> None:
    if where == "missing folder":
        path = tmp_path / "no such folder" / "summary.pdf"
    else:
        (tmp_path / "notes.txt").write_text("not a folder")
        path = tmp_path / "notes.txt" / "summary.pdf"
    with pytest.raises(PdfExportError) as raised:
        export_summary_pdf(path, make_summary(), make_actions(), None, None)
    message = str(raised.value)
    assert str(path.parent) in message
    assert "Choose another" in message
    assert "Errno" not in message and "Traceback" not in message
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["notes.txt"])  # nothing left


def test_a_file_already_there_is_replaced_and_no_temporary_file_stays(exported: Path) -> None:
    exported.write_bytes(b"old")
    export_summary_pdf(exported, make_summary(), None, None, None)
    assert exported.read_bytes().startswith(b"%PDF")
    assert [p.name for p in exported.parent.iterdir()] == [exported.name]


def test_the_words_follow_the_policy_in_force() -> None:
    policy = PolicyOut(
        min_count=10, rounding=10, hotspot_min_reports=12, hotspot_min_reporters=3, h3_resolution=7
    )
    note = anonymisation_note(policy)
    assert "rounded to the nearest 10" in note
    assert "1 to 9 reports are shown as “fewer than 10”" in note
    assert "about 5 km² with at least 12 reports from at least 3 different people" in note


def test_periods_in_words() -> None:
    assert period_in_words("2026-10") == "October 2026"
    assert period_in_words("2026-Q3") == f"July{DASH}September 2026"
    assert period_in_words("2026-Q1") == f"January{DASH}March 2026"
    assert period_in_words("2025") == "2025"


# --- the charts


def category_axis(chart: QChart) -> QBarCategoryAxis:
    return next(a for a in chart.axes() if isinstance(a, QBarCategoryAxis))


def value_axis(chart: QChart) -> QValueAxis:
    return next(a for a in chart.axes() if isinstance(a, QValueAxis))


def test_hidden_categories_are_empty_bars_labelled_with_the_reason(qapp: QApplication) -> None:
    chart = category_chart(make_summary())
    top_down = list(reversed(category_axis(chart).categories()))  # Qt lists bottom first
    assert top_down == [
        "Anti-social behaviour",
        "Motorbike and quad misuse — fewer than 5",
        "Drug dealing",
        "Graffiti and criminal damage — not shown",
        "Other",
    ]
    assert value_labels(chart) == ["20", "10", "0"]  # no number beside a hidden bar
    assert value_axis(chart).titleText() == "Reports (rounded to the nearest 5)"
    assert value_axis(chart).min() == 0
    assert chart.animationOptions() == QChart.AnimationOption.NoAnimation


def drawn_texts(chart: QChart) -> list[str]:
    """Every piece of text Qt shows in the chart (axis labels are text items in it)."""
    found, todo = [], list(chart.childItems())
    while todo:
        item = todo.pop()
        todo.extend(item.childItems())
        if isinstance(item, QGraphicsTextItem) and item.isVisible():
            found.append(item.toPlainText())
        elif isinstance(item, QGraphicsSimpleTextItem) and item.isVisible():
            found.append(item.text())  # how some Qt releases draw axis labels
    return found


def test_at_its_least_size_every_label_is_drawn_whole(qapp: QApplication) -> None:
    summary = make_summary()
    chart = category_chart(summary)
    chart_image(chart, category_chart_size(summary))
    assert list(reversed(category_axis(chart).categories())) == category_labels(summary)
    drawn = drawn_texts(chart)
    if not any("—" in text for text in drawn):
        pytest.skip("this Qt release paints axis labels without text items to inspect")
    for label in category_labels(summary):
        assert label in drawn, (label, drawn)


def test_a_narrow_chart_shortens_names_but_keeps_the_reason(qapp: QApplication) -> None:
    summary = make_summary()
    chart = category_chart(summary)
    image = chart_image(chart, QSize(360, category_chart_size(summary).height()))
    labels = category_axis(chart).categories()
    assert any(label.endswith("… — fewer than 5") for label in labels), labels
    assert any(label.endswith("— not shown") for label in labels), labels
    assert pixels_of(image, BAR_COLOUR) > 500


def test_hidden_months_are_gaps_in_the_line_with_hollow_markers(qapp: QApplication) -> None:
    chart = trend_chart(make_summary())
    segments = [
        s for s in chart.series() if isinstance(s, QLineSeries) and s.objectName() == "trend-line"
    ]
    drawn = [[round(p.x()) for p in s.points()] for s in segments]
    assert drawn == [[0, 1], [3], [5, 6, 7, 8, 9, 10, 11]]  # broken at months 2 and 4

    hidden = next(s for s in chart.series() if s.objectName() == "trend-hidden")
    assert isinstance(hidden, QScatterSeries)
    assert [(round(p.x()), p.y()) for p in hidden.points()] == [(2, 0.0), (4, 0.0)]
    assert hidden.brush().color() == QColor("white")  # hollow
    assert "Fewer than 5" in hidden.name() and "not shown" in hidden.name()

    months = category_axis(chart).categories()
    assert months[0] == "Nov 25" and months[2] == "Jan 26" and months[-1] == "Oct 26"
    axis = value_axis(chart)
    assert axis.min() <= 0 < axis.tickInterval() and axis.tickAnchor() == 0


def test_a_chart_renders_offscreen(qapp: QApplication) -> None:
    image = chart_image(trend_chart(make_summary()), QSize(640, 320))
    assert image.size() == QSize(640, 320)
    assert pixels_of(image, BAR_COLOUR) > 50
    assert pixels_of(image, HIDDEN_COLOUR) > 5
