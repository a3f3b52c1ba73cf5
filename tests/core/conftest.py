"""Fixtures for the domain tests: the shipped taxonomy and ward boundaries, loaded once."""

import pytest

from wardapp.core.taxonomy import Taxonomy, default_taxonomy
from wardapp.core.wards import WardSet, default_ward_set


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return default_taxonomy()


@pytest.fixture(scope="session")
def ward_set() -> WardSet:
    return default_ward_set()
