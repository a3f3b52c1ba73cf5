"""What a request body may be: how large (per route), how fast it must arrive, how deep its JSON.

Only the arithmetic lives here; ``intake.RequestIntake`` applies it to each request.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# Arrays and objects inside each other. The store's bodies nest 3 deep (a batch: reports,
# a report, its resident contact); GeoJSON boundaries about 8.
JSON_DEPTH_MAX = 32


@dataclass(frozen=True)
class BodyLimits:
    """The largest body a route takes: the longest matching path prefix, else ``default``.

    Routes that take files get their larger limit here rather than raising it for every
    route, e.g. ``BodyLimits(settings.max_body_bytes, {"/v1/imports/": 50_000_000,
    "/v1/photos/": 20_000_000})``; bodies over ``intake.SPOOL_OVER`` wait on disk until the
    route reads them. Not FastAPI's own ``max_body_size``: that counts bytes as the route
    reads them, after admission, and the limit is needed before the body is read.
    """

    default: int
    by_prefix: Mapping[str, int] = field(default_factory=dict)

    def for_path(self, path: str) -> int:
        matching = [prefix for prefix in self.by_prefix if path.startswith(prefix)]
        return self.by_prefix[max(matching, key=len)] if matching else self.default


@dataclass(frozen=True)
class Pace:
    """A body may take ``grace_s`` plus one second for each ``min_bytes_per_second`` bytes.

    The deadline grows with what has arrived, so a large upload on a slow line finishes while
    a client trickling a byte now and then is cut off after about ``grace_s``.
    """

    grace_s: float
    min_bytes_per_second: int

    def deadline(self, started: float, received: int) -> float:
        return started + self.grace_s + received / self.min_bytes_per_second


# A JSON string, closed or running to the end of the body (so no match is ever retried from
# a later quote, which would take quadratic time on a hostile body).
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_SAME_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))


def nested_deeper_than(data: bytes, limit: int = JSON_DEPTH_MAX) -> bool:
    """Whether JSON ``data`` puts arrays and objects more than ``limit`` deep.

    Python's parser would recurse once per level (a RecursionError past about a thousand);
    here each pass over the brackets alone removes the innermost level, at C speed. Text
    that is not JSON may answer either way: the parser refuses it afterwards.
    """
    brackets = _STRING.sub(b"", data).translate(_SAME_BRACKETS, _NOT_BRACKETS)
    too_deep = b"[" * (limit + 1)
    for _ in range(limit):
        if too_deep in brackets:
            return True
        inner_removed = brackets.replace(b"[]", b"")
        if len(inner_removed) == len(brackets):  # empty, or unbalanced: not for us to judge
            return False
        brackets = inner_removed
    return b"[" in brackets and b"]" in brackets
