"""The AIM store's HTTP API as the app uses it: one pooled session, timeouts, TLS always on.

Every failure becomes one of a few exceptions the sync engine can decide on; nothing here
retries beyond urllib3's short, jittered retries of a request that is safe to repeat (all
of ours are: the batch upload is idempotent). Redirects are never followed: a request
carries a password, tokens or residents' contact details, and a redirect could send it
again, past the address checks, to any host and in clear.
"""

import contextlib
import ipaddress
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import requests
from urllib3.util import parse_url
from urllib3.util.retry import Retry

from wardapp import __version__
from wardapp.client.errors import UnsafeServerUrl
from wardapp.client.tls import CertificateFileUnusable, VerifiedAdapter, trust_context
from wardapp.core.schemas import (
    PAGE_MAX,
    BatchResponse,
    Page,
    ReportOut,
    TokenResponse,
    WardActions,
)
from wardapp.core.summary_schemas import AreaList, AreaSummary, Overview, WardSummary
from wardapp.core.taxonomy import Taxonomy

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0
SHOWN_ADDRESS_CHARS = 200  # of an address, in a message
_AMBIGUOUS = re.compile(r"[\s\\\x00-\x1f\x7f]")  # whitespace, backslash, control characters


class Unreachable(Exception):
    """No answer: no network, DNS, refused, timed out, or TLS failure."""


@dataclass
class ServerTrouble(Exception):
    """The server answered but could not serve now (5xx, 429); try again later."""

    status: int
    retry_after: float | None = None
    message: str = ""  # what the store said, when it said something (a sign-in lock)


class Unauthorised(Exception):
    """401: the access token is missing or expired, or the sign-in was refused."""


@dataclass
class Refused(Exception):
    """Any other 4xx: the request itself is wrong; repeating it will not help."""

    status: int
    message: str


class Redirected(Refused):
    """3xx: the store's address answered with a redirect, which is not followed."""


def url_host(url: str) -> str | None:
    """The host a request to ``url`` would reach; None for an address that is ambiguous.

    The checks here read an address with urlsplit, but urllib3 makes the connection: an
    address they read differently (``http://elsewhere\\@127.0.0.1``), or one that names a
    user (``https://aim.example.org@elsewhere``), spaces or control characters, could pass
    for one host and reach another, so it has no host at all.
    """
    if _AMBIGUOUS.search(url):
        return None
    try:
        parts = urlsplit(url)
        theirs = parse_url(url).host
    except ValueError:  # a malformed address, such as an unclosed [
        return None
    ours = parts.hostname
    if not ours or "@" in parts.netloc or theirs is None:
        return None
    spellings = {ours}
    with contextlib.suppress(UnicodeError):  # urllib3 connects to bücher.example as xn--…
        spellings.add(ours.encode("idna").decode("ascii"))
    return ours if theirs.strip("[]").lower() in spellings else None


def check_server_url(url: str) -> str:
    """HTTPS anywhere; plain HTTP only to this machine (demo mode and tests)."""
    url = url.strip()
    host = url_host(url)
    parts = urlsplit(url)
    scheme = parts.scheme if host and not (parts.query or parts.fragment) else ""
    if scheme == "https" or (scheme == "http" and host and is_loopback(host)):
        return url.rstrip("/")
    shown = "".join(ch for ch in url if ch.isprintable())[:SHOWN_ADDRESS_CHARS]
    raise UnsafeServerUrl(
        f"'{shown}' is not a safe AIM store address: use https://, or http:// only for this "
        "computer (127.0.0.1 or localhost), with no user name, spaces or backslashes in it."
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class AimStoreApi:
    def __init__(self, base_url: str, ca_bundle: str | None = None) -> None:
        self.base_url = check_server_url(base_url)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = f"wardapp/{__version__}"
        retries = Retry(
            total=2,
            connect=2,
            read=1,
            status=0,
            backoff_factor=0.3,
            backoff_jitter=0.3,
            allowed_methods=None,
            raise_on_status=False,
        )
        # A certificate file that cannot be read leaves the profile usable offline; every
        # request then says why instead of being sent with other checks.
        self.trust_problem: str | None = None
        try:
            context = trust_context(ca_bundle)
        except CertificateFileUnusable as exc:
            self.trust_problem, context = str(exc), trust_context(None)
        adapter = VerifiedAdapter(context, pool_connections=2, pool_maxsize=4, max_retries=retries)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)

    def close(self) -> None:
        self.session.close()

    def _call(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        if self.trust_problem is not None:
            raise Unreachable(self.trust_problem)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                headers=headers,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                allow_redirects=False,
                **kwargs,
            )
        except requests.exceptions.SSLError as exc:
            raise Unreachable(f"The AIM store's certificate could not be verified: {exc}") from exc
        except requests.RequestException as exc:
            raise Unreachable(
                f"The AIM store could not be reached ({type(exc).__name__})."
            ) from exc
        if 300 <= response.status_code < 400:
            raise Redirected(response.status_code, _redirect_message(response))
        if response.status_code == 401:
            raise Unauthorised(_message(response))
        if response.status_code == 429 or response.status_code >= 500:
            said = _message(response) if response.status_code == 429 else ""
            raise ServerTrouble(response.status_code, _retry_after(response), said[:300])
        if response.status_code >= 400:
            raise Refused(response.status_code, _message(response))
        return response.json() if response.content else None

    def sign_in(
        self, username: str, password: str, device_name: str, device_token: str | None = None
    ) -> TokenResponse:
        """``device_token``: this device's last refresh token, which passes a lock others caused."""
        body = {"username": username, "password": password, "device_name": device_name}
        if device_token:
            body["device_token"] = device_token
        return TokenResponse.model_validate(self._call("POST", "/v1/auth/token", json=body))

    def refresh(self, refresh_token: str) -> TokenResponse:
        body = {"refresh_token": refresh_token}
        return TokenResponse.model_validate(self._call("POST", "/v1/auth/refresh", json=body))

    def sign_out(self, token: str) -> None:
        self._call("POST", "/v1/auth/logout", token)

    def upload(self, token: str, reports: list[dict[str, Any]]) -> BatchResponse:
        data = self._call("POST", "/v1/reports/batch", token, json={"reports": reports})
        return BatchResponse.model_validate(data)

    def my_reports(
        self, token: str, since: str | None, cursor: str | None, limit: int = PAGE_MAX
    ) -> Page[ReportOut]:
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        if cursor:
            params["cursor"] = cursor
        data = self._call("GET", "/v1/reports/mine", token, params=params)
        return Page[ReportOut].model_validate(data)

    def taxonomy(self, token: str) -> Taxonomy:
        return Taxonomy.model_validate(self._call("GET", "/v1/taxonomy", token))

    def ward_actions(self, token: str, ward_code: str) -> WardActions:
        data = self._call("GET", f"/v1/wards/{quote(ward_code, safe='')}/actions", token)
        return WardActions.model_validate(data)

    def wards(self, token: str) -> dict[str, Any]:
        data: dict[str, Any] = self._call("GET", "/v1/wards", token)
        return data

    # Anonymised summaries: a period that has not ended answers 409, a malformed one 422
    # (both become Refused with the server's sentence).
    def ward_summary(self, token: str, code: str, period: str) -> WardSummary:
        path = f"/v1/summaries/wards/{quote(code, safe='')}"
        data = self._call("GET", path, token, params={"period": period})
        return WardSummary.model_validate(data)

    def area_summary(self, token: str, code: str, period: str) -> AreaSummary:
        path = f"/v1/summaries/areas/{quote(code, safe='')}"
        data = self._call("GET", path, token, params={"period": period})
        return AreaSummary.model_validate(data)

    def overview(self, token: str, period: str) -> Overview:
        data = self._call("GET", "/v1/summaries/overview", token, params={"period": period})
        return Overview.model_validate(data)

    def areas(self, token: str) -> AreaList:
        return AreaList.model_validate(self._call("GET", "/v1/areas", token))


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
        return str(body.get("message") or body)
    except ValueError:
        return f"HTTP {response.status_code}"


def _redirect_message(response: requests.Response) -> str:
    """Where the redirect pointed, printable and short, and what the councillor can do."""
    location = response.headers.get("Location")
    if not location:
        return (
            f"The AIM store answered with a redirect (HTTP {response.status_code}); "
            "check the store's address in Settings."
        )
    target = "".join(ch for ch in urljoin(response.url, location) if ch.isprintable())
    if len(target) > SHOWN_ADDRESS_CHARS:
        target = target[:SHOWN_ADDRESS_CHARS] + "…"
    return (
        f"The AIM store answered with a redirect to {target}; "
        "check the store's address in Settings."
    )
