"""Saving, correcting and withdrawing reports locally, and recording what the server said."""

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.client.keyring_memory import MemoryKeyring
from wardapp.client.errors import ReportRefused
from wardapp.client.profile import Profile
from wardapp.core.schemas import ItemError, ItemResult


@pytest.fixture
def profile(tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator[Profile]:
    opened = Profile.open(tmp_path, "http://127.0.0.1:9")
    yield opened
    opened.close()


def wire(profile: Profile, **overrides: Any) -> dict[str, Any]:
    point = profile.ward_set().wards[3].geometry.representative_point()
    report = {
        "category": "fly_tipping",
        "occurred_on": "2026-11-01",
        "time_band": "evening",
        "lat": point.y,
        "lon": point.x,
        "observed_by": "resident",
        "description": "Sofa dumped in the back lane",
        "captured_at": "2026-11-02T09:00:00Z",
    }
    report.update(overrides)
    return report


def test_save_keeps_the_given_id_and_queues_it(profile: Profile) -> None:
    report_id = str(uuid.uuid4())
    assert profile.save_report(wire(profile, id=report_id)) == report_id
    assert profile.pending_count() == 1
    (mine,) = profile.my_reports()
    assert mine.id == report_id
    assert mine.sync_state == "pending"
    assert mine.ward_code == profile.ward_set().wards[3].code


def test_save_makes_an_id_when_missing(profile: Profile) -> None:
    report_id = profile.save_report(wire(profile))
    assert uuid.UUID(report_id)


def test_invalid_report_is_refused_with_fields_and_nothing_saved(profile: Profile) -> None:
    with pytest.raises(ReportRefused) as refused:
        profile.save_report(wire(profile, category="unicorns", lat=51.5, lon=-0.12))
    assert "category" in refused.value.fields
    assert profile.pending_count() == 0
    with pytest.raises(ReportRefused) as outside:
        profile.save_report(wire(profile, lat=51.5, lon=-0.12))
    assert "outside every ward" in outside.value.fields["lat"]


def test_saved_report_survives_reopening(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    first = Profile.open(tmp_path, "http://127.0.0.1:9")
    report_id = first.save_report(wire(first))
    first.close()
    second = Profile.open(tmp_path, "http://127.0.0.1:9")
    assert [r.id for r in second.my_reports()] == [report_id]
    assert second.pending_count() == 1
    second.close()


def test_edit_before_it_was_ever_sent_changes_it_in_place(profile: Profile) -> None:
    report_id = profile.save_report(wire(profile))
    profile.save_report(wire(profile, id=report_id, description="Sofa and a fridge"))
    batch = profile.book.next_batch(10)
    assert [(i.version, i.payload["description"]) for i in batch] == [(1, "Sofa and a fridge")]


def test_edit_after_an_attempt_becomes_a_new_version(profile: Profile) -> None:
    report_id = profile.save_report(wire(profile))
    profile.book.mark_attempted(profile.book.next_batch(10))  # the reply may have been lost
    profile.save_report(wire(profile, id=report_id, description="Sofa and a fridge"))
    batch = profile.book.next_batch(10)
    assert [(i.version, i.payload["description"]) for i in batch] == [
        (1, "Sofa dumped in the back lane"),
        (2, "Sofa and a fridge"),
    ]
    assert profile.pending_count() == 1  # one report, two versions to send


def test_withdraw_after_sync_is_a_new_version(profile: Profile) -> None:
    report_id = profile.save_report(wire(profile))
    batch = profile.book.next_batch(10)
    profile.book.mark_attempted(batch)
    profile.book.record_results(batch, [ItemResult(id=report_id, status="created")])
    assert profile.report(report_id).sync_state == "sent"  # type: ignore[union-attr]
    profile.withdraw_report(report_id)
    (item,) = profile.book.next_batch(10)
    assert item.version == 2
    assert item.payload["withdrawn"] is True


def test_rejected_report_stops_retrying_and_says_why(profile: Profile) -> None:
    report_id = profile.save_report(wire(profile))
    batch = profile.book.next_batch(10)
    profile.book.mark_attempted(batch)
    error = ItemError(code="invalid", message="Fix the report: category", fields={"category": "x"})
    profile.book.record_results(batch, [ItemResult(id=report_id, status="rejected", error=error)])
    mine = profile.report(report_id)
    assert mine is not None
    assert (mine.sync_state, mine.problem, mine.problem_fields) == (
        "rejected",
        "Fix the report: category",
        {"category": "x"},
    )
    assert profile.pending_count() == 0
    # Fixing it re-queues the same version: the server never accepted it.
    profile.save_report({**mine.report, "description": "fixed"})
    (item,) = profile.book.next_batch(10)
    assert item.version == 1


def test_drafts_autosave_and_discard(profile: Profile) -> None:
    profile.save_draft("draft-1", {"category": "asb"})
    profile.save_draft("draft-1", {"category": "asb", "description": "half typed"})
    assert profile.drafts() == {"draft-1": {"category": "asb", "description": "half typed"}}
    profile.discard_draft("draft-1")
    assert profile.drafts() == {}
