"""Normalisation: countries (pycountry + documented overrides), units, number cells, drug labels,
and the countries seed."""

from __future__ import annotations

import csv
from decimal import Decimal

import pycountry
import pytest
from stats_helpers import REPO

from drugtrade.normalize.countries import (
    FORMER_AND_USER_ASSIGNED,
    OVERRIDES,
    resolve_country,
    split_footnotes,
)
from drugtrade.normalize.countries_seed import (
    M49_REGION_OF,
    SEED_PATH,
    build_rows,
    read_m49_subregions,
    render,
)
from drugtrade.normalize.drugs import TABLE_CATEGORIES, normalize_drug_label
from drugtrade.normalize.numbers import Missing, NotANumber, parse_number
from drugtrade.normalize.units import UnknownUnit, canonical_unit, convert, factor, to_measure_unit
from drugtrade.vocab import load_vocabulary


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("  Colombia a", ("Colombia", ("a",))),
        ("  Peru b", ("Peru", ("b",))),
        ("Peru b, c", ("Peru", ("b", "c"))),
        ("  Bolivia (Plurinational State of) ", ("Bolivia (Plurinational State of)", ())),
        ("  Total", ("Total", ())),
        ("Côte d'Ivoire", ("Côte d'Ivoire", ())),
    ],
)
def test_split_footnotes(label, expected):
    assert split_footnotes(label) == expected


@pytest.mark.parametrize(
    ("label", "code", "iso3"),
    [
        ("  Colombia a", None, "COL"),
        ("Bolivia (Plurinational State of)", None, "BOL"),
        ("Venezuela (Bolivarian Republic of)", None, "VEN"),
        ("Iran (Islamic Republic of)", None, "IRN"),
        ("Republic of Korea", None, "KOR"),
        ("Democratic Republic of the Congo", None, "COD"),
        ("United Republic of Tanzania", None, "TZA"),
        ("Cote d'Ivoire", None, "CIV"),
        ("China, Hong Kong SAR", None, "HKG"),
        ("Turkey", None, "TUR"),
        ("Kosovo under UNSCR 1244", "KKK", "XKX"),
        ("USSR", "NULL", "SUN"),
        ("Serbia and Montenegro", "NULL", "SCG"),
        ("Netherlands Antilles", "ANT", "ANT"),
        ("Czechoslovakia", "CZE", "CZE"),  # the published code wins over the name
        ("Czechoslovakia", None, "CSK"),
        ("Atlantis", None, None),
        ("South America", None, None),
        ("Total", None, None),
    ],
)
def test_resolve_country(label, code, iso3):
    assert resolve_country(label, code) == iso3


def test_every_unodc_country_name_resolves_to_its_published_code(real_file):
    path = real_file("seizures_annual_by_country.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        pairs = {(row["country"], row["ISO Code"]) for row in csv.DictReader(handle)}
    # UNODC attributes these former states' series to a successor's code; by name they are
    # their own former codes.
    successor_codes = {"Czechoslovakia": ("CZE", "CSK"), "German Democratic Republic": ("DEU", "DDR")}
    for name, code in pairs:
        by_name = resolve_country(name)
        if name in successor_codes:
            assert (code, by_name) == successor_codes[name]
        elif code in ("NULL", "KKK"):
            assert by_name in {"SUN", "SCG", "XKX"}, name
        else:
            assert by_name == code, (name, code, by_name)


def test_overrides_point_at_known_codes():
    known = {c.alpha_3 for c in pycountry.countries} | {f.iso3 for f in FORMER_AND_USER_ASSIGNED}
    assert set(OVERRIDES.values()) <= known


def test_exact_unit_conversions():
    assert factor("lbs", "kg") == Decimal("0.45359237")
    assert convert("1794.82", "lbs", "kg") == Decimal("814.1166575234")
    assert convert("2", "metric tons", "kg") == Decimal("2000")
    assert convert("2500", "g", "kg") == Decimal("2.5")
    assert convert("1500", "kilograms", "t") == Decimal("1.5")
    assert convert("1", "acres", "ha") == Decimal("0.40468564224")
    assert to_measure_unit("100", "hectares", "cultivation") == (100.0, "ha")
    assert to_measure_unit("3", "Tonnes", "potential_production") == (3.0, "t")
    # One rounding only: the float is the nearest double to the exact product.
    assert to_measure_unit("8.3799469484296", "lb", "seized_quantity")[0] == float(
        Decimal("8.3799469484296") * Decimal("0.45359237")
    )


@pytest.mark.parametrize("unit", ["tons", "stones", "ounces", "", "kg/ha"])
def test_unknown_or_ambiguous_units_are_errors(unit):
    with pytest.raises(UnknownUnit):
        canonical_unit(unit)


def test_units_of_the_wrong_dimension_are_errors():
    with pytest.raises(UnknownUnit, match="cannot be converted"):
        convert("1", "ha", "kg")
    with pytest.raises(ValueError, match="unknown measure"):
        to_measure_unit("1", "kg", "purity")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("146000", Decimal("146000")),
        (" 1,794.82 ", Decimal("1794.82")),
        ("23 100", Decimal("23100")),
        ("6.11E-05", Decimal("6.11E-05")),
        (165336.95, Decimal("165336.95")),
        (73000, Decimal("73000")),
        ("..", Missing(marker="..")),
        (". .", Missing(marker=". .")),
        ("NULL", Missing(marker="NULL")),
        (None, Missing(marker="")),
        ("", Missing(marker="")),
    ],
)
def test_parse_number(cell, expected):
    assert parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["abc", "1,23", "12 kg", True, float("nan"), "1_000", "Infinity"])
def test_non_numbers(cell):
    with pytest.raises(NotANumber):
        parse_number(cell)


def test_every_published_drug_label_maps_except_not_available(real_file):
    path = real_file("seizures_annual_by_country.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        labels = {row["Drug"] for row in csv.DictReader(handle)}
    unmapped = {label for label in labels if normalize_drug_label(label) is None}
    assert unmapped == {"Not available"}
    cbp = [
        "Cocaine",
        "Ecstasy",
        "Fentanyl",
        "Heroin",
        "Ketamine",
        "Khat (Catha Edulis)",
        "Lsd",
        "Marijuana",
        "Methamphetamine",
        "Other Drugs**",
    ]
    assert [normalize_drug_label(label) for label in cbp] == [
        "cocaine",
        "ecstasy",
        "fentanyl",
        "heroin",
        "ketamine",
        "khat",
        "lsd",
        "marijuana",
        "methamphetamine",
        "other drugs",
    ]
    assert normalize_drug_label("Cocaine (base, paste and salts)") == "cocaine"
    assert normalize_drug_label("Coca paste/cocaine base") == "coca paste"


def test_table_categories_target_vocabulary_terms_and_stay_out_of_it():
    vocabulary = load_vocabulary()
    terms = {drug.drug for drug in vocabulary}
    synonyms = {s for drug in vocabulary for s in drug.synonyms}
    assert set(TABLE_CATEGORIES.values()) <= terms
    # Generic table words must not become text-matching synonyms ("alcohol" in a news article).
    assert not set(TABLE_CATEGORIES) & synonyms


def test_countries_seed_covers_iso_3166_with_m49_regions():
    with SEED_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["iso3", "iso2", "name", "region", "subregion"]
    by_iso3 = {row["iso3"]: row for row in rows}
    assert len(by_iso3) == len(rows)
    for country in pycountry.countries:
        assert by_iso3[country.alpha_3]["iso2"] == country.alpha_2
    assert {f.iso3 for f in FORMER_AND_USER_ASSIGNED} <= set(by_iso3)
    assert {row["region"] for row in rows} == {"Africa", "Americas", "Asia", "Europe", "Oceania", ""}
    assert [row["iso3"] for row in rows if not row["region"]] == ["ATA"]
    for row in rows:
        if row["region"]:
            assert M49_REGION_OF[row["subregion"]] == row["region"]
    assert (by_iso3["COL"]["region"], by_iso3["COL"]["subregion"]) == ("Americas", "South America")
    assert (by_iso3["MEX"]["region"], by_iso3["MEX"]["subregion"]) == ("Americas", "Central America")
    assert (by_iso3["USA"]["region"], by_iso3["USA"]["subregion"]) == ("Americas", "Northern America")
    assert (by_iso3["JAM"]["region"], by_iso3["JAM"]["subregion"]) == ("Americas", "Caribbean")
    assert by_iso3["BOL"]["name"] == "Bolivia"


def test_countries_seed_is_what_the_sources_give():
    from drugtrade.normalize.countries_seed import country_converter_data

    try:
        data = country_converter_data()
    except FileNotFoundError as error:
        pytest.skip(str(error))
    assert SEED_PATH.read_text(encoding="utf-8") == render(build_rows(read_m49_subregions(data)))
    assert SEED_PATH == REPO / "dbt_project" / "seeds" / "countries.csv"
