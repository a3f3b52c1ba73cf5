"""Street-map tiles from an online tile server the user configured, through the tile cache.

Only used when the user sets a server. Every tile fetched is kept in the cache, so the map
keeps working when the network goes. Saving an area for offline use fetches many tiles at
once, which most public tile servers forbid: it runs only when the settings say the server
allows it and the server is not on the list of public ones that refuse it, and it goes
slowly (a few requests a second) with an honest User-Agent.
"""

import hashlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from urllib3.util.retry import Retry

from wardapp import __version__
from wardapp.client.api import is_loopback, url_host
from wardapp.client.errors import ClientError
from wardapp.client.mbtiles import content_type
from wardapp.client.tilecache import TileCache
from wardapp.client.tls import VerifiedAdapter, trust_context
from wardapp.core.tilemath import Bounds, count_tiles, is_tile, tiles_in

USER_AGENT = f"wardapp/{__version__} (community safety mapping)"
MAX_BULK_TILES = 5_000
BULK_RATE_PER_S = 4.0
TYPICAL_TILE_BYTES = 20_000  # a street-map PNG at 256 px, for the "will it fit" check
MAX_TILE_BYTES = 2 * 1024 * 1024  # a tile is tens of kilobytes; past this it is refused
READ_CHUNK = 64 * 1024
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
OFFLINE_BACKOFF_S = 20.0
# Public servers whose usage policy forbids bulk downloading ("save this area") without
# permission. Matched as the host or any host under it; viewing tiles is still allowed.
BULK_REFUSED_HOSTS = (
    "openstreetmap.org",
    "osm.org",
    "openstreetmap.fr",
    "openstreetmap.de",
    "opentopomap.org",
    "arcgisonline.com",
)
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
SUBDOMAINS = "abc"


class TileServerInvalid(ClientError):
    """The tile server address in the settings cannot be used."""


class BulkFetchRefused(ClientError):
    """Saving this area for offline use is not allowed, or is too big; the message says why."""


@dataclass(frozen=True)
class SaveAreaResult:
    total: int
    fetched: int
    already_saved: int
    failed: int
    cancelled: bool
    unreachable: bool = False

    @property
    def message(self) -> str:
        done = self.fetched + self.already_saved
        if self.unreachable:
            return (
                f"The map server could not be reached, so {self.total - done:,} of "
                f"{self.total:,} map pieces were not saved. Check the network and try again."
            )
        if self.cancelled:
            return f"Stopped. {done:,} of {self.total:,} map pieces of this area are saved."
        if self.failed:
            return (
                f"{done:,} of {self.total:,} map pieces saved; {self.failed:,} could not be "
                "fetched (is the network working?). Try again to fetch the rest."
            )
        return f"This area is saved for offline use ({self.total:,} map pieces)."


def check_tile_url(template: str) -> str:
    """A usable {z}/{x}/{y} template: HTTPS, or plain HTTP only to this computer."""
    template = template.strip()
    names = set(PLACEHOLDER.findall(template))
    if not {"z", "x", "y"} <= names or not names <= {"z", "x", "y", "s"}:
        raise TileServerInvalid(
            "The map server's address must contain {z}, {x} and {y} (and nothing else in "
            "curly brackets except {s}), for example https://tiles.example.org/{z}/{x}/{y}.png"
        )
    example = template.replace("{s}", "a")
    host = url_host(example) or ""  # none for an address parsers could read differently
    scheme = urlsplit(example).scheme if host else ""
    if scheme == "https" and "{" not in host:
        return template
    if scheme == "http" and is_loopback(host):
        return template
    shown = "".join(ch for ch in template if ch.isprintable())
    raise TileServerInvalid(
        f"“{shown}” cannot be used as a map server: its address must start with https:// "
        "(plain http:// is only allowed for this computer), with no user name, spaces or "
        "backslashes in it."
    )


def tile_host(template: str) -> str:
    try:
        return (urlsplit(template.replace("{s}", "a")).hostname or "").lower()
    except ValueError:
        return ""


def read_capped(response: requests.Response, cap: int = MAX_TILE_BYTES) -> bytes | None:
    """The body, unpacked, if it is no longer than ``cap``; None (having read at most a
    little past the cap) if it is, or if its stated length is nonsense."""
    stated = response.headers.get("Content-Length")
    if stated is not None and not (stated.isdigit() and int(stated) <= cap):
        return None
    body = bytearray()
    for chunk in response.iter_content(READ_CHUNK):
        body += chunk
        if len(body) > cap:
            return None
    return bytes(body)


def bulk_refused_host(template: str) -> bool:
    """True for public servers whose policy forbids saving areas in bulk."""
    host = tile_host(template).rstrip(".")
    return any(host == h or host.endswith("." + h) for h in BULK_REFUSED_HOSTS)


class OnlineTiles:
    """``tile(z, x, y)``: the cache first, then the server; None when neither has it."""

    kind = "online"

    def __init__(
        self,
        url_template: str,
        cache: TileCache,
        user_agent: str = USER_AGENT,
        *,
        bulk_allowed: bool = False,
        rate_per_s: float = BULK_RATE_PER_S,
        max_bulk_tiles: int = MAX_BULK_TILES,
        offline_backoff_s: float = OFFLINE_BACKOFF_S,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
    ) -> None:
        self.url_template = check_tile_url(url_template)
        self.cache = cache
        self.user_agent = user_agent
        self.bulk_allowed = bulk_allowed
        self.rate_per_s = rate_per_s
        self.max_bulk_tiles = max_bulk_tiles
        self.offline_backoff_s = offline_backoff_s
        self.timeout = timeout
        # tiles of different servers never mix in the shared cache
        self.source_id = hashlib.sha256(self.url_template.encode()).hexdigest()[:16]
        self.fetched = 0
        self.offline = 0  # tiles not fetched because the server could not be reached
        self.not_found = 0
        self._offline_until = 0.0
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._closed = False
        self._trust = trust_context()  # the system's store; see wardapp.client.tls

    def key(self, z: int, x: int, y: int) -> str:
        return f"{self.source_id}/{z}/{x}/{y}"

    def url(self, z: int, x: int, y: int) -> str:
        values = {"z": str(z), "x": str(x), "y": str(y), "s": SUBDOMAINS[(x + y) % 3]}
        return PLACEHOLDER.sub(lambda m: values[m.group(1)], self.url_template)

    def _session(self) -> requests.Session:
        """One session per thread: requests does not promise a shared one is thread-safe."""
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = self.user_agent
            retries = Retry(
                total=1, connect=0, read=0, status=1, backoff_factor=0.5,
                status_forcelist=(502, 503, 504), allowed_methods=("GET",),
                raise_on_status=False, respect_retry_after_header=False,  # never sleep for hours
            )  # fmt: skip
            adapter = VerifiedAdapter(
                self._trust, pool_connections=1, pool_maxsize=2, max_retries=retries
            )
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if not is_tile(z, x, y) or self._closed:
            return None
        data = self.cache.get(self.key(z, x, y))
        if data is not None:
            return data
        return self.fetch(z, x, y)

    def fetch(self, z: int, x: int, y: int) -> bytes | None:
        """From the server into the cache; None at once while the server is unreachable."""
        if time.monotonic() < self._offline_until:
            self.offline += 1
            return None
        try:
            # No redirects: they could lead past the address checks (to plain http elsewhere).
            # Streamed, so that an oversized answer is cut off rather than read whole.
            with self._session().get(
                self.url(z, x, y), timeout=self.timeout, allow_redirects=False, stream=True
            ) as response:
                data = read_capped(response) if response.status_code == 200 else None
        except requests.RequestException:
            self._offline_until = time.monotonic() + self.offline_backoff_s
            self.offline += 1
            return None
        if data is None or content_type(data) is None:
            # a 404, a 5xx, an HTML error page or an oversized answer is never cached
            self.not_found += 1
            return None
        self._offline_until = 0.0
        self.fetched += 1
        self.cache.put(self.key(z, x, y), data)
        return data

    # --- saving an area --------------------------------------------------------------------
    def bulk_refusal(self, bounds: Bounds, zooms: range) -> str | None:
        """Why this area cannot be saved for offline use, in plain words; None if it can."""
        if bulk_refused_host(self.url_template):
            return (
                f"The map server {tile_host(self.url_template)} does not allow whole areas to "
                "be saved for offline use. Areas you look at are still kept for offline use. "
                "To save whole areas, use the partnership's own map server or an MBTiles file."
            )
        if not self.bulk_allowed:
            return (
                "Saving whole areas is switched off for this map server. In Settings, tick "
                "“This map server allows saving areas for offline use” only if its owner has "
                "said so. Areas you look at are still kept for offline use."
            )
        total = count_tiles(bounds, zooms)
        if total > self.max_bulk_tiles:
            return (
                f"That area needs {total:,} map pieces, more than the {self.max_bulk_tiles:,} "
                "that can be saved at once. Zoom in to a smaller area, or save fewer zoom "
                "levels, and try again."
            )
        if total * TYPICAL_TILE_BYTES > self.cache.max_bytes:
            return (
                "There is not enough disk space set aside for that area. Give more “Disk space "
                "for saved map pieces” in Settings, or save a smaller area."
            )
        return None

    def save_area(
        self,
        bounds: Bounds,
        zooms: range,
        progress: Callable[[int, int], None],
        cancel: threading.Event,
    ) -> SaveAreaResult:
        """Fetches every missing tile of the area; ``progress(done, total)`` after each one.

        Raises BulkFetchRefused when the server's policy, the settings or the size say no.
        Tiles already in the cache cost no request; requests are spaced to ``rate_per_s``.
        """
        refusal = self.bulk_refusal(bounds, zooms)
        if refusal is not None:
            raise BulkFetchRefused(refusal)
        total = count_tiles(bounds, zooms)
        interval = 1.0 / self.rate_per_s if self.rate_per_s > 0 else 0.0
        fetched = already = failed = done = 0
        unreachable = False
        next_slot = time.monotonic()
        progress(0, total)
        for z, x, y in tiles_in(bounds, zooms):
            if cancel.is_set() or self._closed:
                break
            if self.cache.touch(self.key(z, x, y)):
                already += 1
            else:
                wait = next_slot - time.monotonic()
                if wait > 0 and cancel.wait(wait):
                    break
                next_slot = max(next_slot, time.monotonic()) + interval
                self._offline_until = 0.0  # try the server now, even after a recent failure
                offline_before = self.offline
                if self.fetch(z, x, y) is not None:
                    fetched += 1
                elif self.offline > offline_before:
                    unreachable = True  # no network: stop rather than wait on every tile
                    break
                else:
                    failed += 1
            done += 1
            progress(done, total)
        cancelled = done < total and not unreachable
        return SaveAreaResult(total, fetched, already, failed, cancelled, unreachable)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
