"""US CBP drug seizure CSVs: the real FY2019-FY2022 files and a fixture of a newer release."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from stats_helpers import FIXTURES, assert_accounted, csv_data_rows

from drugtrade.stats import UnknownFileFamily, detect_family, iter_parse, parse_file

NATIONWIDE = "nationwide-drugs-fy19-fy22.csv"
AIR_MARINE = "amo-drug-seizures-fy19-fy22.csv"
LB = Decimal("0.45359237")


def _row(batch, source_row: int) -> dict[str, dict]:
    """The observations of one CSV row, by measure."""
    return {r["measure"]: r for r in batch.observations.to_pylist() if r["source_row"] == source_row}


def test_real_nationwide_file(real_file):
    path = real_file(NATIONWIDE)
    batch = parse_file(path, source_id="cbp_nationwide")
    assert batch.rows_read == csv_data_rows(path) == 10092
    assert batch.quarantine.num_rows == 0
    assert batch.observations.num_rows == 2 * 10092
    assert_accounted(batch)

    # Line 2: 2019,APR,Office of Field Operations,Coastal/Interior,Other,ATLANTA FIELD OFFICE,Ecstasy,3,8.3799469484296
    row = _row(batch, 2)
    quantity, events = row["seized_quantity"], row["seizure_events"]
    assert quantity["value"] == float(Decimal("8.3799469484296") * LB)
    assert quantity["value"] == pytest.approx(3.801080, abs=0.0005)  # to the gram
    assert (quantity["unit"], quantity["value_as_published"], quantity["unit_as_published"]) == (
        "kg",
        "8.3799469484296",
        "lbs",
    )
    assert (events["value"], events["unit"]) == (3.0, "count")
    assert quantity["observation_id"] != events["observation_id"]
    for obs in (quantity, events):
        assert (obs["period_start"], obs["period_end"]) == (date(2019, 4, 1), date(2019, 4, 30))
        assert (obs["period_label"], obs["fiscal_year"], obs["is_partial_period"]) == (
            "FY2019 APR",
            2019,
            False,
        )
        assert (obs["country"], obs["area"], obs["component"], obs["region"]) == (
            "USA",
            "ATLANTA FIELD OFFICE",
            "OFO",
            "Coastal/Interior",
        )
        assert (obs["drug"], obs["drug_label"], obs["estimator"]) == ("ecstasy", "Ecstasy", "CBP")

    # Line 2114: 2019,OCT,...: October of FY2019 is October 2018.
    october = _row(batch, 2114)["seized_quantity"]
    assert (october["period_start"], october["period_end"]) == (date(2018, 10, 1), date(2018, 10, 31))
    assert october["value"] == float(Decimal("0.5256040788341999") * LB)
    # Line 3: Khat (Catha Edulis), 1394.42380715 lbs.
    khat = _row(batch, 3)["seized_quantity"]
    assert (khat["drug"], khat["value"]) == ("khat", float(Decimal("1394.42380715") * LB))
    other = [r for r in batch.observations.to_pylist() if r["drug_label"] == "Other Drugs**"]
    assert other and {r["drug"] for r in other} == {"other drugs"}
    assert {r["component"] for r in batch.observations.to_pylist()} == {"OFO", "USBP"}


def test_real_air_and_marine_file(real_file):
    path = real_file(AIR_MARINE)
    assert detect_family(path) == "cbp_air_marine"
    batch = parse_file(path, source_id="cbp_amo")
    assert batch.rows_read == csv_data_rows(path) == 1772
    assert batch.quarantine.num_rows == 0
    assert_accounted(batch)
    # Line 3: 2019,APR,Air and Marine Operations,...,Caribbean Air And Marine Branch,Cocaine,4,1794.82
    row = _row(batch, 3)
    assert row["seized_quantity"]["value"] == pytest.approx(814.1166575234, abs=1e-9)
    assert row["seizure_events"]["value"] == 4.0
    assert row["seized_quantity"]["area"] == "Caribbean Air And Marine Branch"
    assert row["seized_quantity"]["component"] == "AMO"
    # Line 143: a quoted branch name with a comma.
    assert _row(batch, 143)["seized_quantity"]["area"] == "AMO Operation Bahamas, Turks And Caicos"
    assert _row(batch, 143)["seized_quantity"]["country"] == "USA"


def test_newer_release_with_fytd_crlf_and_bad_rows():
    path = FIXTURES / "cbp_nationwide_fy25_fy26.csv"
    assert b"\r\n" in path.read_bytes()
    assert detect_family(path) == "cbp_nationwide"
    batch = parse_file(path, source_id="cbp_fixture")
    assert batch.rows_read == 12  # lines 2-13; the final CRLF opens no record
    assert_accounted(batch)

    reasons = {row["source_row"]: row["reason"] for row in batch.quarantine.to_pylist()}
    assert reasons == {
        5: "unknown drug label 'Xylazine'",
        6: "negative value '-3' in 'Sum Qty (lbs)'",
        7: "missing value (blank cell) in 'Count of Event'",
        8: "non-numeric value 'abc' in 'Sum Qty (lbs)'",
        9: "unreadable month 'FOO'",
        10: f"year out of range: 1889 (1900..{date.today().year + 1})",
        11: "malformed row: 8 fields, expected 9",
        12: "non-integer count '1.5' in 'Count of Event'",
    }
    raw = json.loads(next(r["raw"] for r in batch.quarantine.to_pylist() if r["source_row"] == 5))
    assert raw["Drug Type"] == "Xylazine" and raw["Sum Qty (lbs)"] == "0.5"

    fytd = _row(batch, 2)["seized_quantity"]
    assert (fytd["period_start"], fytd["period_end"]) == (date(2025, 10, 1), date(2025, 10, 31))
    assert (fytd["fiscal_year"], fytd["is_partial_period"], fytd["period_label"]) == (
        2026,
        True,
        "FY2026 (FYTD) OCT",
    )
    assert fytd["value"] == float(100 * LB)
    thousands = _row(batch, 3)
    assert thousands["seized_quantity"]["value"] == float(Decimal("1234.5") * LB)
    assert thousands["seized_quantity"]["component"] == "USBP"
    september = _row(batch, 4)["seized_quantity"]
    assert (september["period_start"], september["fiscal_year"], september["is_partial_period"]) == (
        date(2025, 9, 1),
        2025,
        False,
    )
    assert september["drug"] == "other drugs"
    zero = _row(batch, 13)
    assert zero["seized_quantity"]["value"] == 0.0 and zero["seizure_events"]["value"] == 0.0


def test_batches_add_up_to_the_whole_file(real_file):
    path = real_file(AIR_MARINE)
    parts = list(iter_parse(path, source_id="cbp_amo", batch_rows=500))
    assert [p.rows_read for p in parts] == [500, 500, 500, 272]
    for part in parts:
        assert_accounted(part)
    whole = parse_file(path, source_id="cbp_amo")
    assert sum(p.observations.num_rows for p in parts) == whole.observations.num_rows
    ids = [i for p in parts for i in p.observations.column("observation_id").to_pylist()]
    assert ids == whole.observations.column("observation_id").to_pylist()


def test_unknown_quantity_unit_quarantines_every_row(tmp_path: Path):
    path = tmp_path / "stones.csv"
    path.write_text(
        "FY,Month (abbv),Component,Region,Land Filter,Branch,Drug Type,Count of Event,Sum Qty (stones)\r\n"
        "2021,MAY,Air and Marine Operations,Coastal/Interior,Other,Miami Air And Marine Branch,Cocaine,1,2\r\n",
        encoding="utf-8",
        newline="",
    )
    batch = parse_file(path, source_id="x")
    assert detect_family(path) == "cbp_air_marine"
    assert batch.quarantine.column("reason").to_pylist() == ["unknown unit 'stones' in 'Sum Qty (stones)'"]
    assert batch.rows_read == 1


def test_kilogram_release_and_explicit_family_with_wrong_columns(tmp_path: Path):
    path = tmp_path / "kg.csv"
    path.write_text(
        "FY,Month (abbv),Component,Region,Land Filter,Area of Responsibility,Drug Type,Count of Event,Sum Qty (kg)\n"
        "FY2024,Sept,Office of Field Operations,Northern Border,Other,DETROIT FIELD OFFICE,LSD,1,0.25\n",
        encoding="utf-8",
    )
    when = datetime(2024, 11, 2, 9, 30, tzinfo=UTC)
    obs = parse_file(path, source_id="x", retrieved_at=when, estimator="CBP OFO").observations.to_pylist()
    assert obs[0]["value"] == 0.25 and obs[0]["unit_as_published"] == "kg"
    assert (obs[0]["period_start"], obs[0]["estimator"], obs[0]["retrieved_at"]) == (
        date(2024, 9, 1),
        "CBP OFO",
        when,
    )
    with pytest.raises(UnknownFileFamily, match=r"not a cbp_air_marine file: missing column\(s\) 'branch'"):
        list(iter_parse(path, source_id="x", family="cbp_air_marine"))
