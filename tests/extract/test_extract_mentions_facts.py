"""People, countries and drugs named in text, and the seizure/production figures stated."""

from __future__ import annotations

from datetime import date

import pytest
from extract_testpaths import SAMPLES

from drugtrade.extract.content import extract_article
from drugtrade.extract.facts import extract_facts
from drugtrade.extract.mentions import extract_mentions
from drugtrade.vocab import drug_terms


def test_people_are_linked_to_their_surname_mentions() -> None:
    body = (
        "US Secretary of State Rex Tillerson met Mexican Foreign Relations Secretary Luis Videgaray Caso.\n\n"
        "Tillerson said the talks went well. Mexico's Videgaray agreed with Tillerson's point."
    )
    people = [(m.text, m.normalized) for m in extract_mentions(body) if m.kind == "person"]
    assert people == [
        ("Rex Tillerson", "Rex Tillerson"),
        ("Luis Videgaray Caso", "Luis Videgaray Caso"),
        ("Tillerson", "Rex Tillerson"),
        ("Videgaray", "Luis Videgaray Caso"),
        ("Tillerson", "Rex Tillerson"),
    ]


def test_countries_names_demonyms_and_possessives_map_to_iso3() -> None:
    body = (
        "Colombian and Mexican officials met in the United States. Mexico's delegation and Bolivia's envoy "
        "spoke of Latin American markets, the U.S. border and New Mexico ranches. Peruvians voted."
    )
    found = [(m.text, m.normalized) for m in extract_mentions(body) if m.kind == "country"]
    assert found == [
        ("Colombian", "COL"),
        ("Mexican", "MEX"),
        ("United States", "USA"),
        ("Mexico", "MEX"),
        ("Bolivia", "BOL"),
        ("U.S.", "USA"),
        ("Peruvians", "PER"),
    ]


def test_drugs_come_from_the_vocabulary_and_ambiguous_words_are_skipped() -> None:
    body = "Police will crack down on crack cocaine, coca paste, fentanilo and other drugs, and on Coke machines."
    drugs = [(m.text, m.normalized) for m in extract_mentions(body) if m.kind == "drug"]
    assert drugs == [("crack cocaine", "cocaine"), ("coca paste", "coca paste"), ("fentanilo", "fentanyl")]
    assert all(d in set(drug_terms().values()) for _, d in drugs)


def test_mention_offsets_index_the_body() -> None:
    article = extract_article((SAMPLES / "2025-05-20-sonora-fentanyl-lab.html").read_bytes(), url="u")
    mentions = extract_mentions(article.body)
    assert {m.kind for m in mentions} == {"person", "country", "drug"}
    for mention in mentions:
        assert article.body[mention.start : mention.end] == mention.text


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Ecuadorian naval inspectors seized 2.3 tons of cocaine in Guayaquil.",
            ("seizure", 2300.0, "kg", "cocaine", "ECU"),
        ),
        (
            "Coca cultivation in Colombia reached 146,000 hectares of coca in 2024.",
            ("cultivation", 146000.0, "ha", "coca bush", "COL"),
        ),
        (
            "Mexican police seized 5 metric tonnes of methamphetamine at a ranch.",
            ("seizure", 5000.0, "kg", "methamphetamine", "MEX"),
        ),
        (
            "Officers in Nogales seized 2,400 lbs of methamphetamine in April.",
            ("seizure", 2400 * 0.45359237, "kg", "methamphetamine", None),
        ),
        (
            "Panamanian agents seized 640 kilos of cocaine from a yacht.",
            ("seizure", 640.0, "kg", "cocaine", "PAN"),
        ),
        (
            "Bolivian teams eradicated 9,000 hectares of coca in the Yungas.",
            ("eradication", 9000.0, "ha", "coca bush", "BOL"),
        ),
        (
            "Peru could produce 1.5 million kilograms of cocaine a year.",
            ("production", 1500.0, "t", "cocaine", "PER"),
        ),
        (
            "Farmers planted 2,000 acres of opium poppy in Guerrero, Mexico.",
            ("cultivation", 2000 * 0.40468564224, "ha", "opium poppy", "MEX"),
        ),
    ],
)
def test_facts_value_unit_kind_drug_country(sentence: str, expected: tuple) -> None:
    facts = extract_facts(sentence)
    assert len(facts) == 1, facts
    fact = facts[0]
    assert (fact.kind, fact.unit, fact.drug, fact.country) == (
        expected[0],
        expected[2],
        expected[3],
        expected[4],
    )
    assert fact.value == pytest.approx(expected[1])
    assert sentence[fact.start : fact.end] == fact.text


def test_fact_years_explicit_and_relative_to_publication() -> None:
    body = (
        "Police in the department seized 7.5 tons of cocaine in 2024, up from 4.9 tons a year earlier.\n\n"
        "Eradication teams uprooted 12,500 hectares of coca last year."
    )
    facts = extract_facts(body, published_date=date(2025, 4, 2))
    assert [(f.value, f.year) for f in facts] == [(7500.0, 2024), (4900.0, 2023), (12500.0, 2024)]
    assert [f.drug for f in facts] == ["cocaine", "cocaine", "coca bush"]


def test_numbers_without_a_drug_event_are_not_facts() -> None:
    body = (
        "The estimated 2.8 million Americans with a substance use disorder weigh 80 kg on average. "
        "The truck carried 20 tons of bananas."
    )
    assert extract_facts(body) == []


def test_destination_country_is_not_the_fact_country() -> None:
    facts = extract_facts(
        "Police seized 14 tons of cocaine base, most of it destined for Brazil and Paraguay."
    )
    assert facts[0].country is None
