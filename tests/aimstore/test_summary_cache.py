"""The audited-year cache: late counts wait for the refresh interval, nothing else does."""

import threading

from wardapp.aimstore.summary_cache import SummaryCache
from wardapp.core.anonymise import PublishedYear


def published(label: str) -> PublishedYear:
    """An empty publication told apart by its tag (the cache never looks inside)."""
    return PublishedYear(TAGS.index(label), {})


TAGS = ["v1", "v2", "v3", "A", "B", "first", "never"]


def tag(year: PublishedYear) -> str:
    return TAGS[year.year]


def test_changed_counts_are_audited_again_only_after_the_interval() -> None:
    clock = [0.0]
    cache = SummaryCache(60, lambda: clock[0])
    assert tag(cache.year(2026, "shape", 1, lambda: published("v1"))) == "v1"
    clock[0] = 30
    assert tag(cache.year(2026, "shape", 2, lambda: published("v2"))) == "v1"
    clock[0] = 61
    assert tag(cache.year(2026, "shape", 2, lambda: published("v2"))) == "v2"
    assert tag(cache.year(2026, "shape", 2, lambda: published("v3"))) == "v2"


def test_a_new_shape_is_never_served_stale() -> None:
    """New areas, taxonomy, boundaries, policy or a month that has just ended: audit at once."""
    cache = SummaryCache(60, lambda: 0.0)
    cache.year(2026, "areas A", 1, lambda: published("A"))
    assert tag(cache.year(2026, "areas B", 1, lambda: published("B"))) == "B"


def test_with_no_interval_every_change_is_audited() -> None:
    cache = SummaryCache(0, lambda: 0.0)
    cache.year(2026, "shape", 1, lambda: published("v1"))
    assert tag(cache.year(2026, "shape", 2, lambda: published("v2"))) == "v2"


def test_readers_get_the_last_tables_while_the_year_is_being_audited() -> None:
    """Under load, one reader audits and the others do not queue behind it."""
    clock = [0.0]
    cache = SummaryCache(60, lambda: clock[0])
    cache.year(2026, "shape", 1, lambda: published("v1"))
    clock[0] = 100
    started, release = threading.Event(), threading.Event()

    def slow_audit() -> PublishedYear:
        started.set()
        release.wait(10)
        return published("v2")

    auditor = threading.Thread(target=cache.year, args=(2026, "shape", 2, slow_audit))
    auditor.start()
    assert started.wait(10)
    assert tag(cache.year(2026, "shape", 2, lambda: published("never"))) == "v1"
    release.set()
    auditor.join(10)
    assert tag(cache.year(2026, "shape", 2, lambda: published("never"))) == "v2"


def test_readers_without_any_tables_wait_for_the_one_audit() -> None:
    cache = SummaryCache(60, lambda: 0.0)
    audits: list[int] = []
    release = threading.Event()

    def audit() -> PublishedYear:
        audits.append(1)
        release.wait(10)
        return published("first")

    answers: list[PublishedYear] = []
    threads = [
        threading.Thread(target=lambda: answers.append(cache.year(2026, "s", 1, audit)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert [tag(a) for a in answers] == ["first"] * 4
    assert audits == [1]
