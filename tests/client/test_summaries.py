"""Anonymised summaries in the client: fetched from a real AIM store, kept, read back offline."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.live_store import LiveStore
from tests.support.seeded_store import BERWICK_HILLS, PARK_END, analyst_adds_action, last_month
from wardapp.client.api import ServerTrouble
from wardapp.client.profile import Profile
from wardapp.client.summaries import SummaryUnavailable, summary_key
from wardapp.core.periods import month_label, parse_period, publication_day, uk_today
from wardapp.core.summary_schemas import AreaSummary, WardSummary


def test_a_ward_summary_is_fetched_and_kept_with_its_time(demo_profile: Profile) -> None:
    before = datetime.now(UTC)
    summary, fetched_at, from_cache, problem = demo_profile.summaries.ward(
        BERWICK_HILLS, last_month()
    )
    assert isinstance(summary, WardSummary)
    assert (summary.ward.name, summary.period) == ("Berwick Hills & Pallister", last_month())
    assert not from_cache and problem == ""
    assert before <= fetched_at <= datetime.now(UTC)
    assert len(summary.trend) == 12 and summary.trend[-1].period == last_month()
    assert "exploitation" not in {c.code for c in summary.categories}  # sensitive: never shown
    assert all(c.count is None for c in summary.categories if c.suppressed)

    kept, kept_at = demo_profile.cache.entry(summary_key("ward", BERWICK_HILLS, last_month()))
    assert WardSummary.model_validate(kept) == summary
    assert kept_at == fetched_at


def test_offline_the_kept_copy_comes_back_with_the_time_it_was_fetched(
    demo_profile: Profile, seeded_store: LiveStore
) -> None:
    online = demo_profile.summaries.ward(BERWICK_HILLS, last_month())
    seeded_store.stop()

    offline = demo_profile.summaries.ward(BERWICK_HILLS, last_month())
    assert offline.from_cache
    assert offline.value == online.value
    assert offline.fetched_at == online.fetched_at
    assert offline.problem == "The AIM store cannot be reached."


def test_offline_with_nothing_kept_says_so_plainly(
    demo_profile: Profile, seeded_store: LiveStore
) -> None:
    seeded_store.stop()
    with pytest.raises(SummaryUnavailable) as raised:
        demo_profile.summaries.ward(PARK_END, last_month())
    message = str(raised.value)
    assert message.startswith("The AIM store cannot be reached. No copy of this summary")
    assert "Error" not in message and "HTTP" not in message


def test_a_period_that_has_not_ended_is_refused_in_words(demo_profile: Profile) -> None:
    today = uk_today()
    this_month = month_label(today.year, today.month)
    with pytest.raises(SummaryUnavailable) as raised:
        demo_profile.summaries.ward(BERWICK_HILLS, this_month)
    day = publication_day(parse_period(this_month))
    assert str(raised.value) == (
        f"Summaries for {this_month} are published on {day.day} {day:%B %Y}, once it has "
        "ended and late reports are in; choose an earlier period."
    )
    assert demo_profile.cache.entry(summary_key("ward", BERWICK_HILLS, this_month)) is None


def test_a_malformed_period_is_refused_with_the_forms_to_use(demo_profile: Profile) -> None:
    with pytest.raises(SummaryUnavailable, match=r"YYYY-MM \(a month\), YYYY-Qn"):
        demo_profile.summaries.ward(BERWICK_HILLS, "last month")


def test_an_area_review_has_its_wards_actions_once_each(
    demo_profile: Profile, seeded_store: LiveStore
) -> None:
    areas = demo_profile.summaries.areas().value
    north = next(a for a in areas.items if BERWICK_HILLS in a.wards)
    other = next(w for w in north.wards if w != BERWICK_HILLS)
    analyst_adds_action(seeded_store, [BERWICK_HILLS, other], "Lighting survey on the estate")

    review = demo_profile.summaries.review("area", north.code, last_month())
    assert isinstance(review.summary, AreaSummary)
    assert {w.code for w in review.summary.wards} == set(north.wards)
    assert review.actions is not None
    # The new action is in two of the area's wards, yet listed once; so is every other.
    ids = [a.id for a in review.actions.items]
    titles = [a.title for a in review.actions.items]
    assert titles.count("Lighting survey on the estate") == 1
    assert len(ids) == len(set(ids))
    assert not review.from_cache and review.actions_problem == ""


def test_each_sync_keeps_last_months_summaries_of_my_wards_for_offline_review(
    demo_profile: Profile, seeded_store: LiveStore
) -> None:
    analyst_adds_action(seeded_store, [BERWICK_HILLS], "Joint patrols on Pallister Park")
    assert demo_profile.sync_once().ok
    seeded_store.stop()

    review = demo_profile.summaries.review("ward", BERWICK_HILLS, last_month())
    assert review.from_cache and review.summary.period == last_month()
    assert datetime.now(UTC) - review.fetched_at < timedelta(hours=1)
    assert review.actions is not None
    assert "Joint patrols on Pallister Park" in [a.title for a in review.actions.items]
    assert demo_profile.summaries.ward(PARK_END, last_month()).from_cache
    overview = demo_profile.summaries.overview(last_month())
    assert overview.from_cache and len(overview.value.wards) == 20
    assert {a.code for a in demo_profile.summaries.areas().value.items} == {
        "east",
        "north",
        "south",
        "west",
    }


def test_a_failing_summary_never_fails_the_sync_of_reports(
    demo_profile: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(*_args: object, **_kwargs: object) -> None:
        raise ServerTrouble(503)

    monkeypatch.setattr(demo_profile.api, "ward_summary", busy)
    monkeypatch.setattr(demo_profile.api, "overview", busy)
    result = demo_profile.sync_once()
    assert result.ok, result.error
    assert demo_profile.cache.entry(summary_key("ward", BERWICK_HILLS, last_month())) is None
