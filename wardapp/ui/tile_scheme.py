"""The ``wardtiles:`` URL scheme: street-map tiles for the page from a file or the tile cache.

The page never talks to a tile server itself (its request guard blocks the network); it asks
for ``wardtiles://mbtiles/{z}/{x}/{y}`` or ``wardtiles://online/{z}/{x}/{y}`` and this handler
answers from the source the app has set. Anything else is refused, so the page cannot use the
scheme to read other files. Reading a tile may wait on the network, so it happens on a worker
thread and the answer is given back on the GUI thread.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import shiboken6
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QObject,
    QThreadPool,
    QUrl,
    Signal,
)
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from wardapp.client.mbtiles import content_type
from wardapp.core.tilemath import is_tile

SCHEME = "wardtiles"
SOURCE_HOSTS = ("mbtiles", "online")
TILE_PATH = re.compile(r"/(\d{1,2})/(\d{1,8})/(\d{1,8})")
GENERATION = re.compile(r"v=(\d{1,9})")
MAX_REFUSED_KEPT = 100  # refused URLs remembered for the self-test and tests
WORKERS = 4  # like a browser's few connections per host; the server is not hammered


class TileSource(Protocol):
    """An MBTiles file or an online server (through its cache)."""

    @property
    def kind(self) -> str: ...  # "mbtiles" or "online": the URL host it answers

    def tile(self, z: int, x: int, y: int) -> bytes | None: ...

    def close(self) -> None: ...


def register_tile_scheme() -> bool:
    """Registers ``wardtiles:`` with Chromium; only possible before the QApplication exists.

    Returns True when the scheme is registered (now or earlier), False when it is too late.
    """
    if bytes(QWebEngineUrlScheme.schemeByName(QByteArray(SCHEME.encode())).name().data()):
        return True
    if QCoreApplication.instance() is not None:
        return False
    scheme = QWebEngineUrlScheme(QByteArray(SCHEME.encode()))
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    # Local: only a page allowed local access (the map page, on wardapp:) may load these
    # tiles; no web page could ever read them.
    scheme.setFlags(QWebEngineUrlScheme.Flag.LocalScheme | QWebEngineUrlScheme.Flag.SecureScheme)
    QWebEngineUrlScheme.registerScheme(scheme)
    return True


@dataclass(frozen=True)
class TileRequest:
    host: str
    z: int
    x: int
    y: int
    generation: int | None


def parse_tile_url(url: QUrl) -> TileRequest | None:
    """The tile a ``wardtiles:`` URL names; None for anything that is not exactly one tile."""
    host, query = url.host(), url.query()
    match = TILE_PATH.fullmatch(url.path())
    version = GENERATION.fullmatch(query) if query else None
    if url.scheme() != SCHEME or host not in SOURCE_HOSTS or match is None:
        return None
    if url.userInfo() or url.port() != -1 or url.hasFragment() or (query and version is None):
        return None
    z, x, y = (int(v) for v in match.groups())
    if not is_tile(z, x, y):
        return None
    return TileRequest(host, z, x, y, int(version.group(1)) if version else None)


class _Relay(QObject):
    """Carries a finished tile from a worker thread back to the GUI thread."""

    done = Signal(int, object)


class TileSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``wardtiles:`` requests from the source set with ``set_source``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: TileSource | None = None
        self.generation = 0
        self.refused: list[str] = []
        self.served = 0
        self.missing = 0
        self._jobs: dict[int, tuple[QWebEngineUrlRequestJob, int]] = {}
        self._next_id = 0
        self._relay = _Relay(self)
        self._relay.done.connect(self._deliver)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(WORKERS)

    @property
    def source(self) -> TileSource | None:
        return self._source

    def set_source(self, source: TileSource | None) -> int:
        """Serves tiles from ``source`` (closing the one before); returns the new generation.

        The generation goes in the page's tile URLs (``?v=N``), so no tile of an earlier
        source can be drawn after a switch.
        """
        old, self._source = self._source, source
        self.generation += 1
        if old is not None and old is not source:
            old.close()
        return self.generation

    def shutdown(self) -> None:
        """At quit: drop waiting tile reads and close the source, so quitting never waits
        on a slow map server for tiles nobody will see."""
        self.pool.clear()
        self.set_source(None)

    def url_template(self) -> str | None:
        """The URL the page's tile layer uses for the current source."""
        if self._source is None:
            return None
        return f"{SCHEME}://{self._source.kind}/{{z}}/{{x}}/{{y}}?v={self.generation}"

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        tile = parse_tile_url(url)
        source = self._source
        if tile is None or bytes(job.requestMethod().data()) != b"GET":
            if len(self.refused) < MAX_REFUSED_KEPT:
                self.refused.append(url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.UrlInvalid)
            return
        generation = self.generation if tile.generation is None else tile.generation
        if source is None or tile.host != source.kind or generation != self.generation:
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)  # an earlier layer's tile
            return
        self._next_id += 1
        job_id = self._next_id
        self._jobs[job_id] = (job, generation)
        job.destroyed.connect(lambda *_: self._jobs.pop(job_id, None))
        reply, jobs = self._relay.done.emit, self._jobs
        self.pool.start(
            _reader(source, tile, lambda: job_id in jobs, lambda data: reply(job_id, data))
        )

    def _deliver(self, job_id: int, data: object) -> None:
        entry = self._jobs.pop(job_id, None)
        if entry is None:
            return  # the page stopped wanting this tile (zoomed away)
        job, generation = entry
        if not shiboken6.isValid(job):
            return
        kind = content_type(data) if isinstance(data, bytes) else None
        if generation != self.generation:
            job.fail(QWebEngineUrlRequestJob.Error.RequestAborted)
        elif kind is None or not isinstance(data, bytes):
            self.missing += 1
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
        else:
            buffer = QBuffer(job)  # the job owns the buffer: freed together
            buffer.setData(QByteArray(data))
            buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.served += 1
            job.reply(QByteArray(kind.encode()), buffer)


def _reader(
    source: TileSource,
    tile: TileRequest,
    wanted: Callable[[], bool],
    done: Callable[[bytes | None], None],
) -> Callable[[], None]:
    def run() -> None:
        if not wanted():  # the page moved on while this waited: ask no server for it
            return
        try:
            data = source.tile(tile.z, tile.x, tile.y)
        except Exception:  # a broken source gives a missing tile, never a dead worker
            data = None
        done(data)

    return run


_handler: TileSchemeHandler | None = None


def tile_scheme_handler() -> TileSchemeHandler:
    """The one handler on the process's web profile (a scheme takes one handler)."""
    global _handler
    if _handler is None:
        profile = QWebEngineProfile.defaultProfile()
        _handler = TileSchemeHandler(profile)
        profile.installUrlSchemeHandler(QByteArray(SCHEME.encode()), _handler)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(_handler.shutdown)
    return _handler
