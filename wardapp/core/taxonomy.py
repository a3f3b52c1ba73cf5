"""The category taxonomy: versioned data, the single source of truth for category codes."""

import functools
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from wardapp.core.resources import DEFAULT_TAXONOMY, read_json


class Category(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    label: str = Field(min_length=1, max_length=80)
    help: str = Field(default="", max_length=500)
    sensitive: bool = False


class Taxonomy(BaseModel):
    """A numbered version of the category list; reports name categories by code."""

    model_config = ConfigDict(frozen=True)

    version: int = Field(ge=1)
    categories: tuple[Category, ...]

    def codes(self) -> list[str]:
        return [c.code for c in self.categories]

    def get(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    def sensitive_codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.categories if c.sensitive)

    @classmethod
    def of(cls, version: int, categories: Iterable[Category]) -> "Taxonomy":
        return cls(version=version, categories=tuple(categories))


def load_taxonomy(data: Any) -> Taxonomy:
    """Parse a taxonomy document; raises ValueError on duplicate codes."""
    taxonomy = Taxonomy.model_validate(data)
    codes = taxonomy.codes()
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise ValueError(f"duplicate category codes: {', '.join(duplicates)}")
    return taxonomy


@functools.cache  # frozen, and read on every save: parse the file once
def default_taxonomy() -> Taxonomy:
    return load_taxonomy(read_json(DEFAULT_TAXONOMY))
