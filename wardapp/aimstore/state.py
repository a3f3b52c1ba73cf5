"""What one running AIM store process holds: settings, database, signing key, caches."""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from wardapp.aimstore import models
from wardapp.aimstore.changes import token_key
from wardapp.aimstore.publications import Publications
from wardapp.aimstore.settings import AimStoreSettings
from wardapp.aimstore.summary_reads import SummaryReads
from wardapp.aimstore.wardsets import ActiveWards
from wardapp.core.periods import uk_today
from wardapp.core.taxonomy import Category, Taxonomy


@dataclass
class StoreState:
    settings: AimStoreSettings
    engine: Engine
    sessions: sessionmaker[Session]
    signing_key: str
    wards: ActiveWards = field(default_factory=ActiveWards)
    publications: Publications = field(init=False)
    summary_reads: SummaryReads = field(init=False)
    today: Callable[[], date] = uk_today  # the UK date that decides which periods are due

    def __post_init__(self) -> None:
        self.publications = Publications()
        self.summary_reads = SummaryReads(self.sessions)

    @property
    def token_key(self) -> bytes:
        return token_key(self.signing_key)

    @property
    def access_lifetime(self) -> timedelta:
        return timedelta(minutes=self.settings.access_token_minutes)

    @property
    def refresh_lifetime(self) -> timedelta:
        return timedelta(days=self.settings.refresh_token_days)

    @property
    def refresh_grace(self) -> timedelta:
        return timedelta(seconds=self.settings.refresh_grace_seconds)

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(days=self.settings.session_max_days)


# A taxonomy version is written once with its categories and never changed (a change is a new
# version), so each database's versions are read once per process. The key holds the version's
# creation time too, so a version written in a transaction that was rolled back and then
# written again differently is read afresh.
_taxonomies: WeakKeyDictionary[Engine, dict[tuple[int, datetime], Taxonomy]] = WeakKeyDictionary()
_taxonomies_lock = threading.Lock()


def current_taxonomy(session: Session) -> Taxonomy:
    """The newest taxonomy version in the store."""
    newest = session.execute(
        select(models.TaxonomyVersion.version, models.TaxonomyVersion.created_at)
        .order_by(models.TaxonomyVersion.version.desc())
        .limit(1)
    ).first()
    if newest is None:
        raise RuntimeError("The store has no taxonomy; run `wardapp-aimstore migrate`.")
    key = (newest.version, newest.created_at)
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    with _taxonomies_lock:
        known = _taxonomies.setdefault(engine, {}).get(key)
    if known is not None:
        return known
    rows = session.scalars(
        select(models.Category)
        .where(models.Category.taxonomy_version == newest.version)
        .order_by(models.Category.position)
    ).all()
    taxonomy = Taxonomy.of(
        newest.version,
        (Category(code=r.code, label=r.label, help=r.help, sensitive=r.sensitive) for r in rows),
    )
    if rows:  # a version whose categories are not written yet is not kept
        with _taxonomies_lock:
            _taxonomies[engine][key] = taxonomy
    return taxonomy
