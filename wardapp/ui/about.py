"""The About box: wardapp's version, the licences of the map software it ships, and the
statements the ward boundaries' licence asks to be shown wherever they are reproduced.

Everything is read from the files installed with the app (resources/web/VENDORED.md, each
LICENSE under resources/web, resources/wards/LICENCE-boundaries.txt), so the box can never
drift from what is actually shipped. It is scrollable text that wraps to the window, so it
stays readable at 200% text size.
"""

import html
import re
from collections.abc import Iterator
from importlib.resources.abc import Traversable

from PySide6.QtGui import QTextCursor, QTextDocument, QTextLength, QTextTable
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from wardapp import __version__
from wardapp.core.resources import BOUNDARY_LICENCE, read_text, resource

VENDORED = "web/VENDORED.md"
ABOUT = (
    "Log community-safety reports on a map, offline if need be, and send them to your "
    "Community Safety Partnership's AIM store."
)
# Names as their authors write them; a licence file's folder (or suffix) names its package.
DISPLAY_NAMES = {"leaflet": "Leaflet", "supercluster": "supercluster", "kdbush": "kdbush"}
LICENCE_FILE = re.compile(r"^LICEN[CS]E(\.(?P<package>[\w-]+))?$", re.IGNORECASE)
URL = re.compile(r"https?://[^\s)<>\"]+")


def licence_files() -> Iterator[tuple[str, str]]:
    """(package name, licence text) for every LICENSE file under resources/web, in order."""

    def walk(folder: Traversable) -> Iterator[tuple[str, str]]:
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                yield from walk(entry)
                continue
            match = LICENCE_FILE.match(entry.name)
            if match:
                package = match.group("package") or folder.name
                yield DISPLAY_NAMES.get(package, package), entry.read_text(encoding="utf-8")

    yield from walk(resource("web"))


def vendored_markdown() -> str:
    """VENDORED.md without its title and its instructions for maintainers."""
    paragraphs = read_text(VENDORED).split("\n\n")
    kept = [p for p in paragraphs if not p.lstrip().startswith(("# ", "To update"))]
    return "\n\n".join(kept)


def text_as_html(text: str) -> str:
    """A plain-text licence as paragraphs that wrap with the window.

    Lines of a paragraph are joined, except where the text is laid out line by line (an
    indented block, or every line short, such as copyright lines): those keep their breaks.
    """
    blocks = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in paragraph.splitlines() if line.strip()]
        by_line = len(lines) > 1 and (
            lines[0].startswith(" ") or all(len(line) < 60 for line in lines)
        )
        words = [_linked(html.escape(line.strip())) for line in lines]
        blocks.append("<p>" + ("<br>" if by_line else " ").join(words) + "</p>")
    return "\n".join(blocks)


def _linked(escaped: str) -> str:
    return URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)


def _fit_tables(document: QTextDocument) -> None:
    """Tables as wide as the window and no wider: their cells wrap instead."""
    for frame in document.rootFrame().childFrames():
        if isinstance(frame, QTextTable):
            table_format = frame.format()
            # 99%: at 100% the table's border pushes it one pixel past the window
            table_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 99))
            frame.setFormat(table_format)


def about_document() -> QTextDocument:
    """The About text: version, map software and its licences, the boundaries' statements."""
    document = QTextDocument()
    cursor = QTextCursor(document)
    cursor.insertHtml(
        f"<h2>wardapp {html.escape(__version__)}</h2><p>{html.escape(ABOUT)}</p>"
        "<h3>Map software</h3>"
    )
    cursor.insertBlock()
    cursor.insertMarkdown(vendored_markdown())
    _fit_tables(document)
    for package, text in licence_files():
        cursor.insertBlock()
        cursor.insertHtml(f"<h3>Licence of {html.escape(package)}</h3>{text_as_html(text)}")
    cursor.insertBlock()
    cursor.insertHtml("<h3>Ward boundaries</h3>" + text_as_html(read_text(BOUNDARY_LICENCE)))
    return document


class AboutDialog(QDialog):
    """Scrollable About text with a Close button; opened from Help > About."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About wardapp")
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)  # links open in the user's own browser
        self.text.setAccessibleName("About wardapp")
        self.text.setAccessibleDescription("Version, licences and data sources. Scroll to read.")
        self.document = about_document()
        self.text.setDocument(self.document)
        close = QPushButton("Close")
        close.setAccessibleName("Close")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons = QDialogButtonBox()
        buttons.addButton(close, QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = close
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        # Sized in characters so it follows the text size, never larger than the screen.
        screen = self.screen().availableGeometry()
        metrics = self.fontMetrics()
        self.resize(
            min(metrics.averageCharWidth() * 80, int(screen.width() * 0.9)),
            min(metrics.lineSpacing() * 30, int(screen.height() * 0.85)),
        )
        self.text.setFocus()

    def plain_text(self) -> str:
        return self.document.toPlainText()
