"""Opaque sync tokens and list cursors: round trips, and garbage refused as BadToken."""

import base64
import uuid

import pytest

from wardapp.aimstore.changes import (
    BadToken,
    decode_cursor,
    decode_sync_token,
    encode_cursor,
    encode_sync_token,
)

SEQ_MAX = 2**63 - 1


def _raw(text: str) -> str:
    """A token built by hand, as a client that forges one would."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


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
        _raw("v2:5"),
        _raw("5"),
        _raw("v1"),
        _raw("v1:"),
        _raw("v1:-1"),
        _raw("v1:1.5"),
        _raw("v1:abc"),
        _raw("v1:١٢"),  # Arabic-Indic digits: digits, but not ASCII
        _raw(f"v1:{SEQ_MAX + 1}"),
        _raw("v1:" + "9" * 30),
        _raw("v1:1:2"),
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
        _raw("v1:1:2"),
        _raw("v1:1:2:"),
        _raw("v1:1:2:" + "x" * 37),
        _raw("v1:1:2:bad\x00id"),
        _raw("v1:1:2:tab\tid"),
        _raw("v1:-1:2:abc"),
        _raw("v1:1:x:abc"),
        _raw(f"v1:1:{SEQ_MAX + 1}:abc"),
        _raw("v0:1:2:abc"),
        _raw("v1:1:2:abc:extra"),
    ],
)
def test_garbage_cursor_is_bad_token(token: str) -> None:
    with pytest.raises(BadToken):
        decode_cursor(token)
