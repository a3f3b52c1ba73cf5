"""Transport rules and backoff, without a network."""

import random

import pytest

from wardapp.client.api import check_server_url
from wardapp.client.errors import UnsafeServerUrl
from wardapp.client.scheduler import MAX_DELAY_S, backoff_delay
from wardapp.client.tilefetch import TileServerInvalid, check_tile_url


@pytest.mark.parametrize(
    "url",
    [
        "https://aim.example.org",
        "http://127.0.0.1:8750",
        "http://localhost:8750",
        "http://[::1]:80",
        "https://bücher.example",
        "https://[2001:db8::1]:8443",
    ],
)
def test_accepted_server_addresses(url: str) -> None:
    assert check_server_url(url + "/") == url


@pytest.mark.parametrize(
    "url", ["http://aim.example.org", "http://10.0.0.5", "ftp://x", "aim.example.org", ""]
)
def test_plain_http_beyond_this_computer_is_refused(url: str) -> None:
    with pytest.raises(UnsafeServerUrl, match="https://"):
        check_server_url(url)


def test_backoff_grows_is_capped_jittered_and_honours_retry_after() -> None:
    rng = random.Random(1)
    samples = {n: [backoff_delay(n, None, rng) for _ in range(200)] for n in (1, 3, 12)}
    assert max(samples[1]) <= 2.0
    assert max(samples[3]) <= 8.0 and max(samples[3]) > 2.0
    assert max(samples[12]) <= MAX_DELAY_S
    assert len({round(s, 3) for s in samples[3]}) > 100  # jitter, not a fixed wait
    assert min(backoff_delay(1, 30.0, rng) for _ in range(50)) >= 30.0


# Addresses that one URL parser reads as this computer (or the store) and another, the one
# that makes the connection, reads as somewhere else.
AMBIGUOUS = [
    "http://evil.example\\@127.0.0.1:8750",
    "https://evil.example\\@aim.example.org",
    "http://user:pw@127.0.0.1:8750",
    "https://aim.example.org@evil.example",
    "http://127.0.0.1:8750 .evil.example",
    "http://127.0.0.1\t:8750",
    "http://127.0.0.1:8750/\x00",
]


@pytest.mark.parametrize(
    "url", [*AMBIGUOUS, "https://aim.example.org?/elsewhere", "https://aim.example.org#/x"]
)
def test_an_ambiguous_address_is_refused(url: str) -> None:
    with pytest.raises(UnsafeServerUrl):
        check_server_url(url)


@pytest.mark.parametrize("url", AMBIGUOUS)
def test_an_ambiguous_tile_address_is_refused(url: str) -> None:
    with pytest.raises(TileServerInvalid):
        check_tile_url(url + "/{z}/{x}/{y}.png")


def test_an_at_sign_in_a_tile_path_is_still_fine() -> None:
    template = "https://tiles.example.org/{z}/{x}/{y}@2x.png"
    assert check_tile_url(template) == template
