"""The one-page PDF of a ward (or area) summary that a ward member takes to a meeting.

Drawn with QPainter on a QPdfWriter rather than printed from HTML, so the page is always
exactly one A4 sheet: every block is measured first, long text wraps (and is shortened with
"…" past a few lines), and actions that do not fit are counted in a closing line instead of
spilling onto a second page. Charts are drawn as vectors (sharp, and their words are text a
reader can search); the map arrives as an image from the view. The file is written beside
its destination and moved into place, so a failed export never leaves half a PDF behind.
"""

import contextlib
import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import h3  # type: ignore[import-untyped]
from PySide6.QtCharts import QChart
from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QApplication

from wardapp.core.schemas import ActionOut, WardActions
from wardapp.core.summary_schemas import AreaSummary, PolicyOut, WardSummary
from wardapp.core.triage import PROGRESS_LABELS
from wardapp.ui.summary_charts import (
    BAR_COLOUR,
    MONTHS,
    TEXT_COLOUR,
    category_chart,
    category_chart_size,
    hidden_words,
    period_in_words,
    render_chart,
    trend_chart,
)

DPI = 300  # the page's coordinate unit: 1/300 inch
CHART_DPI = 144  # charts are laid out at this many pixels per inch, then scaled onto paper
MARGIN_MM = 12.0
GAP_MM = 3.5
MAP_MM = 54.0  # the widest and tallest the hot-spot map may be
TREND_MM = 54.0
UK = ZoneInfo("Europe/London")
MUTED = QColor("#4d4d4d")
RULE = QColor("#b3b3b3")
HEADER_FILL = QColor("#eef3f8")

# The actions table: heading, share of the width, and how many lines a cell may take.
COLUMNS = (
    ("Action", 0.33, 6),  # a title of up to 200 characters, whole
    ("Lead agency", 0.17, 3),
    ("Due", 0.13, 1),
    ("Progress", 0.11, 1),
    ("Last update", 0.26, 3),
)


@dataclass(frozen=True)
class _Table:
    header: list[list[str]]
    rows: list[list[list[str]]]  # row -> cell -> wrapped lines
    widths: list[float]
    pad: float
    height: float  # all of it: header and every row
    heights: list[float]  # each row's
    least: float  # the one line said when no row fits


class PdfExportError(Exception):
    """The PDF could not be written; ``str(error)`` is a sentence to show the user as is."""


def export_summary_pdf(
    path: Path,
    summary: WardSummary | AreaSummary,
    actions: WardActions | None,
    map_image: QImage | None,
    refreshed_at: datetime | None,
) -> None:
    """Write the summary as one A4 page at ``path`` (replacing a file already there).

    Raises PdfExportError with a plain message when the file cannot be written. Needs a
    QApplication (the charts are Qt graphics items).
    """
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise PdfExportError(f"{path} is a folder. Give a file name for the PDF.")
    if not folder.exists():
        raise PdfExportError(f"The folder {folder} does not exist. Choose another folder.")
    if not folder.is_dir():
        raise PdfExportError(f"{folder} is not a folder. Choose another place for the PDF.")
    try:
        handle, temporary = tempfile.mkstemp(prefix=".wardapp-", suffix=".pdf", dir=folder)
        os.close(handle)
    except OSError as error:
        raise PdfExportError(
            f"wardapp cannot write in the folder {folder} ({_reason(error)}). "
            "Choose another folder."
        ) from error
    try:
        _write_page(Path(temporary), summary, actions, map_image, refreshed_at)
        os.replace(temporary, path)
    except OSError as error:
        raise PdfExportError(
            f"wardapp cannot save {path} ({_reason(error)}). If the file is open in another "
            "program, close it, or choose another name."
        ) from error
    finally:
        with contextlib.suppress(OSError):
            os.remove(temporary)


def anonymisation_note(policy: PolicyOut) -> str:
    """How the numbers were protected, in words, from the thresholds the store applied."""
    parts = []
    if policy.rounding > 1:
        parts.append(f"Counts are rounded to the nearest {policy.rounding}.")
    if policy.min_count > 1:
        small = "1 report" if policy.min_count == 2 else f"1 to {policy.min_count - 1} reports"
        parts.append(
            f"Categories with {small} are shown as “fewer than {policy.min_count}”, and some "
            "numbers are not shown so that a small count cannot be worked out from the others."
        )
    else:
        parts.append("Some numbers are not shown so that a small count cannot be worked out.")
    parts.append(
        "Totals are counted from all reports and rounded on their own, so they may differ "
        "from the sum of the categories."
    )
    parts.append(hotspot_rule(policy))
    parts.append(
        f"Each period is published {policy.publish_delay_days} days after it ends and then "
        "stays as it is: reports sent later change it only if the partnership publishes a "
        "new version."
    )
    parts.append("Sensitive categories (such as safeguarding concerns) are never included.")
    parts.append("Nothing here identifies a person or a household.")
    return " ".join(parts)


def hexagon_area_words(resolution: int) -> str:
    """'0.7 km²' for H3 resolution 8: the size of a hot spot a reader can picture."""
    area = float(h3.average_hexagon_area(resolution, unit="km^2"))
    if area >= 10:
        return f"{round(area):,} km²"
    return f"{float(f'{area:.1g}'):g} km²"


def place_name(summary: WardSummary | AreaSummary) -> str:
    return summary.ward.name if isinstance(summary, WardSummary) else summary.area.name


def hotspot_rule(policy: PolicyOut) -> str:
    """The dominance rule in words: one person's cluster never makes a hot spot on its own."""
    people = (
        f" from at least {policy.hotspot_min_reporters} different people"
        if policy.hotspot_min_reporters > 1
        else ""
    )
    return (
        f"Hot spots are areas of about {hexagon_area_words(policy.h3_resolution)} with at "
        f"least {policy.hotspot_min_reports} reports{people}, not counting the person who "
        "reported most there."
    )


def published_words(summary: WardSummary | AreaSummary) -> str:
    """When the figures were published, and which version, as the AIM store says."""
    if summary.published_at is None:
        return "Published: not known"
    local = summary.published_at.astimezone(UK)
    text = f"Published {local.day} {MONTHS[local.month - 1]} {local.year}"
    if summary.version > 1:
        text += f" (version {summary.version}: the partnership published these figures again)"
    return text


def day_words(day: date) -> str:
    """'31 Dec 2026': unambiguous in a UK meeting, short enough for a table cell."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def refreshed_words(refreshed_at: datetime | None) -> str:
    if refreshed_at is None:
        return "Last refreshed: not known (this summary has not been fetched from the AIM store)"
    local = refreshed_at.astimezone(UK) if refreshed_at.tzinfo else refreshed_at
    return (
        f"Last refreshed: {local.day} {MONTHS[local.month - 1]} {local.year} "
        f"at {local.hour:02d}:{local.minute:02d}"
    )


def total_words(summary: WardSummary | AreaSummary) -> str:
    period = period_in_words(summary.period)
    if summary.total_suppressed or summary.total is None:
        return f"Reports in {period}: {hidden_words(summary.total_reason, summary.policy)}"
    return f"Reports in {period}: {summary.total}"


@dataclass(frozen=True)
class _Fonts:
    kicker: QFont
    title: QFont
    subtitle: QFont
    heading: QFont
    body: QFont
    bold: QFont
    small: QFont
    table: QFont
    table_bold: QFont
    chart: QFont


def _fonts() -> _Fonts:
    family = QApplication.font().family()

    def font(points: float, bold: bool = False) -> QFont:
        made = QFont(family)
        made.setPointSizeF(points)
        made.setBold(bold)
        return made

    chart = QFont(family)
    chart.setPixelSize(round(8 * CHART_DPI / 72))  # 8 pt once the chart is on paper
    return _Fonts(
        kicker=font(11, bold=True),
        title=font(20, bold=True),
        subtitle=font(13),
        heading=font(11, bold=True),
        body=font(9),
        bold=font(9, bold=True),
        small=font(8),
        table=font(8.5),
        table_bold=font(8.5, bold=True),
        chart=chart,
    )


def _write_page(
    target: Path,
    summary: WardSummary | AreaSummary,
    actions: WardActions | None,
    map_image: QImage | None,
    refreshed_at: datetime | None,
) -> None:
    writer = QPdfWriter(str(target))
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    name = place_name(summary)
    writer.setTitle(f"{name}: community safety summary, {period_in_words(summary.period)}")
    writer.setCreator("wardapp")
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError("the PDF could not be started")
    try:
        _Page(painter, writer, summary, actions, map_image, refreshed_at).draw()
    finally:
        painter.end()


def _reason(error: OSError) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, FileNotFoundError):
        return "the folder does not exist"
    return (error.strerror or str(error)).lower()


class _Page:
    """One pass down the page: each block is measured, then drawn below the last."""

    def __init__(
        self,
        painter: QPainter,
        writer: QPdfWriter,
        summary: WardSummary | AreaSummary,
        actions: WardActions | None,
        map_image: QImage | None,
        refreshed_at: datetime | None,
    ) -> None:
        self.painter = painter
        self.device = writer
        self.summary = summary
        self.actions = actions
        self.map_image = map_image if map_image is not None and not map_image.isNull() else None
        self.refreshed_at = refreshed_at
        self.fonts = _fonts()
        self.left = self.mm(MARGIN_MM)
        self.width = writer.width() - 2 * self.left
        self.y = self.mm(MARGIN_MM)
        self.bottom = writer.height() - self.mm(MARGIN_MM)

    def mm(self, value: float) -> float:
        return value * DPI / 25.4

    def draw(self) -> None:
        """Top block, charts, actions; the charts give up height before actions are cut."""
        self.draw_top()
        self.y += self.mm(GAP_MM)
        table = self.action_table()
        heading = self.line_height(self.fonts.heading) + self.mm(1)
        # mm for the charts and the actions, less 1 mm so rounding never pushes out a row
        free = (self.bottom - self.y) / self.mm(1) - 2 * GAP_MM - 1.0
        size = category_chart_size(self.summary, font=self.fonts.chart)
        labels = size.height() / CHART_DPI * 25.4
        ideal = (max(labels * 1.08, 40.0), 58.0)
        least = (max(labels, 36.0), 48.0)  # below these Qt drops labels and axis titles
        short = sum(ideal) - (free - (heading + table.height) / self.mm(1))
        give = sum(ideal) - sum(least)
        share = 0.0 if short <= 0 else min(1.0, short / give)
        heights = [i - share * (i - m) for i, m in zip(ideal, least, strict=True)]
        # However many categories there are, the actions heading and a line about them
        # always fit: past that the charts shrink (Qt then shortens their labels).
        most = free - (heading + table.least) / self.mm(1)
        if sum(heights) > most:
            trend = min(least[1], max(most, 0.0) / 3)
            heights = [max(most - trend, 0.0), trend]
        self.draw_chart(category_chart(self.summary, font=self.fonts.chart), heights[0])
        self.y += self.mm(GAP_MM)
        self.draw_chart(trend_chart(self.summary, font=self.fonts.chart), heights[1])
        self.y += self.mm(GAP_MM)
        self.draw_actions(table)

    # --- the top: who, when, the key numbers, how they are protected, and the map
    def draw_top(self) -> None:
        top = self.y
        text_width = self.width
        if self.map_image is not None:
            text_width -= self.mm(MAP_MM + GAP_MM)
        x = self.left
        self.text("Community safety summary", self.fonts.kicker, x, text_width, colour=BAR_COLOUR)
        self.text(place_name(self.summary), self.fonts.title, x, text_width, max_lines=2)
        self.text(period_in_words(self.summary.period), self.fonts.subtitle, x, text_width)
        if isinstance(self.summary, AreaSummary) and self.summary.wards:
            wards = ", ".join(w.name for w in self.summary.wards)
            self.text(f"Wards: {wards}", self.fonts.small, x, text_width, max_lines=3)
        self.y += self.mm(2)
        self.text(total_words(self.summary), self.fonts.heading, x, text_width)
        self.text(self.hotspot_words(), self.fonts.body, x, text_width, max_lines=2)
        self.text(published_words(self.summary), self.fonts.body, x, text_width, max_lines=2)
        self.text(refreshed_words(self.refreshed_at), self.fonts.body, x, text_width)
        self.y += self.mm(2)
        self.text("About these figures", self.fonts.bold, x, text_width)
        note = anonymisation_note(self.summary.policy)
        self.text(note, self.fonts.small, x, text_width, colour=MUTED)
        text_bottom = self.y
        if self.map_image is not None:  # drawn after the words, so they are read first
            self.draw_map(top)
        self.y = max(self.y, text_bottom)

    def hotspot_words(self) -> str:
        count = len(self.summary.hotspots.get("features") or [])
        if count == 0:
            return "Hot spots: none this period."
        areas = "1 area" if count == 1 else f"{count} areas"
        where = "shown on the map" if self.map_image is not None else "shown on the map in wardapp"
        return f"Hot spots: {areas}, {where}."

    def draw_map(self, top: float) -> None:
        """The view's picture of the hot spots, fitted into a square box at the top right."""
        assert self.map_image is not None
        box = self.mm(MAP_MM)
        image = self.map_image
        scale = min(box / image.width(), box / image.height())
        width, height = image.width() * scale, image.height() * scale
        right = self.left + self.width
        rect = QRectF(right - width, top, width, height)
        self.painter.drawImage(rect, image)
        self.painter.setPen(QPen(RULE, self.mm(0.25)))
        self.painter.setBrush(Qt.BrushStyle.NoBrush)
        self.painter.drawRect(rect)
        self.y = top + height + self.mm(1)
        caption = f"Hot spots, {period_in_words(self.summary.period)}"
        self.text(caption, self.fonts.small, right - box, box, colour=MUTED, max_lines=2)

    # --- the charts
    def draw_chart(self, chart: QChart, height_mm: float) -> None:
        height = self.mm(height_mm)
        target = QRectF(self.left, self.y, self.width, height)
        layout = QSize(round(self.width / DPI * CHART_DPI), round(height_mm / 25.4 * CHART_DPI))
        render_chart(chart, self.painter, target, layout)
        self.y += height

    # --- the actions table
    def action_table(self) -> "_Table":
        """The actions as wrapped cells, measured (nothing drawn yet)."""
        items = self.actions.items if self.actions is not None else []
        pad = self.mm(1.2)
        widths = [self.width * share for _, share, _ in COLUMNS]
        header = [[name] for name, _, _ in COLUMNS]
        rows = [self.cells(item, widths, pad) for item in items]
        heights = [self.row_height(row, self.fonts.table, pad) for row in rows]
        header_height = self.row_height(header, self.fonts.table_bold, pad)
        line = self.line_height(self.fonts.body) + pad
        if not rows:
            return _Table(header, rows, widths, pad, line, [], line)
        whole = header_height + sum(heights)
        return _Table(header, rows, widths, pad, whole, heights, line)

    def draw_actions(self, table: "_Table") -> None:
        self.text("Task and Finish actions", self.fonts.heading, self.left, self.width)
        self.y += self.mm(1)
        if not table.rows:
            place = "area" if isinstance(self.summary, AreaSummary) else "ward"
            self.text(
                f"No Task and Finish actions recorded for this {place}.",
                self.fonts.body,
                self.left,
                self.width,
            )
            return
        header_height = self.row_height(table.header, self.fonts.table_bold, table.pad)
        room = self.bottom - self.y - header_height
        fitting = 0
        used = 0.0
        for index, height in enumerate(table.heights):
            last = index == len(table.rows) - 1
            if used + height + (0 if last else table.least) > room:
                break
            fitting += 1
            used += height
        if fitting:
            self.draw_row(table.header, table.widths, self.fonts.table_bold, table.pad, HEADER_FILL)
        for row in table.rows[:fitting]:
            self.draw_row(row, table.widths, self.fonts.table, table.pad)
        left_out = len(table.rows) - fitting
        if left_out:
            self.y += table.pad
            if fitting:
                more = "1 more action" if left_out == 1 else f"{left_out} more actions"
                words = f"… and {more}: see Task and Finish actions in wardapp."
            else:
                more = "1 action" if left_out == 1 else f"{left_out} actions"
                words = f"{more} recorded: see Task and Finish actions in wardapp."
            self.text(words, self.fonts.body, self.left, self.width, max_lines=1)

    def cells(self, item: ActionOut, widths: list[float], pad: float) -> list[list[str]]:
        update = item.last_update
        latest = "None yet" if update is None else f"{day_words(update.on)}: {update.note}"
        texts = [
            item.title,
            item.lead_agency,
            day_words(item.due_on),
            PROGRESS_LABELS.get(item.progress, item.progress),
            latest,
        ]
        font = self.fonts.table
        return [
            self.wrap(text, font, width - 2 * pad, lines)
            for text, width, (_, _, lines) in zip(texts, widths, COLUMNS, strict=True)
        ]

    def row_height(self, row: list[list[str]], font: QFont, pad: float) -> float:
        lines = max((len(cell) for cell in row), default=1)
        return lines * self.line_height(font) + 2 * pad

    def draw_row(
        self,
        row: list[list[str]],
        widths: list[float],
        font: QFont,
        pad: float,
        fill: QColor | None = None,
    ) -> None:
        height = self.row_height(row, font, pad)
        if fill is not None:
            self.painter.fillRect(QRectF(self.left, self.y, self.width, height), fill)
        x = self.left
        for cell, width in zip(row, widths, strict=True):
            self.draw_lines(cell, font, x + pad, self.y + pad)
            x += width
        self.y += height
        self.painter.setPen(QPen(RULE, self.mm(0.2)))
        self.painter.drawLine(QPointF(self.left, self.y), QPointF(self.left + self.width, self.y))

    # --- text
    def line_height(self, font: QFont) -> float:
        return QFontMetricsF(font, self.device).lineSpacing()

    def wrap(self, text: str, font: QFont, width: float, max_lines: int | None = None) -> list[str]:
        """The lines ``text`` takes at ``width``; past ``max_lines`` the last ends in '…'."""
        text = " ".join(text.split())
        if not text:
            return [""]
        layout = QTextLayout(text, font, self.device)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        spans: list[tuple[int, int]] = []
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            spans.append((line.textStart(), line.textLength()))
        layout.endLayout()
        lines = [text[start : start + length].strip() for start, length in spans]
        if max_lines is not None and len(lines) > max_lines:
            rest = text[spans[max_lines - 1][0] :]
            metrics = QFontMetricsF(font, self.device)
            elided = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
            lines = [*lines[: max_lines - 1], elided]
        return lines

    def draw_lines(
        self, lines: list[str], font: QFont, x: float, y: float, colour: QColor = TEXT_COLOUR
    ) -> float:
        metrics = QFontMetricsF(font, self.device)
        self.painter.setPen(QPen(colour))
        self.painter.setFont(font)
        for line in lines:
            self.painter.drawText(QPointF(x, y + metrics.ascent()), line)
            y += metrics.lineSpacing()
        return y

    def text(
        self,
        text: str,
        font: QFont,
        x: float,
        width: float,
        colour: QColor = TEXT_COLOUR,
        max_lines: int | None = None,
    ) -> None:
        """A paragraph at the cursor, wrapped to ``width``; the cursor moves below it."""
        lines = self.wrap(text, font, width, max_lines)
        self.y = self.draw_lines(lines, font, x, self.y, colour)
