"""Production and cultivation estimates from more than one estimator (coca_estimates.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from stats_helpers import BUNDLED, assert_accounted, csv_data_rows

from drugtrade.stats import detect_family, parse_file
from drugtrade.stats.estimates_bundle import COLUMNS, build, render

ESTIMATES = BUNDLED / "coca_estimates.csv"


def test_bundled_file_is_what_the_shared_data_gives(shared_file):
    data = shared_file("data/coca_cultivation.csv").parent
    assert ESTIMATES.read_text(encoding="utf-8") == render(build(data))


def test_both_estimators_kept_for_colombia_2016():
    assert detect_family(ESTIMATES) == "production_estimates"
    batch = parse_file(ESTIMATES, source_id="coca_estimates")
    assert batch.rows_read == csv_data_rows(ESTIMATES)
    assert_accounted(batch)
    cultivation = [
        r
        for r in batch.observations.to_pylist()
        if (r["country"], r["period_label"], r["measure"]) == ("COL", "2016", "cultivation")
    ]
    by_estimator: dict[str, list[float]] = {}
    for row in cultivation:
        by_estimator.setdefault(row["estimator"], []).append(row["value"])
    assert by_estimator == {"UNODC": [146000.0, 146000.0], "US government (ONDCP/INCSR/CIA)": [188000.0]}
    # The same UNODC figure from two publications: two observations, distinct rows and ids.
    unodc = [r for r in cultivation if r["estimator"] == "UNODC"]
    assert len({r["source_row"] for r in unodc}) == 2
    assert len({r["observation_id"] for r in unodc}) == 2
    assert any("World Drug Report 2022" in r["notes"] for r in unodc)
    assert all(r["drug"] == "coca bush" and r["unit"] == "ha" for r in cultivation)


def test_production_figures_and_aggregates():
    batch = parse_file(ESTIMATES, source_id="coca_estimates")
    production = {
        (r["country"], r["period_label"], r["estimator"], r["value"])
        for r in batch.observations.to_pylist()
        if r["measure"] == "potential_production"
    }
    assert ("COL", "2016", "US government (ONDCP/INCSR/CIA)", 710.0) in production
    assert ("COL", "2016", "US government (ONDCP/INCSR/CIA)", 772.0) in production  # revision kept
    assert ("COL", "2023", "UNODC", 2664.0) in production
    reasons = set(batch.quarantine.column("reason").to_pylist())
    assert reasons == {"aggregate row"}  # "Total Bolivia+Colombia+Peru", "World": no country


def test_rules_on_bad_rows(tmp_path: Path):
    path = tmp_path / "estimates.csv"
    good = dict(
        country="Peru",
        iso3="PER",
        year="2021",
        drug="coca bush",
        measure="cultivation",
        value="80681",
        unit="ha",
        estimator="UNODC",
        measure_as_published="",
        source="UNODC Peru survey",
        source_url_or_doc="https://example.org/peru",
        notes="",
        derived_from="",
    )
    rows = [
        good,
        {**good, "unit": "acres", "value": "100"},
        {
            **good,
            "measure": "potential_production",
            "drug": "cocaine",
            "unit": "metric tons",
            "value": "785",
            "estimator": "",
        },
        {**good, "measure": "yield"},
        {**good, "iso3": "XXX"},
        {**good, "iso3": "", "country": "Andean region total"},
        {**good, "value": ".."},
        {**good, "drug": "tobacco"},
        {**good, "unit": "bushels"},
        {**good, "year": "1899"},
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    batch = parse_file(path, source_id="e", estimator="US government (ONDCP)")
    assert batch.rows_read == 10
    assert_accounted(batch)
    loaded = {r["source_row"]: r for r in batch.observations.to_pylist()}
    assert loaded[2]["value"] == 80681.0 and loaded[2]["estimator"] == "UNODC"  # the column wins
    assert loaded[3]["value"] == pytest.approx(40.468564224) and loaded[3]["unit"] == "ha"
    assert (loaded[4]["value"], loaded[4]["unit"], loaded[4]["estimator"]) == (
        785.0,
        "t",
        "US government (ONDCP)",
    )
    reasons = {r["source_row"]: r["reason"] for r in batch.quarantine.to_pylist()}
    assert reasons == {
        5: "unknown measure 'yield'",
        6: "country not found: ISO code 'XXX' ('Peru')",
        7: "aggregate row",
        8: "missing value ('..')",
        9: "unknown drug label 'tobacco'",
        10: "unknown unit 'bushels' for cultivation",
        11: reasons[11],
    }
    assert reasons[11].startswith("year out of range: 1899")
