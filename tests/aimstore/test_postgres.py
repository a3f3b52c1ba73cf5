"""What the PostgreSQL set-up promises: real concurrency, and no silent skips in CI."""

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from _pytest.outcomes import Failed, Skipped
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests.support import postgres
from wardapp.aimstore import models
from wardapp.aimstore.accounts import add_user
from wardapp.aimstore.ingest import ingest_batch
from wardapp.aimstore.state import current_taxonomy
from wardapp.aimstore.wardsets import ActiveWards
from wardapp.core.schemas import ItemResult

ReportMaker = Callable[..., dict[str, Any]]
WRITERS = 4


def test_same_batch_from_several_connections_at_once_creates_each_report_once(
    engine: Engine, make_report: ReportMaker
) -> None:
    """Two laptops retrying at once: on PostgreSQL the transactions really overlap."""
    with Session(engine) as session, session.begin():
        author_id = add_user(session, "cllr", "councillor", "correct horse battery", []).id
        boundary_set_id, wards = ActiveWards().get(session)
        taxonomy = current_taxonomy(session)
    batch = [make_report(description=f"canisters by the shops {i}") for i in range(60)]
    start = threading.Barrier(WRITERS)
    answers: list[list[ItemResult]] = [[] for _ in range(WRITERS)]
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            start.wait(30)  # SQLite lets one writer begin at a time; PostgreSQL overlaps them
            with Session(engine) as session, session.begin():
                answers[i] = ingest_batch(
                    session,
                    batch,
                    author_id=author_id,
                    source="wardapp",
                    taxonomy=taxonomy,
                    wards=wards,
                    boundary_set_id=boundary_set_id,
                    now=datetime.now(UTC),
                )
        except BaseException as exc:  # reported below, with the thread's error
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors

    created: Counter[str] = Counter()
    for results in answers:
        assert [r.id for r in results] == [r["id"] for r in batch]
        assert {r.status for r in results} <= {"created", "duplicate"}
        created.update(r.id for r in results if r.status == "created" and r.id)
    assert created == Counter({r["id"]: 1 for r in batch})
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(models.Report)) == len(batch)


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", Failed), ("1", Failed), ("", Skipped), ("false", Skipped)]
)
def test_missing_postgresql_fails_in_ci_and_is_skipped_elsewhere(
    ci: str, outcome: type[BaseException], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="PostgreSQL"):
        postgres.unavailable("no initdb found")


def test_the_binaries_are_found_where_debian_keeps_them() -> None:
    bindir = postgres.find_bindir()
    if bindir is None:
        postgres.unavailable("no initdb found")
    assert (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file()
