"""The pure idempotency rules of the batch endpoint (docs/api.md, "Sign-in and batches")."""

import pytest

from wardapp.aimstore.ingest import NOT_YOURS, Decision, Known, decide

AUTHOR = 7
OTHER = 8
HASH_V1 = "a" * 64
HASH_V2 = "b" * 64
OTHER_HASH = "c" * 64


def _known(version: int = 1, status: str = "received", author: int | None = AUTHOR) -> Known:
    hashes = {v: (HASH_V1 if v == 1 else f"{v:064d}") for v in range(1, version + 1)}
    return Known(author_id=author, version=version, status=status, hashes=hashes)


def test_new_id_is_created() -> None:
    assert decide(None, 1, HASH_V1, AUTHOR) == Decision("created")


def test_new_id_at_a_later_version_is_still_created() -> None:
    """A report corrected offline before its first sync arrives first as version 2."""
    assert decide(None, 2, HASH_V2, AUTHOR).outcome == "created"


def test_same_version_same_content_is_duplicate() -> None:
    decision = decide(_known(), 1, HASH_V1, AUTHOR)
    assert decision.outcome == "duplicate"
    assert decision.reason == ""


def test_same_version_other_content_is_conflict() -> None:
    decision = decide(_known(), 1, OTHER_HASH, AUTHOR)
    assert decision.outcome == "conflict"
    assert "Version 1" in decision.reason
    assert "other content" in decision.reason


def test_an_old_version_re_sent_unchanged_is_duplicate() -> None:
    """A lost reply for version 1, re-sent after version 2 was accepted, creates nothing."""
    known = _known(version=2)
    assert decide(known, 1, HASH_V1, AUTHOR).outcome == "duplicate"


@pytest.mark.parametrize(
    ("version", "content"),
    [(1, HASH_V1), (1, OTHER_HASH), (2, HASH_V2), (3, HASH_V2), (9, OTHER_HASH)],
)
def test_another_author_gets_one_answer_whatever_they_guess(version: int, content: str) -> None:
    """Re-sending someone else's id says nothing about which versions exist or whether a
    guess of the content was right: the right content of version 1 included."""
    known = _known(version=3)
    decision = decide(known, version, content, OTHER)
    assert decision == Decision("conflict", NOT_YOURS)
    assert "version" not in decision.reason.lower() and "content" not in decision.reason


def test_another_author_cannot_correct_even_while_received() -> None:
    assert decide(_known(status="received"), 5, HASH_V2, OTHER).outcome == "conflict"


def test_import_without_author_is_not_anyones_to_correct() -> None:
    assert decide(_known(author=None), 2, HASH_V2, AUTHOR).outcome == "conflict"


def test_lower_unseen_version_is_conflict() -> None:
    known = Known(author_id=AUTHOR, version=3, status="received", hashes={3: HASH_V2})
    decision = decide(known, 2, OTHER_HASH, AUTHOR)
    assert decision.outcome == "conflict"
    assert "version 3" in decision.reason


def test_higher_version_while_received_is_updated() -> None:
    decision = decide(_known(), 2, HASH_V2, AUTHOR)
    assert decision == Decision("updated")


def test_skipping_versions_is_allowed() -> None:
    assert decide(_known(), 4, HASH_V2, AUTHOR).outcome == "updated"


@pytest.mark.parametrize("status", ["assessed", "actioned", "closed", "withdrawn"])
def test_higher_version_after_received_is_conflict(status: str) -> None:
    decision = decide(_known(status=status), 2, HASH_V2, AUTHOR)
    assert decision.outcome == "conflict"
    assert status in decision.reason
    assert "can no longer be corrected" in decision.reason


def test_duplicate_wins_over_status() -> None:
    """Re-sending what was accepted before the analyst assessed it is still just a duplicate."""
    assert decide(_known(status="assessed"), 1, HASH_V1, AUTHOR).outcome == "duplicate"


def test_every_conflict_has_a_reason() -> None:
    cases = [
        decide(_known(), 1, OTHER_HASH, AUTHOR),
        decide(_known(), 2, HASH_V2, OTHER),
        decide(Known(AUTHOR, 3, "received", {3: HASH_V2}), 2, OTHER_HASH, AUTHOR),
        decide(_known(status="closed"), 2, HASH_V2, AUTHOR),
    ]
    assert all(d.outcome == "conflict" for d in cases)
    assert all(d.reason.endswith(".") and len(d.reason) > 10 for d in cases)
