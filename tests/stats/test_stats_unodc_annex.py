"""UNODC World Drug Report annex workbooks: the real 6.1.1 and 6.1.2, and workbooks of our own
that reproduce their quirks and the changes a new release brings."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from stats_helpers import assert_accounted, cultivation_rows, write_workbook

from drugtrade.stats import UnknownFileFamily, detect_family, parse_file

CULTIVATION = "6.1.1_-_Illicit_coca_bush_cultivation.xlsx"
ERADICATION = "6.1.2_-_Eradication_of_coca_bush.xlsx"


def _figures(batch) -> dict[tuple[str, int], dict]:
    return {(row["country"], row["period_start"].year): row for row in batch.observations.to_pylist()}


def test_real_cultivation_table_cells_as_published(real_file):
    batch = parse_file(real_file(CULTIVATION), source_id="unodc_wdr_annex_6_1_1")
    figures = _figures(batch)

    colombia = figures[("COL", 2016)]
    assert colombia["value"] == 146000.0
    assert colombia["unit"] == "ha"
    assert colombia["measure"] == "cultivation"
    assert colombia["drug"] == "coca bush"
    assert colombia["estimator"] == "UNODC"
    assert colombia["country_label"] == "  Colombia a"
    assert colombia["notes"] == "a) Net area on 31 December."
    assert colombia["sheet"] == "6_1_1"
    assert colombia["source_row"] == 6
    assert (colombia["period_start"], colombia["period_end"]) == (date(2016, 1, 1), date(2016, 12, 31))
    # Years 2009-2013 are dates formatted yyyy in the header.
    assert figures[("COL", 2009)]["value"] == 73000.0
    assert figures[("PER", 2013)]["value"] == 49800.0
    assert figures[("PER", 2013)]["notes"].startswith("b) Figures represent the area under coca cultivation")
    assert figures[("BOL", 2020)]["value"] == 29400.0
    assert figures[("BOL", 2020)]["notes"] is None
    assert figures[("COL", 2020)]["value"] == 142800.0
    assert figures[("COL", 2020)]["unit_as_published"] == "hectares"


def test_real_cultivation_counts_and_total_row(real_file):
    batch = parse_file(real_file(CULTIVATION), source_id="unodc_wdr_annex_6_1_1")
    # 4 data rows (Bolivia, Colombia, Peru, Total) x 12 year columns (2009-2020).
    assert batch.rows_read == 48
    assert batch.rows_loaded == 36
    assert batch.quarantine.num_rows == 12
    assert set(batch.quarantine.column("reason").to_pylist()) == {"aggregate row"}
    total_2009 = json.loads(batch.quarantine.column("raw")[0].as_py())
    assert total_2009 == {
        "sheet": "6_1_1",
        "cell": "B8",
        "label": "  Total",
        "year": 2009,
        "value": 163800,
        "formula": "=SUM(B5:B7)",
    }
    assert_accounted(batch)


def test_real_eradication_table(real_file):
    batch = parse_file(real_file(ERADICATION), source_id="unodc_wdr_annex_6_1_2")
    assert (batch.rows_read, batch.rows_loaded, batch.quarantine.num_rows) == (36, 36, 0)
    figures = _figures(batch)
    assert figures[("COL", 2009)]["value"] == 165336.95
    assert figures[("COL", 2009)]["measure"] == "eradication"
    assert figures[("COL", 2009)]["unit_as_published"] == "hectare"
    assert figures[("COL", 2009)]["notes"] == "Method of eradication: manual"
    assert figures[("PER", 2020)]["value"] == 6272.8
    assert figures[("PER", 2020)]["notes"] == "Method of eradication: manual; source 2020: ARQ2020"
    assert figures[("BOL", 2009)]["value"] == 6341.0
    assert figures[("BOL", 2009)]["country_label"] == "Bolivia (Plurinational State of)"
    assert_accounted(batch)


def test_detects_annex_from_the_title_not_the_file_name(real_file, tmp_path: Path):
    renamed = tmp_path / "download (3).xlsx"
    renamed.write_bytes(real_file(ERADICATION).read_bytes())
    assert detect_family(renamed) == "unodc_annex"
    assert parse_file(renamed, source_id="x").observations.column("measure").unique().to_pylist() == [
        "eradication"
    ]


def _quirky_release(path: Path, years: list[object], colombia: list[object]) -> Path:
    table = {
        "  Bolivia (Plurinational State of) ": [30900, 31000, "..", 25300, 23000][: len(years)]
        + [1] * (len(years) - 5),
        "  Colombia a": colombia,
        "  Peru b": [59900, ". .", 62500, 60400, 49800][: len(years)] + [2] * (len(years) - 5),
    }
    return write_workbook(path, {"6_1_1": cultivation_rows(years, table)})


def test_fixture_with_the_published_quirks(tmp_path: Path):
    years = [datetime(2009, 1, 4), datetime(2010, 1, 4), "2011", 2012, 2013.0]
    path = _quirky_release(tmp_path / "annex.xlsx", years, [73000, 62000, 64000, 48000, 48000])
    assert detect_family(path) == "unodc_annex"
    batch = parse_file(path, source_id="fixture")
    # 4 data rows (3 countries + Total) x 5 years.
    assert batch.rows_read == 20
    reasons = batch.quarantine.column("reason").to_pylist()
    assert reasons.count("aggregate row") == 5
    assert reasons.count("missing value ('..')") == 1
    assert reasons.count("missing value ('. .')") == 1
    assert batch.rows_loaded == 13
    figures = _figures(batch)
    assert figures[("COL", 2009)]["value"] == 73000.0
    assert figures[("COL", 2011)]["notes"] == "a) Net area on 31 December."
    assert ("BOL", 2011) not in figures and ("PER", 2010) not in figures
    # The Total row's formulas have no cached value (openpyxl computes nothing): still counted.
    total = next(
        json.loads(row["raw"]) for row in batch.quarantine.to_pylist() if row["reason"] == "aggregate row"
    )
    assert total == {
        "sheet": "6_1_1",
        "cell": "B8",
        "label": "  Total",
        "year": 2009,
        "value": None,
        "formula": "=SUM(B5:B7)",
    }
    assert_accounted(batch)


def test_new_release_with_one_more_year_and_a_revised_cell(tmp_path: Path):
    """The same code reads next year's annex: one more year column, one revised figure."""
    years = [2009, 2010, 2011, 2012, 2013]
    old = parse_file(
        _quirky_release(tmp_path / "2022.xlsx", years, [73000, 62000, 64000, 48000, 48000]), source_id="annex"
    )
    new = parse_file(
        _quirky_release(tmp_path / "2023.xlsx", [*years, 2014], [73000, 62000, 64000, 48000, 47500, 69000]),
        source_id="annex",
    )
    assert new.rows_read == old.rows_read + 4  # one more cell per data row
    before, after = _figures(old), _figures(new)
    assert after[("COL", 2014)]["value"] == 69000.0
    assert before[("COL", 2013)]["value"] == 48000.0 and after[("COL", 2013)]["value"] == 47500.0
    # A new release is a new file: its ids differ, so the warehouse keeps both as revisions.
    assert before[("COL", 2013)]["observation_id"] != after[("COL", 2013)]["observation_id"]
    assert before[("COL", 2013)]["file_sha256"] != after[("COL", 2013)]["file_sha256"]
    assert_accounted(new)


def test_rules_quarantine_bad_cells_with_reasons(tmp_path: Path):
    rows = cultivation_rows(
        [2015, 2016, 1850, 2017],
        {
            "Colombia": [96000, -5, 1, "about 170000"],
            "Atlantis": [1, 2, 3, 4],
            "South America": [],  # a heading: no figures, not a country, not a record
            "Peru": [40300, None, "43 900", "49,900"],
        },
    )
    path = write_workbook(tmp_path / "rules.xlsx", {"t": rows})
    batch = parse_file(path, source_id="rules")
    reasons = sorted(batch.quarantine.column("reason").to_pylist())
    # 4 data rows (Colombia, Atlantis, Peru, Total) x 4 years = 16.
    assert batch.rows_read == 16
    assert reasons.count("aggregate row") == 4
    assert reasons.count("country not found: 'Atlantis'") == 4
    assert "negative value -5" in reasons
    assert "non-numeric value 'about 170000'" in reasons
    assert "missing value (blank cell)" in reasons
    assert sum("year out of range: 1850" in r for r in reasons) == 2  # Colombia and Peru
    figures = _figures(batch)
    assert ("PER", 2016) not in figures
    assert figures[("PER", 2017)]["value"] == 49900.0
    assert figures[("COL", 2015)]["value"] == 96000.0
    assert_accounted(batch)


def test_production_table_in_tons_and_a_unit_column(tmp_path: Path):
    rows = [
        ["Potential production of oven-dry opium, 2019-2020 (tons)"],
        [None, "Unit", 2019, 2020],
        ["Mexico c", None, 300, 250],
        ["Colombia", "kilograms", 1500, 2000],
        ["Peru", "stones", 1, 1],
        ["c) Estimate revised."],
    ]
    batch = parse_file(write_workbook(tmp_path / "opium.xlsx", {"6.2.2": rows}), source_id="p")
    figures = _figures(batch)
    assert figures[("MEX", 2019)]["measure"] == "potential_production"
    assert figures[("MEX", 2019)]["drug"] == "opium"
    assert (figures[("MEX", 2019)]["value"], figures[("MEX", 2019)]["unit"]) == (300.0, "t")
    assert figures[("MEX", 2019)]["notes"] == "c) Estimate revised."
    assert figures[("COL", 2020)]["value"] == 2.0  # 2,000 kg = 2 t, converted exactly
    assert batch.quarantine.column("reason").to_pylist() == ["unknown unit 'stones'"] * 2
    assert_accounted(batch)


def test_year_typed_as_a_number_in_a_yyyy_cell(tmp_path: Path):
    """2009 typed into a cell formatted yyyy reads back as a 1905 date: the year meant is 2009."""
    path = tmp_path / "serial.xlsx"
    rows = [["Illicit cultivation of coca bush (hectares)"], [None, 2009, 2010], ["Peru", 1, 2]]
    write_workbook(path, {"s": rows})
    import openpyxl

    workbook = openpyxl.load_workbook(path)
    workbook["s"]["B2"].number_format = "yyyy"
    workbook.save(path)
    assert isinstance(openpyxl.load_workbook(path)["s"]["B2"].value, datetime)
    batch = parse_file(path, source_id="s")
    assert sorted(r.year for r in batch.observations.column("period_start").to_pylist()) == [2009, 2010]


def test_workbook_without_a_measure_in_its_title_is_refused(tmp_path: Path):
    rows = [["Prices of coca leaf, 2019-2020"], [None, 2019, 2020], ["Peru", 1, 2]]
    path = write_workbook(tmp_path / "prices.xlsx", {"prices": rows})
    with pytest.raises(UnknownFileFamily, match=r"prices\.xlsx.*Prices of coca leaf"):
        detect_family(path)
    with pytest.raises(UnknownFileFamily, match="cannot tell the measure"):
        parse_file(path, source_id="x", family="unodc_annex")
