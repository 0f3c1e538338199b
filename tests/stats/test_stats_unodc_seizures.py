"""UNODC annual seizures by country: the real 51,201-row file and a fixture of its oddities."""

from __future__ import annotations

from collections import Counter
from datetime import date

from stats_helpers import FIXTURES, assert_accounted, csv_data_rows

from drugtrade.stats import detect_family, parse_file

SEIZURES = "seizures_annual_by_country.csv"


def test_real_file_counts_and_cells(real_file):
    path = real_file(SEIZURES)
    assert detect_family(path) == "unodc_seizures"
    batch = parse_file(path, source_id="unodc_seizures")
    assert batch.rows_read == csv_data_rows(path) == 51201
    reasons = Counter(batch.quarantine.column("reason").to_pylist())
    assert reasons == {
        "missing value ('NULL') in 'KG Equivalent'": 507,
        "unknown drug label 'Not available'": 5,
    }
    assert batch.rows_loaded == 51201 - 512
    assert_accounted(batch)

    rows = {r["source_row"]: r for r in batch.observations.to_pylist()}
    # Line 43262: Americas,Colombia,COL,Cocaine-type,Cocaine salts,2016,362414.9
    colombia = rows[43262]
    assert (colombia["country"], colombia["country_label"], colombia["region"]) == (
        "COL",
        "Colombia",
        "Americas",
    )
    assert (colombia["drug"], colombia["drug_label"], colombia["measure"]) == (
        "cocaine",
        "Cocaine salts",
        "seized_quantity",
    )
    assert (colombia["value"], colombia["unit"], colombia["value_as_published"]) == (
        362414.9,
        "kg",
        "362414.9",
    )
    assert (colombia["period_start"], colombia["period_end"], colombia["period_label"]) == (
        date(2016, 1, 1),
        date(2016, 12, 31),
        "2016",
    )
    assert colombia["estimator"] == "UNODC" and colombia["sheet"] is None
    # Line 43257: scientific notation as published.
    assert rows[43257]["value"] == 6.11e-05 and rows[43257]["drug"] == "lsd"
    # Lines 31-33: three rows for Sweden, amphetamine, 1971: each kept, with its own row and id.
    sweden = [rows[n] for n in (31, 32, 33)]
    assert [r["value"] for r in sweden] == [2.0, 0.300000012, 2.112297]
    assert len({r["observation_id"] for r in sweden}) == 3


def test_real_file_odd_country_codes(real_file):
    batch = parse_file(real_file(SEIZURES), source_id="unodc_seizures")
    by_label = {}
    for label, code in zip(
        batch.observations.column("country_label").to_pylist(),
        batch.observations.column("country").to_pylist(),
        strict=True,
    ):
        by_label.setdefault(label, set()).add(code)
    assert by_label["Netherlands Antilles"] == {"ANT"}  # former ISO 3166-1 code, kept
    assert by_label["USSR"] == {"SUN"}  # published as NULL
    assert by_label["Serbia and Montenegro"] == {"SCG"}  # published as NULL
    assert by_label["Kosovo under UNSCR 1244"] == {"XKX"}  # published as KKK
    assert by_label["China, Hong Kong SAR"] == {"HKG"}
    assert by_label["China, Taiwan Province of China"] == {"TWN"}
    assert by_label["Czechoslovakia"] == {"CZE"}  # UNODC's own attribution, kept
    assert by_label["Bolivia (Plurinational State of)"] == {"BOL"}
    assert all(len(codes) == 1 for codes in by_label.values())


def test_fixture_rules():
    path = FIXTURES / "unodc_seizures_sample.csv"
    batch = parse_file(path, source_id="fixture")
    assert batch.rows_read == 15  # lines 2-16
    assert_accounted(batch)
    reasons = {r["source_row"]: r["reason"] for r in batch.quarantine.to_pylist()}
    assert reasons == {
        8: "missing value ('NULL') in 'KG Equivalent'",
        9: "unknown drug label 'Not available'",
        10: "country not found: 'Atlantis' (ISO Code 'ATL')",
        11: reasons[11],
        12: "unreadable year '20x4'",
        13: "negative value '-3' in 'KG Equivalent'",
        14: "non-numeric value 'lots' in 'KG Equivalent'",
        15: "malformed row: 6 fields, expected 7",
    }
    assert reasons[11].startswith("year out of range: 2104")
    loaded = {r["source_row"]: r for r in batch.observations.to_pylist()}
    assert [loaded[n]["value"] for n in (2, 3)] == [362414.9, 12.5]  # same country, year, drug: both kept
    assert (loaded[4]["country"], loaded[4]["drug"]) == ("ANT", "cocaine")
    assert loaded[5]["country"] == "SUN" and loaded[6]["country"] == "XKX"
    assert (loaded[7]["country"], loaded[7]["value"]) == ("HKG", 1500.0)
    assert loaded[16]["country"] == "BOL"  # no code: resolved from the UN name
