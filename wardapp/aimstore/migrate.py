"""Bring a database to the current schema and give it what a store needs to serve."""

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.secrets import ensure_signing_key
from wardapp.aimstore.wardsets import store_ward_set
from wardapp.core.taxonomy import Taxonomy, default_taxonomy
from wardapp.core.wards import default_ward_set


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", "wardapp.aimstore:migrations")
    config.attributes["engine"] = engine
    return config


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def store_taxonomy(session: Session, taxonomy: Taxonomy) -> None:
    session.add(models.TaxonomyVersion(version=taxonomy.version))
    session.flush()  # no ORM relationship orders these inserts for us
    session.add_all(
        models.Category(
            taxonomy_version=taxonomy.version,
            code=c.code,
            label=c.label,
            help=c.help,
            sensitive=c.sensitive,
            position=i,
        )
        for i, c in enumerate(taxonomy.categories)
    )


def load_defaults(session: Session) -> list[str]:
    """Default taxonomy, default wards and the signing key, each only if missing."""
    done: list[str] = []
    if session.scalar(select(func.count()).select_from(models.TaxonomyVersion)) == 0:
        store_taxonomy(session, default_taxonomy())
        done.append("default category taxonomy")
    if session.scalar(select(func.count()).select_from(models.BoundarySet)) == 0:
        wards = default_ward_set()
        store_ward_set(session, wards)
        done.append(f"default wards ({len(wards)} wards, {wards.version})")
    if session.get(models.Counter, "changes") is None:
        session.add(models.Counter(name="changes", value=0))
    ensure_signing_key(session)
    return done


def migrate(engine: Engine) -> list[str]:
    upgrade_schema(engine)
    with Session(engine) as session, session.begin():
        return load_defaults(session)
