"""Sealed sync tokens and list cursors: round trips, nothing readable, garbage refused."""

import base64
import functools
import hashlib
import uuid

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from wardapp.aimstore import changes
from wardapp.aimstore.changes import BadToken, token_key

KEY = token_key("a signing key of at least thirty-two bytes")
SEQ_MAX = 2**63 - 1
encode_sync_token = functools.partial(changes.encode_sync_token, KEY)
decode_sync_token = functools.partial(changes.decode_sync_token, KEY)
encode_cursor = functools.partial(changes.encode_cursor, KEY)
decode_cursor = functools.partial(changes.decode_cursor, KEY)


def _raw(text: str) -> str:
    """A token built by hand, as a client that forges one would: not sealed."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _sealed(text: str, key: bytes = KEY) -> str:
    """Any text sealed with the store's key: only a bug (or the key's holder) could make one.

    The nonce comes from the text, so test ids are the same in every process.
    """
    nonce = hashlib.sha256(text.encode()).digest()[:12]
    data = nonce + AESGCM(key).encrypt(nonce, text.encode(), None)
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize("seq", [0, 1, 42, 10**12, SEQ_MAX])
def test_sync_token_round_trips(seq: int) -> None:
    token = encode_sync_token(seq)
    assert decode_sync_token(token) == seq


def test_sync_token_is_opaque_and_url_safe() -> None:
    token = encode_sync_token(123456)
    assert "123456" not in token
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_different_sequences_give_different_tokens() -> None:
    assert encode_sync_token(1) != encode_sync_token(2)


def test_a_token_shows_nothing_of_the_store_wide_counter() -> None:
    """Two tokens for the same point differ, and a large count looks like a small one."""
    assert encode_sync_token(7) != encode_sync_token(7)
    assert len(encode_sync_token(1)) == len(encode_sync_token(999_999))
    assert b"999999" not in base64.urlsafe_b64decode(encode_sync_token(999_999) + "==")


def test_a_token_sealed_with_another_key_or_altered_is_refused() -> None:
    other = token_key("another store's signing key, thirty-two bytes")
    with pytest.raises(BadToken):
        decode_sync_token(changes.encode_sync_token(other, 5))
    token = bytearray(base64.urlsafe_b64decode(encode_sync_token(5) + "=="))
    token[-1] ^= 1
    with pytest.raises(BadToken):
        decode_sync_token(base64.urlsafe_b64encode(bytes(token)).decode())


@pytest.mark.parametrize(
    ("upper", "last_seq", "last_id"),
    [(10, 3, "35a1cded-5897-4f83-b7de-dde04c77b67e"), (0, 0, "a"), (SEQ_MAX, SEQ_MAX, "x" * 36)],
)
def test_cursor_round_trips(upper: int, last_seq: int, last_id: str) -> None:
    assert decode_cursor(encode_cursor(upper, last_seq, last_id)) == (upper, last_seq, last_id)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage!!",
        "%%%%",
        "a",
        "é",
        _raw("v2:5"),  # readable: not sealed
        _sealed("v1:5"),
        _sealed("5"),
        _sealed("v2"),
        _sealed("v2:"),
        _sealed("v2:-1"),
        _sealed("v2:1.5"),
        _sealed("v2:abc"),
        _sealed("v2:١٢"),  # Arabic-Indic digits: digits, but not ASCII
        _sealed(f"v2:{SEQ_MAX + 1}"),
        _sealed("v2:" + "9" * 30),
        _sealed("v2:1:2"),
        base64.urlsafe_b64encode(b"\xff\xfe\x00").decode(),
    ],
)
def test_garbage_sync_token_is_bad_token(token: str) -> None:
    with pytest.raises(BadToken):
        decode_sync_token(token)


def test_bad_token_is_a_value_error() -> None:
    assert issubclass(BadToken, ValueError)


def test_a_cursor_is_not_a_sync_token() -> None:
    cursor = encode_cursor(10, 3, str(uuid.uuid4()))
    with pytest.raises(BadToken):
        decode_sync_token(cursor)
    with pytest.raises(BadToken):
        decode_cursor(encode_sync_token(10))


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not a cursor",
        _raw("v2:1:2:abc"),  # readable: not sealed
        _sealed("v2:1:2"),
        _sealed("v2:1:2:"),
        _sealed("v2:1:2:" + "x" * 37),
        _sealed("v2:1:2:bad\x00id"),
        _sealed("v2:1:2:tab\tid"),
        _sealed("v2:-1:2:abc"),
        _sealed("v2:1:x:abc"),
        _sealed(f"v2:1:{SEQ_MAX + 1}:abc"),
        _sealed("v0:1:2:abc"),
        _sealed("v2:1:2:abc:extra"),
    ],
)
def test_garbage_cursor_is_bad_token(token: str) -> None:
    with pytest.raises(BadToken):
        decode_cursor(token)
