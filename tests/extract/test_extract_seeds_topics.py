"""The topic taxonomy and officials seeds, and topic tagging."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pycountry
import pytest

from drugtrade.extract.topics import TAXONOMY_CSV, TaxonomyError, load_taxonomy, tag_topics

OFFICIALS_CSV = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "officials.csv"
REQUIRED_TOPICS = {
    "demand_reduction",
    "interdiction",
    "eradication",
    "financial_flows",
    "arms_trafficking",
    "organised_crime",
    "production",
    "international_cooperation",
    "violence_security",
}


def test_taxonomy_seed_has_the_required_topics_and_columns() -> None:
    with TAXONOMY_CSV.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["topic", "label", "description", "keywords"]
        rows = list(reader)
    assert {r["topic"] for r in rows} >= REQUIRED_TOPICS
    assert len({r["topic"] for r in rows}) == len(rows)
    assert all(r["label"] and r["description"] and "|" in r["keywords"] for r in rows)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        (
            "We Americans must own this problem: the seemingly endless demand by addicted users.",
            "demand_reduction",
        ),
        ("stopping the cross-border flow of drugs", "interdiction"),
        ("We tried fumigation for twenty years", "eradication"),
        ("emphasis on cash flow and the flow of weapons", "financial_flows"),
        ("emphasis on cash flow and the flow of weapons", "arms_trafficking"),
        ("aggressively confronting the cartels", "organised_crime"),
        ("reduce permanently the production of coca leaf", "production"),
        ("Cooperation is the only route that works", "international_cooperation"),
        ("the violence comes from the retail market", "violence_security"),
    ],
)
def test_tag_topics(text: str, topic: str) -> None:
    assert topic in tag_topics(text)


def test_tag_topics_without_keywords_is_empty() -> None:
    assert tag_topics("The weather was fine on Tuesday.") == ()


def test_malformed_taxonomy_is_rejected_with_the_row(tmp_path: Path) -> None:
    bad = tmp_path / "topics.csv"
    bad.write_text("topic,label,description,keywords\nx,X,desc,\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="row 2"):
        load_taxonomy(bad)


def test_officials_seed_is_a_valid_type_2_dimension() -> None:
    with OFFICIALS_CSV.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == [
            "person_name",
            "role",
            "country_iso3",
            "affiliation",
            "valid_from",
            "valid_to",
            "source_url",
        ]
        rows = list(reader)
    assert len(rows) >= 18
    by_key: dict[tuple[str, str], list[tuple[date, date]]] = {}
    for row in rows:
        assert pycountry.countries.get(alpha_3=row["country_iso3"]) is not None, row
        assert row["source_url"].startswith("https://"), row
        start = date.fromisoformat(row["valid_from"])
        end = date.fromisoformat(row["valid_to"]) if row["valid_to"] else date.max
        assert start < end, row
        by_key.setdefault((row["person_name"], row["role"]), []).append((start, end))
    for spans in by_key.values():  # one person never holds the same role twice at once
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    kelly = sorted((r["valid_from"], r["role"]) for r in rows if r["person_name"] == "John Kelly")
    assert kelly == [
        ("2017-01-20", "Secretary of Homeland Security"),
        ("2017-07-31", "White House Chief of Staff"),
    ]
    tillerson = next(r for r in rows if r["person_name"] == "Rex Tillerson")
    assert (tillerson["valid_from"], tillerson["valid_to"]) == ("2017-02-01", "2018-03-31")
