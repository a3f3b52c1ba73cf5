"""Changing the category taxonomy: each change is a new version, earlier ones stay as they are.

Reports keep the category code they were filed with, so retiring a category never rewrites
history: the code simply is not offered, nor accepted in new reports, from the new version on.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wardapp.aimstore import models
from wardapp.aimstore.accounts import ChangedBy
from wardapp.aimstore.migrate import store_taxonomy
from wardapp.aimstore.state import current_taxonomy
from wardapp.core.taxonomy import Taxonomy


class TaxonomyError(ValueError):
    """A taxonomy change that cannot be made; the message says why."""


class TaxonomyConflict(TaxonomyError):
    """Another change landed at the same moment: trying again is the fix."""


def retire_category(session: Session, code: str, by: ChangedBy) -> Taxonomy:
    """Stores a new version without ``code``; refuses unknown codes and the last category."""
    current = current_taxonomy(session)
    if current.get(code) is None:
        retired = retired_codes(session, current)
        if code in retired:
            raise TaxonomyError(
                f"Category '{code}' was already retired (it is not in version {current.version})."
            )
        raise TaxonomyError(
            f"Unknown category '{code}'. Current categories: {', '.join(current.codes())}."
        )
    if len(current.categories) == 1:
        raise TaxonomyError(
            f"Cannot retire '{code}': it is the last category, and reports need one."
        )
    new = Taxonomy.of(current.version + 1, (c for c in current.categories if c.code != code))
    try:
        with session.begin_nested():
            store_taxonomy(session, new)
    except IntegrityError:
        raise TaxonomyConflict(
            "The taxonomy changed at the same moment; look at it again and retry."
        ) from None
    by.record(
        session,
        "category_retired",
        code,
        {"from_version": current.version, "to_version": new.version},
    )
    return new


def retired_codes(session: Session, current: Taxonomy) -> dict[str, int]:
    """Codes of earlier versions missing from ``current``, with the last version that had them."""
    last_seen: dict[str, int] = {}
    for code, version in session.execute(
        select(models.Category.code, models.Category.taxonomy_version)
    ):
        last_seen[code] = max(version, last_seen.get(code, 0))
    offered = set(current.codes())
    return {code: v for code, v in sorted(last_seen.items()) if code not in offered}
