"""The category taxonomy: the codes the wire format fixes, and refusal of bad documents."""

from typing import Any

import pytest
from pydantic import ValidationError

from wardapp.core.resources import DEFAULT_TAXONOMY, read_json
from wardapp.core.taxonomy import Category, Taxonomy, load_taxonomy

# docs/api.md, "A report on the wire": category codes, in this order.
DOCUMENTED_CODES = [
    "asb",
    "motorbike_misuse",
    "drug_dealing",
    "drug_use",
    "empty_property",
    "fly_tipping",
    "graffiti_damage",
    "deliberate_fire",
    "retail_crime",
    "burglary_vehicle",
    "violence_weapons",
    "malicious_comms",
    "lighting_cctv",
    "exploitation",
    "other",
]


def test_default_taxonomy_has_the_design_codes_in_order(taxonomy: Taxonomy) -> None:
    assert taxonomy.codes() == DOCUMENTED_CODES


def test_default_taxonomy_version_is_positive(taxonomy: Taxonomy) -> None:
    assert isinstance(taxonomy.version, int)
    assert taxonomy.version >= 1


@pytest.mark.parametrize("code", DOCUMENTED_CODES)
def test_every_category_has_a_label_and_help(taxonomy: Taxonomy, code: str) -> None:
    category = taxonomy.get(code)
    assert category is not None
    assert category.label.strip(), f"{code} has no label"
    assert category.help.strip(), f"{code} has no help text for the form"
    # A label is for people: not the code itself.
    assert category.label != code


def test_labels_are_unique(taxonomy: Taxonomy) -> None:
    labels = [c.label for c in taxonomy.categories]
    assert len(set(labels)) == len(labels)


def test_only_exploitation_is_sensitive(taxonomy: Taxonomy) -> None:
    assert taxonomy.sensitive_codes() == frozenset({"exploitation"})
    flagged = [c.code for c in taxonomy.categories if c.sensitive]
    assert flagged == ["exploitation"]


def test_drug_use_mentions_nitrous_oxide(taxonomy: Taxonomy) -> None:
    category = taxonomy.get("drug_use")
    assert category is not None
    assert "nitrous oxide" in (category.label + " " + category.help).lower()


def test_get_unknown_code_is_none(taxonomy: Taxonomy) -> None:
    assert taxonomy.get("not_a_category") is None
    assert taxonomy.get("") is None


def test_taxonomy_is_immutable(taxonomy: Taxonomy) -> None:
    with pytest.raises(ValidationError):
        taxonomy.version = 99  # type: ignore[misc]
    category = taxonomy.categories[0]
    with pytest.raises(ValidationError):
        category.sensitive = True  # type: ignore[misc]


def test_of_builds_a_taxonomy_from_any_iterable() -> None:
    cats = (Category(code=c, label=c.title()) for c in ("alpha", "beta"))
    built = Taxonomy.of(3, cats)
    assert built.version == 3
    assert built.codes() == ["alpha", "beta"]
    assert built.sensitive_codes() == frozenset()


def _document(*codes: str, version: int = 1) -> dict[str, Any]:
    return {
        "version": version,
        "categories": [{"code": c, "label": f"Label {c}", "help": ""} for c in codes],
    }


def test_load_taxonomy_round_trips_the_shipped_file(taxonomy: Taxonomy) -> None:
    again = load_taxonomy(taxonomy.model_dump(mode="json"))
    assert again == taxonomy
    assert load_taxonomy(read_json(DEFAULT_TAXONOMY)) == taxonomy


def test_duplicate_codes_raise_value_error_naming_the_code() -> None:
    with pytest.raises(ValueError, match="duplicate") as raised:
        load_taxonomy(_document("asb", "graffiti_damage", "asb", "other"))
    assert "asb" in str(raised.value)
    assert "graffiti_damage" not in str(raised.value)


def test_several_duplicates_are_all_named() -> None:
    with pytest.raises(ValueError) as raised:
        load_taxonomy(_document("zeta", "asb", "zeta", "asb"))
    assert "asb" in str(raised.value)
    assert "zeta" in str(raised.value)


def test_version_zero_is_refused() -> None:
    with pytest.raises(ValueError):
        load_taxonomy(_document("asb", version=0))


@pytest.mark.parametrize("code", ["ASB", "a", "1st", "has space", "x" * 41, "drug-use"])
def test_malformed_code_is_refused(code: str) -> None:
    with pytest.raises(ValueError):
        load_taxonomy(_document(code))


def test_empty_label_is_refused() -> None:
    doc = {"version": 1, "categories": [{"code": "asb", "label": ""}]}
    with pytest.raises(ValueError):
        load_taxonomy(doc)


def test_help_and_sensitive_default_sensibly() -> None:
    loaded = load_taxonomy({"version": 2, "categories": [{"code": "asb", "label": "ASB"}]})
    category = loaded.get("asb")
    assert category is not None
    assert category.help == ""
    assert category.sensitive is False
