"""The change sequence behind sync tokens, and the opaque tokens and cursors built on it.

The counter row is locked by the transaction that bumps it until it commits, so sequence
numbers become visible in order: a reader that saw N never later finds a change below N.

The counter counts every change in the store, so a token that showed it would tell a
councillor how many reports other people sent between two syncs. Tokens and cursors are
sealed (AES-GCM with a key derived from the store's signing key): opaque, different each
time, and a forged or altered one is refused.
"""

import base64
import binascii
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wardapp.aimstore.models import Counter

CHANGES = "changes"


def next_change_seq(session: Session) -> int:
    value = session.execute(
        update(Counter)
        .where(Counter.name == CHANGES)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one()
    return int(value)


def current_change_seq(session: Session) -> int:
    return int(session.execute(select(Counter.value).where(Counter.name == CHANGES)).scalar_one())


class BadToken(ValueError):
    pass


# Sequence numbers are 64-bit integers in the database; a forged token with a larger number
# must be a bad token (400), not an overflow inside the database driver (500).
_SEQ_MAX = 2**63 - 1


def _seq(text: str, token: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > _SEQ_MAX:
        raise BadToken(token)
    return int(text)


def token_key(signing_key: str) -> bytes:
    """The key that seals tokens: derived, so the signing key itself is used for one thing."""
    return hashlib.sha256(b"wardapp sync tokens\0" + signing_key.encode()).digest()


_NONCE = 12


def _encode(key: bytes, *parts: object) -> str:
    text = ":".join(str(p) for p in ("v2", *parts))
    nonce = os.urandom(_NONCE)
    sealed = nonce + AESGCM(key).encrypt(nonce, text.encode(), None)
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def _decode(key: bytes, token: str, count: int) -> list[str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        sealed = base64.urlsafe_b64decode(padded.encode())
        opened = AESGCM(key).decrypt(sealed[:_NONCE], sealed[_NONCE:], None)
        parts = opened.decode().split(":")
    except (binascii.Error, UnicodeDecodeError, ValueError, InvalidTag) as exc:
        raise BadToken(token) from exc
    if len(parts) != count + 1 or parts[0] != "v2":
        raise BadToken(token)
    return parts[1:]


def _fixed(seq: int) -> str:
    """Every sequence number the same length, so a token's length says nothing of it."""
    return f"{seq:019d}"


def encode_sync_token(key: bytes, seq: int) -> str:
    return _encode(key, _fixed(seq))


def decode_sync_token(key: bytes, token: str) -> int:
    (seq,) = _decode(key, token, 1)
    return _seq(seq, token)


def encode_cursor(key: bytes, upper: int, last_seq: int, last_id: str) -> str:
    return _encode(key, _fixed(upper), _fixed(last_seq), last_id)


def decode_cursor(key: bytes, token: str) -> tuple[int, int, str]:
    upper, last_seq, last_id = _decode(key, token, 3)
    # Report ids are at most 36 printable characters; anything else (a NUL byte, say) would
    # reach the database as a comparison value and could make PostgreSQL refuse the query.
    if not (0 < len(last_id) <= 36 and last_id.isprintable()):
        raise BadToken(token)
    return _seq(upper, token), _seq(last_seq, token), last_id
