"""What one running AIM store process holds: settings, database, signing key, caches."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from wardapp.aimstore import models
from wardapp.aimstore.settings import AimStoreSettings
from wardapp.aimstore.summary_cache import SummaryCache
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
    summaries: SummaryCache = field(default_factory=SummaryCache)
    today: Callable[[], date] = uk_today  # the UK date that decides which periods are over

    @property
    def access_lifetime(self) -> timedelta:
        return timedelta(minutes=self.settings.access_token_minutes)

    @property
    def refresh_lifetime(self) -> timedelta:
        return timedelta(days=self.settings.refresh_token_days)


def current_taxonomy(session: Session) -> Taxonomy:
    """The newest taxonomy version in the store."""
    version = session.scalar(
        select(models.TaxonomyVersion.version)
        .order_by(models.TaxonomyVersion.version.desc())
        .limit(1)
    )
    if version is None:
        raise RuntimeError("The store has no taxonomy; run `wardapp-aimstore migrate`.")
    rows = session.scalars(
        select(models.Category)
        .where(models.Category.taxonomy_version == version)
        .order_by(models.Category.position)
    ).all()
    return Taxonomy.of(
        version,
        (Category(code=r.code, label=r.label, help=r.help, sensitive=r.sensitive) for r in rows),
    )
