"""The request intake on its own: per-route body limits, large bodies intact, JSON depth."""

import hashlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from tests.support.api import assert_error
from wardapp.aimstore.bodylimits import BodyLimits, Pace, nested_deeper_than
from wardapp.aimstore.intake import SPOOL_OVER, RequestIntake

SMALL = 10_000
LARGE = 8 * SPOOL_OVER


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Answers with the digest of the body it read and the size of each piece it got."""
    digest, pieces = hashlib.sha256(), []
    while True:
        message = await receive()
        digest.update(message.get("body", b""))
        pieces.append(len(message.get("body", b"")))
        if not message.get("more_body", False):
            break
    body = json.dumps({"sha256": digest.hexdigest(), "pieces": pieces}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def intake_client() -> TestClient:
    limits = BodyLimits(SMALL, {"/v1/imports/": LARGE})
    return TestClient(RequestIntake(echo, limits, Pace(10, 10_000), per_client=4))


def test_a_route_can_take_larger_bodies_than_the_rest() -> None:
    client = intake_client()
    upload = bytes(range(256)) * (3 * SPOOL_OVER // 256)  # 3 MiB: waits on disk
    imported = client.post(
        "/v1/imports/csv", content=upload, headers={"Content-Type": "text/csv"}
    ).json()
    assert imported["sha256"] == hashlib.sha256(upload).hexdigest()
    assert max(imported["pieces"]) <= SPOOL_OVER  # handed on a piece at a time
    refused = client.post("/v1/reports/batch", content=upload)
    assert "10000 bytes" in assert_error(refused, 413)["message"]
    assert_error(client.post("/v1/imports/csv", content=b"x" * (LARGE + 1)), 413)


def test_chunked_bodies_are_counted_as_they_arrive() -> None:
    def pieces() -> Any:
        for _ in range(SMALL // 1000 + 1):
            yield b"x" * 1000

    assert_error(intake_client().post("/v1/reports/batch", content=pieces()), 413)


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


TEXT = st.text(alphabet=st.sampled_from('[]{}"\\ ,:ab\n\x00é'), max_size=12)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=40,
)


@settings(deadline=None, max_examples=300)
@given(value=JSON_VALUES, limit=st.integers(1, 6))
def test_depth_is_measured_as_the_parser_would_nest(value: Any, limit: int) -> None:
    """Brackets, quotes and backslashes inside strings never count as nesting."""
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False, indent=1)):
        assert nested_deeper_than(text.encode(), limit) == (_depth(value) > limit)


def test_depth_of_hostile_bodies_is_decided_quickly() -> None:
    deep = b"[" * 2_000_000 + b"]" * 2_000_000
    assert nested_deeper_than(deep, 32)
    unterminated = b'"' + b'\\"' * 1_000_000 + b"\\"
    assert not nested_deeper_than(unterminated, 32)
    wide = b"[" + b"[1,2]," * 500_000 + b"[]]"
    assert not nested_deeper_than(wide, 32)
