"""The ward summary's two charts, built once for the screen and for the one-page PDF.

A hidden number (a count of 1 to 4, or one withheld so a small count cannot be worked out)
must never look like a zero: a hidden category is a zero-length bar whose axis label says
why, and a hidden month is a gap in the line with a hollow marker. The bars' value labels
are our own text items rather than Qt's, so a hidden bar never gets a "0" beside it.
Colours are from the Okabe-Ito palette (as in ``report_status``), on white, no animation.
"""

import html
import math
import weakref
from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QHorizontalBarSeries,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen
from PySide6.QtWidgets import QApplication, QGraphicsScene, QGraphicsSimpleTextItem

from wardapp.core.periods import parse_period
from wardapp.core.summary_schemas import Count, HiddenReason, PolicyOut, Summary

BAR_COLOUR = QColor("#0072b2")  # Okabe-Ito blue
LINE_COLOUR = QColor("#0072b2")
HIDDEN_COLOUR = QColor("#d55e00")  # Okabe-Ito vermillion, hollow markers for hidden months
TEXT_COLOUR = QColor("#1a1a1a")
GRID_COLOUR = QColor("#d9d9d9")
EN_DASH = "\N{EN DASH}"  # between the months of a quarter, as a printed page writes a range
AXIS_SHARE = 0.4  # Qt Charts gives a vertical axis at most this share of the chart's width
AXIS_LABEL_SLACK = 24.0  # pixels of that share taken by padding, tick and text margins
LABEL_SLOT_PADDING = 12.0  # pixels Qt adds around each category label's height
VALUE_LABEL = "wardapp-value-label"  # objectName-like tag kept in a label item's data(0)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def period_in_words(period: str) -> str:
    """A period as a reader says it: 'October 2026', 'July\N{EN DASH}September 2026' or '2025'.

    English month names whatever the system locale: the page goes to a UK ward meeting.
    """
    parsed = parse_period(period)
    first = parsed.start
    if "Q" in parsed.label:
        last_month = first.month + 2
        return f"{MONTHS[first.month - 1]}{EN_DASH}{MONTHS[last_month - 1]} {first.year}"
    if "-" in parsed.label:
        return f"{MONTHS[first.month - 1]} {first.year}"
    return str(first.year)


def month_short(period: str) -> str:
    """'2025-11' -> 'Nov 25': short enough for twelve labels along an axis."""
    start = parse_period(period).start
    return f"{MONTHS[start.month - 1][:3]} {start.year % 100:02d}"


def hidden_words(reason: HiddenReason | None, policy: PolicyOut) -> str:
    """What a reader is told instead of a number: 'fewer than 5' or 'not shown'."""
    if reason == "withheld":
        return "not shown"
    return f"fewer than {policy.min_count}"


def rounding_words(policy: PolicyOut) -> str:
    if policy.rounding <= 1:
        return "Reports"
    return f"Reports (rounded to the nearest {policy.rounding})"


def category_chart(summary: Summary, *, font: QFont | None = None) -> QChart:
    """Reports by category as horizontal bars, top to bottom in the summary's order.

    ``font`` is the base font of every text in the chart (default: the application's), so
    the PDF can ask for sizes that read well on paper.
    """
    base = _base_font(font)
    chart = _new_chart(f"Reports by category, {period_in_words(summary.period)}", base)
    chart.legend().setVisible(False)

    # A horizontal bar chart draws its first category at the bottom: feed it the list upside
    # down so the page reads in the summary's order. (Reversing the axis does not move bars.)
    categories = list(reversed(summary.categories))
    parts = list(reversed(_label_parts(summary)))
    values = [None if _hidden(c) else (c.count or 0) for c in categories]

    bars = QBarSet("Reports")
    bars.setColor(BAR_COLOUR)
    bars.setBorderColor(BAR_COLOUR)
    bars.append([float(v or 0) for v in values])
    series = QHorizontalBarSeries()
    series.append(bars)
    series.setBarWidth(0.7)
    series.setLabelsVisible(False)  # our own labels: Qt's would print "0" for a hidden bar
    chart.addSeries(series)

    axis_y = QBarCategoryAxis()
    axis_y.append(_axis_texts([name + why for name, why in parts]))
    _style_axis(axis_y, base, grid=False)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    _keep_labels_whole(chart, axis_y, parts, base)

    axis_x = _count_axis([v for v in values if v is not None], summary.policy)
    axis_x.setTitleText(rounding_words(summary.policy))
    _style_axis(axis_x, base, grid=True)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)

    _add_value_labels(chart, series, values, base)
    return chart


def category_chart_size(summary: Summary, *, font: QFont | None = None) -> QSize:
    """The least size in pixels at which every category's label is drawn whole.

    Qt shares the chart's whole height among the labels (two more slots than there are
    categories, each the text's height plus padding) and prints "..." for a label that
    does not fit; it gives the labels at most 40% of the width. A view should not be
    smaller than this (narrower only shortens names), and the PDF's chart never is.
    """
    metrics = QFontMetricsF(_base_font(font))
    slots = max(1, len(summary.categories)) + 2
    height = slots * (metrics.height() + LABEL_SLOT_PADDING)
    widest = max(
        (metrics.horizontalAdvance(label) for label in category_labels(summary)), default=0.0
    )
    width = (widest * 1.03 + AXIS_LABEL_SLACK) / AXIS_SHARE
    return QSize(math.ceil(width), math.ceil(height))


def category_labels(summary: Summary) -> list[str]:
    """Each category's label as the chart's axis shows it, in the summary's order."""
    return [name + why for name, why in _label_parts(summary)]


def trend_chart(summary: Summary, *, font: QFont | None = None) -> QChart:
    """The 12 monthly totals as a line; a hidden month is a gap with a hollow marker at 0."""
    base = _base_font(font)
    last = summary.trend[-1].period if summary.trend else summary.period
    chart = _new_chart(f"Reports per month, 12 months to {period_in_words(last)}", base)

    counts = [None if _hidden(p) else (p.count or 0) for p in summary.trend]
    for run in _runs(counts):
        segment = QLineSeries()
        segment.setName("Reports")
        segment.setObjectName("trend-line")
        segment.setPen(QPen(LINE_COLOUR, 2.5))
        segment.append([QPointF(i, float(counts[i] or 0)) for i in run])
        chart.addSeries(segment)

    shown = QScatterSeries()
    shown.setObjectName("trend-shown")
    shown.setName("Reports in the month")
    shown.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeCircle)
    shown.setMarkerSize(9)
    shown.setColor(LINE_COLOUR)
    shown.setBorderColor(LINE_COLOUR)
    shown.append([QPointF(i, float(c)) for i, c in enumerate(counts) if c is not None])
    chart.addSeries(shown)

    hidden = QScatterSeries()
    hidden.setObjectName("trend-hidden")
    reasons = {p.reason for p in summary.trend if _hidden(p)}
    hidden.setName(_hidden_legend(reasons, summary.policy))
    hidden.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeCircle)
    hidden.setMarkerSize(10)
    hidden.setBrush(QBrush(QColor("white")))
    hidden.setPen(QPen(HIDDEN_COLOUR, 2))
    hidden.append([QPointF(i, 0.0) for i, c in enumerate(counts) if c is None])
    chart.addSeries(hidden)

    axis_x = QBarCategoryAxis()
    axis_x.append(_unique([month_short(p.period) for p in summary.trend]))
    _style_axis(axis_x, base, grid=False)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    axis_y = _count_axis([c for c in counts if c is not None], summary.policy, room_below=True)
    # Two short lines: a chart only a few centimetres high has no room for one long one.
    rounding = summary.policy.rounding
    axis_y.setTitleText(
        f"Reports, rounded<br>to the nearest {rounding}" if rounding > 1 else "Reports"
    )
    _style_axis(axis_y, base, grid=True)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    for series in chart.series():
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)

    legend = chart.legend()
    legend.setVisible(True)
    legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
    legend.setFont(base)
    legend.setLabelColor(TEXT_COLOUR)
    legend.setMarkerShape(legend.MarkerShape.MarkerShapeFromSeries)
    for series in chart.series():
        keep = any(series is kept and kept.count() > 0 for kept in (shown, hidden))
        for marker in legend.markers(series):
            marker.setVisible(keep)
    return chart


def chart_image(chart: QChart, size: QSize) -> QImage:
    """The chart drawn into an image of ``size`` pixels, with no window (works offscreen).

    A chart already shown in a view is drawn as it is there, scaled to ``size``; a chart
    of its own is laid out at ``size`` first. Needs a QApplication.
    """
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        render_chart(chart, painter, QRectF(0, 0, size.width(), size.height()), size)
    finally:
        painter.end()
    return image


def render_chart(chart: QChart, painter: QPainter, target: QRectF, layout_size: QSize) -> None:
    """Draw the chart into ``target`` of any painter (an image, a PDF page: vector there).

    ``layout_size`` is the size in pixels the chart is laid out at before it is scaled into
    ``target``: it decides how big the text is relative to the chart.
    """
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    own_scene = chart.scene()
    if own_scene is not None:
        own_scene.render(painter, target, chart.sceneBoundingRect())
        return
    scene = QGraphicsScene()
    scene.addItem(chart)
    try:
        chart.setGeometry(QRectF(0, 0, layout_size.width(), layout_size.height()))
        layout = chart.layout()
        if layout is not None:
            layout.activate()  # lay out now: no event loop needs to run before the render
        scene.setSceneRect(chart.geometry())
        scene.render(painter, target, chart.geometry())
    finally:
        scene.removeItem(chart)  # the scene would delete the chart with itself


def value_labels(chart: QChart) -> list[str]:
    """The text of the value labels on a category chart's bars, top to bottom (for tests)."""
    items = [i for i in chart.childItems() if i.data(0) == VALUE_LABEL]
    return [i.text() for i in sorted(items, key=lambda i: -int(i.data(1)))]  # type: ignore[attr-defined]


def _label_parts(summary: Summary) -> list[tuple[str, str]]:
    """(name, " — fewer than 5" or " — not shown" or "") for each category, in order."""
    return [
        (c.label, f" — {hidden_words(c.reason, summary.policy)}" if _hidden(c) else "")
        for c in summary.categories
    ]


def _hidden(count: Count) -> bool:
    return count.suppressed or count.count is None


def _hidden_legend(reasons: set[HiddenReason | None], policy: PolicyOut) -> str:
    """The legend of the hollow markers, naming only the reasons this chart has."""
    small = f"Fewer than {policy.min_count}"
    if "withheld" not in reasons:
        return f"{small} (not shown)"
    return f"{small}, or not shown" if reasons - {"withheld"} else "Not shown"


def _runs(counts: Sequence[int | None]) -> list[list[int]]:
    """Indexes of each stretch of consecutive shown months: one line segment each."""
    runs: list[list[int]] = []
    current: list[int] = []
    for index, count in enumerate(counts):
        if count is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(index)
    if current:
        runs.append(current)
    return runs


def _axis_texts(labels: list[str]) -> list[str]:
    """Category names as a Qt Charts axis needs them: it draws labels as rich text, so a
    category called "<b>x</b>" would be drawn bold, without its tags; escaped, it is not."""
    return [html.escape(label, quote=False) for label in _unique(labels)]


def _unique(labels: list[str]) -> list[str]:
    """A category axis drops repeated labels; make repeats distinct instead."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _base_font(font: QFont | None) -> QFont:
    return QFont(font) if font is not None else QFont(QApplication.font())


def _scaled(font: QFont, factor: float, bold: bool = False) -> QFont:
    out = QFont(font)
    if font.pixelSize() > 0:
        out.setPixelSize(max(1, round(font.pixelSize() * factor)))
    else:
        out.setPointSizeF(font.pointSizeF() * factor)
    out.setBold(bold)
    return out


def _new_chart(title: str, font: QFont) -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setTheme(QChart.ChartTheme.ChartThemeLight)
    chart.setBackgroundRoundness(0)
    chart.setBackgroundBrush(QBrush(QColor("white")))
    chart.setDropShadowEnabled(False)
    chart.setTitle(title)
    chart.setTitleFont(_scaled(font, 1.15, bold=True))
    chart.setTitleBrush(QBrush(TEXT_COLOUR))
    chart.setMargins(chart.margins() * 0)
    chart.layout().setContentsMargins(2, 2, 2, 2)
    return chart


def _style_axis(axis: QBarCategoryAxis | QValueAxis, font: QFont, grid: bool) -> None:
    axis.setLabelsFont(font)
    axis.setLabelsColor(TEXT_COLOUR)
    axis.setTitleFont(font)
    axis.setTitleBrush(QBrush(TEXT_COLOUR))
    axis.setLinePenColor(QColor("#7a7a7a"))
    axis.setGridLineVisible(grid)
    axis.setGridLineColor(GRID_COLOUR)


def _count_axis(
    values: Sequence[int], policy: PolicyOut, *, room_below: bool = False
) -> QValueAxis:
    """From 0 to a little above the largest count, ticks at a multiple of the rounding.

    ``room_below`` starts the axis a hair under 0 so markers at 0 are not cut in half by
    the plot area's edge; the first tick and label are still at 0.
    """
    largest = max(values, default=0)
    step = _tick_step(max(largest, 2 * policy.rounding), policy.rounding)
    top = (int(largest * 1.12) // step + 1) * step
    axis = QValueAxis()
    axis.setRange(-step * 0.08 if room_below else 0, max(top, 2 * step))
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setLabelFormat("%d")
    axis.setMinorTickCount(0)
    return axis


def _tick_step(largest: int, rounding: int) -> int:
    """About five ticks, each a 'nice' multiple of the rounding (5, 10, 25, 50, 100, ...)."""
    unit = max(1, rounding)
    for factor in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000):
        if largest / (unit * factor) <= 6:
            return unit * factor
    return unit * 10000


def _keep_labels_whole(
    chart: QChart, axis: QBarCategoryAxis, parts: list[tuple[str, str]], font: QFont
) -> None:
    """Shorten long category names to the width Qt allows, never the "— fewer than 5" part.

    Qt gives the labels at most 40% of the chart's width and otherwise cuts them from the
    end, which would cut off the very words that say why a bar is empty.
    """
    metrics = QFontMetricsF(font)
    chart_ref = weakref.ref(chart)  # the slot must not keep its own sender alive

    def fit() -> None:
        chart = chart_ref()
        if chart is None:
            return
        room = AXIS_SHARE * chart.size().width() - AXIS_LABEL_SLACK
        if room <= 0:
            return
        fitted = []
        for name, why in parts:
            whole = name + why
            if metrics.horizontalAdvance(whole) * 1.03 <= room:
                fitted.append(whole)
                continue
            left = room / 1.03 - metrics.horizontalAdvance(why)
            short = metrics.elidedText(name, Qt.TextElideMode.ElideRight, max(left, 0.0))
            fitted.append((short or "…") + why)
        fitted = _axis_texts(fitted)
        if fitted != axis.categories():
            axis.setCategories(fitted)

    chart.geometryChanged.connect(fit)


def _add_value_labels(
    chart: QChart, series: QHorizontalBarSeries, values: list[int | None], font: QFont
) -> None:
    """A number just past the end of each shown bar; none for a hidden one."""
    items: list[tuple[QGraphicsSimpleTextItem, int, int]] = []
    for index, value in enumerate(values):
        if value is None:
            continue
        item = QGraphicsSimpleTextItem(str(value), chart)
        item.setFont(font)
        item.setBrush(QBrush(TEXT_COLOUR))
        item.setData(0, VALUE_LABEL)
        item.setData(1, index)
        item.setZValue(10)
        items.append((item, index, value))

    chart_ref = weakref.ref(chart)

    def place(_area: QRectF | None = None) -> None:
        chart = chart_ref()
        if chart is None:
            return
        for item, index, value in items:
            end = chart.mapToPosition(QPointF(value, index), series)
            height = item.boundingRect().height()
            item.setPos(end.x() + 4, end.y() - height / 2)

    chart.plotAreaChanged.connect(place)
    place()
