"""The one country vocabulary: statistics labels and article text resolve through the same tables."""

from __future__ import annotations

import pytest

from drugtrade.extract.countries import country_code as article_country_code
from drugtrade.normalize.countries import resolve_country as statistics_country
from drugtrade.vocab import country_code, country_of_text, find_countries, is_known_code, resolve_country
from drugtrade.vocab.institutions import INSTITUTIONS
from drugtrade.vocab.places import PLACES, SHIP_PREFIXES


def test_kosovo_resolves_on_both_sides() -> None:
    assert statistics_country("Kosovo") == "XKX"
    assert statistics_country("Kosovo under UNSCR 1244", "KKK") == "XKX"
    assert article_country_code("Kosovo") == "XKX"
    assert [m.iso3 for m in find_countries("Police in Kosovo and Kosovar customs")] == ["XKX", "XKX"]


def test_old_import_paths_are_the_vocabulary() -> None:
    assert statistics_country is resolve_country
    assert article_country_code is country_code


@pytest.mark.parametrize(
    ("phrase", "iso3"),
    [
        ("Ecuadorian naval inspectors", "ECU"),
        ("Colombians", "COL"),
        ("Colombia's Defence Minister", "COL"),
        ("Mexico’s navy", "MEX"),
        ("the Royal Canadian Mounted Police", "CAN"),
        ("an RCMP spokesperson", "CAN"),
        ("DEA Administrator", "USA"),
        ("CBP officers at the port", "USA"),
        ("the Coast Guard Cutter crew", "USA"),
        ("the Colombian Coast Guard", "COL"),  # the country word wins over the institution's default
        ("Trinidad and Tobago's Coast Guard", "TTO"),
        ("Policía Nacional del Perú", "PER"),
        ("the Royal Navy", "GBR"),
        ("SEMAR marines", "MEX"),
        ("the U.S. Embassy in Belize", "USA"),
        ("Policía Nacional", None),  # several countries' force: no country without a country word
        ("the Navy said", None),
        ("Latin American leaders", None),
        ("ranchers in New Mexico", "USA"),  # the US state, not Mexico
        ("the Mississippi Bureau of Narcotics", "USA"),
        ("police in Sinaloa", "MEX"),
        ("the crew of HMS Trent", "GBR"),
        ("HMCS Shawinigan", "CAN"),
        ("IRS Criminal Investigation", "USA"),
        ("according to the IRS", None),  # translations use it for other countries' tax agencies
    ],
)
def test_country_of_text(phrase: str, iso3: str | None) -> None:
    assert country_of_text(phrase) == iso3


def test_mentions_of_places_in_a_country_are_not_country_mentions_by_default() -> None:
    assert find_countries("Police in Sinaloa and Ontario") == []
    assert [m.iso3 for m in find_countries("Police in Sinaloa and Ontario", institutions=True)] == [
        "MEX",
        "CAN",
    ]


def test_institutions_are_not_countries_to_the_name_lookup() -> None:
    # people.py asks country_code whether a word is a country name; "DEA" is not one.
    assert country_code("DEA") is None
    assert [m.iso3 for m in find_countries("The DEA and Mexico")] == ["MEX"]
    assert [(m.text, m.institution) for m in find_countries("The DEA and Mexico", institutions=True)] == [
        ("DEA", True),
        ("Mexico", False),
    ]


def test_statistics_side_does_not_take_news_aliases() -> None:
    # "America" in a statistics table is a region; the news short forms stay on the text side.
    assert resolve_country("America") is None
    assert country_code("Britain") == "GBR"
    assert resolve_country("Britain") is None


@pytest.mark.parametrize(
    "table", [INSTITUTIONS, PLACES, SHIP_PREFIXES], ids=["institutions", "places", "ships"]
)
def test_every_institution_points_at_a_known_code_and_one_country(table: dict[str, tuple[str, ...]]) -> None:
    owners: dict[str, str] = {}
    for iso3, names in table.items():
        assert isinstance(names, tuple), f"{iso3}: {names!r} is not a tuple of names"
        assert all(len(name) >= 3 for name in names), names
        assert is_known_code(iso3), iso3
        for name in names:
            assert owners.setdefault(name, iso3) == iso3, f"{name!r} listed for {owners[name]} and {iso3}"
            # an institution name that is a country name would shadow the country
            assert country_code(name) in (None, iso3), name


def test_word_boundaries_of_country_labels() -> None:
    text = (
        "Colombians, Colombianos and Nigerians met U.S.-led teams in Niger; the Dominican "
        "Republic's envoy, Afro-American groups and Peru's Peruvian police. Chadwick saw Guinea-Bissau."
    )
    found = [(m.text, m.iso3) for m in find_countries(text)]
    assert found == [
        ("Colombians", "COL"),
        ("Nigerians", "NGA"),
        ("U.S.", "USA"),
        ("Dominican Republic", "DOM"),
        ("Peru", "PER"),
        ("Peruvian", "PER"),
        ("Guinea-Bissau", "GNB"),
    ]
    assert all(text[m.start : m.end] == m.text for m in find_countries(text))
