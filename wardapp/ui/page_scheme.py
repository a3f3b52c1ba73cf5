"""The ``wardapp:`` URL scheme: the map page and its vendored scripts, styles and images.

Served this way (not as file:// URLs) the page is not "local file content", so Chromium can
be told to let it read no file at all (``harden_profile``), and the page's
Content-Security-Policy can name the one scheme its scripts may come from. The handler
serves only the files it was given: the built map pages by name and the files under
``resources/web`` with a known type, looked up in a table; any other URL is refused.
"""

import re
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QFile, QIODevice, QObject, QUrl
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineSettings,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from wardapp.core.resources import resource

SCHEME = "wardapp"
HOST = "map"
ORIGIN = f"{SCHEME}://{HOST}"
WEB_PREFIX = "/web/"
PAGE_PREFIX = "/page/"
QWEBCHANNEL_PATH = "/qtwebchannel/qwebchannel.js"
QWEBCHANNEL_URL = ORIGIN + QWEBCHANNEL_PATH
TYPES = {
    ".js": b"text/javascript",
    ".css": b"text/css",
    ".png": b"image/png",
    ".html": b"text/html",
}
PAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}\.html")
MAX_REFUSED_KEPT = 100


def register_page_scheme() -> bool:
    """Registers ``wardapp:`` with Chromium; only possible before the QApplication exists."""
    if bytes(QWebEngineUrlScheme.schemeByName(QByteArray(SCHEME.encode())).name().data()):
        return True
    if QCoreApplication.instance() is not None:
        return False
    scheme = QWebEngineUrlScheme(QByteArray(SCHEME.encode()))
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    # Local: no web page may load it. LocalAccessAllowed: the page may show the tiles of the
    # (local) wardtiles: scheme. Secure: like https, so nothing is "mixed content".
    flags = QWebEngineUrlScheme.Flag
    scheme.setFlags(flags.LocalScheme | flags.LocalAccessAllowed | flags.SecureScheme)
    QWebEngineUrlScheme.registerScheme(scheme)
    return True


def web_asset_url(relative_path: str) -> str:
    """The URL of a file under ``resources/web`` (or of the folder, for a trailing "/")."""
    return f"{ORIGIN}{WEB_PREFIX}{relative_path}"


def _web_files() -> dict[str, Path]:
    """Every servable file under resources/web, by URL path: a fixed table, not a lookup."""
    root = Path(str(resource("web"))).resolve()
    return {
        WEB_PREFIX + path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix in TYPES
    }


def _qwebchannel_script() -> bytes:
    """Qt's own QWebChannel client, from its resources (where qrc:/// would have read it)."""
    file = QFile(":/qtwebchannel/qwebchannel.js")
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        return b""
    try:
        return bytes(file.readAll().data())
    finally:
        file.close()


class PageSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``wardapp://map/...`` from a table of known files; refuses everything else."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._files = _web_files()
        self._qwebchannel = _qwebchannel_script()
        self.refused: list[str] = []
        self.served = 0

    def page_url(self, path: Path) -> QUrl:
        """Serves the built page at ``path`` from now on; returns the URL to load it by."""
        if PAGE_NAME.fullmatch(path.name) is None:
            raise ValueError(f"not a map page's file name: {path.name}")
        self._files[PAGE_PREFIX + path.name] = path
        return QUrl(ORIGIN + PAGE_PREFIX + path.name)

    def file_for(self, url: QUrl) -> Path | str | None:
        """The file a URL names, the QWebChannel script (its path as a str), or None."""
        if url.scheme() != SCHEME or url.host() != HOST:
            return None
        if url.userInfo() or url.port() != -1 or url.hasQuery() or url.hasFragment():
            return None
        # The path exactly as sent: "%2e%2e" or "%2f" never becomes ".." or "/" here.
        path = url.path(QUrl.ComponentFormattingOption.FullyEncoded)
        if path == QWEBCHANNEL_PATH:
            return path
        return self._files.get(path)

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        found = self.file_for(url) if bytes(job.requestMethod().data()) == b"GET" else None
        data: bytes | None
        if isinstance(found, str):
            data, kind = self._qwebchannel, TYPES[".js"]
        elif found is not None:
            try:
                data, kind = found.read_bytes(), TYPES[found.suffix]
            except OSError:
                data, kind = None, b""
        else:
            data, kind = None, b""
        if not data:
            if len(self.refused) < MAX_REFUSED_KEPT:
                self.refused.append(url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)  # the job owns the buffer: freed together
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.served += 1
        job.reply(QByteArray(kind), buffer)


def harden_profile(profile: QWebEngineProfile) -> None:
    """What the page may do, whatever script gets into it: read no file, reach no remote
    URL, open no window."""
    settings = profile.settings()
    attribute = QWebEngineSettings.WebAttribute
    settings.setAttribute(attribute.LocalContentCanAccessFileUrls, False)
    settings.setAttribute(attribute.LocalContentCanAccessRemoteUrls, False)
    settings.setAttribute(attribute.JavascriptCanOpenWindows, False)
    settings.setAttribute(attribute.JavascriptCanAccessClipboard, False)
    settings.setAttribute(attribute.JavascriptCanPaste, False)


_handler: PageSchemeHandler | None = None


def page_scheme_handler() -> PageSchemeHandler:
    """The one handler on the process's web profile, which it also hardens."""
    global _handler
    if _handler is None:
        profile = QWebEngineProfile.defaultProfile()
        _handler = PageSchemeHandler(profile)
        profile.installUrlSchemeHandler(QByteArray(SCHEME.encode()), _handler)
        harden_profile(profile)
    return _handler
