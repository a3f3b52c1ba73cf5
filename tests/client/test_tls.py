"""TLS against a real local server whose certificate comes from a CA made for the test.

Which certificates the app trusts is decided in one place (wardapp.client.tls): the
certificate file in Settings when one is given, else the operating system's trust store.
Variables such as REQUESTS_CA_BUNDLE, common on managed machines, never change that.
"""

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.loopback import ConnectProxy, LocalAuthority, LoopbackServer
from wardapp.client.api import AimStoreApi, Unreachable
from wardapp.client.tls import CertificateFileUnusable, trust_context

ENVIRONMENT_BUNDLES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*ENVIRONMENT_BUNDLES, "SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> LocalAuthority:
    return LocalAuthority.make(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def stranger(tmp_path_factory: pytest.TempPathFactory) -> LocalAuthority:
    """Another CA: a bundle that does not hold the one the server's certificate is from."""
    return LocalAuthority.make(tmp_path_factory.mktemp("other-ca"), "other-ca")


@pytest.fixture(scope="module")
def server(authority: LocalAuthority) -> Iterator[LoopbackServer]:
    with LoopbackServer(tls=authority.server_context()) as running:
        yield running


def fetch(url: str, ca_bundle: str | Path | None = None) -> None:
    api = AimStoreApi(url, str(ca_bundle) if ca_bundle else None)
    try:
        assert api.wards("token") == {"type": "FeatureCollection", "features": []}
    finally:
        api.close()


def refused(url: str, ca_bundle: str | Path | None = None) -> str:
    with pytest.raises(Unreachable) as caught:
        fetch(url, ca_bundle)
    return str(caught.value)


def test_an_unknown_ca_is_refused_by_default(server: LoopbackServer) -> None:
    assert "certificate could not be verified" in refused(server.url)


def test_the_certificate_file_in_settings_is_trusted(
    server: LoopbackServer, authority: LocalAuthority
) -> None:
    fetch(server.url, authority.bundle)


def test_the_certificate_file_replaces_the_system_store(
    server: LoopbackServer, stranger: LocalAuthority
) -> None:
    """A partnership's file names the only CAs trusted for its store, as before."""
    assert "certificate could not be verified" in refused(server.url, stranger.bundle)


@pytest.mark.parametrize("variable", ENVIRONMENT_BUNDLES)
def test_the_environment_does_not_override_the_certificate_file(
    server: LoopbackServer,
    authority: LocalAuthority,
    stranger: LocalAuthority,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    monkeypatch.setenv(variable, str(stranger.bundle))
    fetch(server.url, authority.bundle)
    monkeypatch.setenv(variable, str(authority.bundle))
    refused(server.url, stranger.bundle)


@pytest.mark.parametrize("variable", ENVIRONMENT_BUNDLES)
def test_the_environment_does_not_add_trust_without_a_certificate_file(
    server: LoopbackServer,
    authority: LocalAuthority,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    monkeypatch.setenv(variable, str(authority.bundle))
    refused(server.url)


@pytest.mark.skipif(sys.platform != "linux", reason="SSL_CERT_FILE is OpenSSL's, on Linux")
def test_without_a_certificate_file_the_system_store_is_used(
    server: LoopbackServer, authority: LocalAuthority, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Linux the system store is OpenSSL's, which SSL_CERT_FILE names (not certifi's)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(authority.bundle))
    fetch(server.url)


def test_through_a_proxy_the_same_certificates_are_trusted(
    server: LoopbackServer,
    authority: LocalAuthority,
    stranger: LocalAuthority,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HTTPS_PROXY, which managed machines need, is still used, and changes no check."""
    proxy = ConnectProxy()
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "")
    try:
        fetch(server.url, authority.bundle)
        assert proxy.tunnels == [f"127.0.0.1:{server.port}"]
        refused(server.url, stranger.bundle)
        refused(server.url)
    finally:
        proxy.stop()


def test_a_certificate_for_another_name_is_refused(
    authority: LocalAuthority, tmp_path: Path
) -> None:
    with LoopbackServer(tls=authority.server_context("aim.example.org")) as other:
        assert "certificate could not be verified" in refused(other.url, authority.bundle)


def test_an_expired_certificate_is_refused(authority: LocalAuthority) -> None:
    with LoopbackServer(tls=authority.server_context(expired=True)) as old:
        assert "certificate could not be verified" in refused(old.url, authority.bundle)


def test_a_request_cannot_switch_verification_off(server: LoopbackServer) -> None:
    """Even a caller that asks requests for verify=False gets a checked connection."""
    api = AimStoreApi(server.url)
    try:
        with pytest.raises(requests.exceptions.SSLError):
            api.session.get(server.url + "/v1/wards", verify=False, timeout=5)
    finally:
        api.close()
    assert "certificate could not be verified" in refused(server.url)


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "no file"), (b"not a certificate", "not a certificate file")],
)
def test_an_unusable_certificate_file_is_said_plainly(
    server: LoopbackServer, tmp_path: Path, content: bytes | None, problem: str
) -> None:
    bundle = tmp_path / "partnership.pem"
    if content is not None:
        bundle.write_bytes(content)
    with pytest.raises(CertificateFileUnusable, match=problem):
        trust_context(str(bundle))
    before = len(server.seen)
    message = refused(server.url, bundle)  # the profile still opens; requests say why
    assert "partnership.pem" in message and "Settings" in message
    assert len(server.seen) == before  # nothing was sent without the checks


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8750", "http://[::1]:8750", "http://localhost:8750"]
)
def test_plain_http_is_allowed_only_to_this_computer(url: str) -> None:
    AimStoreApi(url).close()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org",
        "http://127.0.0.1.example.org",
        "http://localhost.example.org",
        "http://0x7f000001.example.org",
        "http://[::ffff:10.0.0.1]",
    ],
)
def test_plain_http_elsewhere_is_refused_with_a_clear_message(url: str) -> None:
    from wardapp.client.errors import UnsafeServerUrl

    with pytest.raises(UnsafeServerUrl, match=r"use https://, or http:// only for this computer"):
        AimStoreApi(url)


def test_no_code_path_turns_verification_off() -> None:
    """A guard: these spellings switch TLS checks off in requests, urllib3 or ssl."""
    forbidden = re.compile(
        r"verify\s*=\s*False|CERT_NONE|check_hostname\s*=\s*False|_create_unverified_context"
        r"|assert_hostname\s*=\s*False|disable_warnings"
    )
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for path in (REPO / "wardapp").rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if forbidden.search(line)
    ]
    assert found == []
