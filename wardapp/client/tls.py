"""Which certificates the app trusts, decided here and nowhere else.

With a certificate file in Settings (a partnership's own CA), that file alone is trusted.
Without one, the operating system's trust store is, through truststore: the Windows and
macOS certificate stores, and on Linux OpenSSL's system bundle (which SSL_CERT_FILE and
SSL_CERT_DIR may point elsewhere, as for every program on the machine).

requests would otherwise let REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE replace the file chosen
in Settings, fall back to its own copy of Mozilla's list, and switch checks off for any
call that asks it to. ``VerifiedAdapter`` ignores all of these: every HTTPS
connection through it is checked against the context given here, or not made.
"""

import ssl
from pathlib import Path
from typing import TYPE_CHECKING, Any

import truststore
from requests import PreparedRequest
from requests.adapters import HTTPAdapter

from wardapp.client.errors import ClientError

if TYPE_CHECKING:
    from requests.adapters import _HostParams, _PoolKwargs


class CertificateFileUnusable(ClientError):
    """The certificate file named in Settings cannot be read as CA certificates."""


def trust_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """A client context that checks certificates and names against the chosen trust."""
    if not ca_bundle:
        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    path = Path(ca_bundle).expanduser()
    try:
        if path.is_dir():
            return ssl.create_default_context(capath=str(path))
        return ssl.create_default_context(cafile=str(path))
    except FileNotFoundError:
        raise CertificateFileUnusable(
            f"There is no file at {path}, the certificate file chosen in Settings. "
            "Plug in the drive it is on, or choose the file again in Settings."
        ) from None
    except (ssl.SSLError, OSError, ValueError):
        raise CertificateFileUnusable(
            f"{path} is not a certificate file wardapp can use (it should hold the "
            "partnership's CA certificates in PEM format). Choose it again in Settings."
        ) from None


class VerifiedAdapter(HTTPAdapter):
    """An HTTPAdapter whose TLS trust is one context, whatever a request or the environment asks."""

    def __init__(self, context: ssl.SSLContext, **kwargs: Any) -> None:
        self.context = context
        super().__init__(**kwargs)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        pool_kwargs["ssl_context"] = self.context
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """Through a proxy (HTTPS_PROXY is still honoured) the store is checked the same way."""
        proxy_kwargs["ssl_context"] = self.context
        return super().proxy_manager_for(proxy, **proxy_kwargs)

    def build_connection_pool_key_attributes(
        self,
        request: PreparedRequest,
        verify: bool | str,
        cert: str | tuple[str, str] | None = None,
    ) -> "tuple[_HostParams, _PoolKwargs]":
        """As for ``verify=True`` whatever was asked: no CA file is added to the context, and
        its checks are never switched off (urllib3 sets them on the shared context)."""
        return super().build_connection_pool_key_attributes(request, True, cert)

    def cert_verify(self, conn: Any, url: str, verify: bool | str | None, cert: Any) -> None:
        """Certificates always required; no CA file beside the context's own is loaded."""
        conn.cert_reqs = "CERT_REQUIRED"
        conn.ca_certs = None
        conn.ca_cert_dir = None
