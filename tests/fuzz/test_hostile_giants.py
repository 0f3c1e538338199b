"""The inputs that hang or exhaust a parser rather than confuse it: 10 MB lines, a million empty
rows, 5000-digit figures, zip and XML bombs. Each goes through ``drugtrade parse`` in a child
process bounded by bounded_run.TIME_LIMIT_S and bounded_run.MEMORY_LIMIT_BYTES, and must end parsed or
refused with a message, never a traceback, a hang or a memory blow-up."""

from __future__ import annotations

import json

import hostile
import pytest
from bounded_run import run_bounded
from fuzzing import PROFILE, record

NATIONWIDE = "cbp/nationwide-drugs-fy19-fy22.csv"
SEIZURES = "unodc/seizures_annual_by_country.csv"
ANNEX = "unodc/6.1.1_-_Illicit_coca_bush_cultivation.xlsx"

GIANTS = {
    "cbp_10mb_line.csv": (NATIONWIDE, lambda d: hostile.long_line(d, 0.5, 10 << 20)),
    "cbp_10mb_of_commas.csv": (NATIONWIDE, lambda d: hostile.long_line(d, 0.5, 10 << 20, b",")),
    "cbp_10mb_of_quotes.csv": (NATIONWIDE, lambda d: hostile.long_line(d, 0.5, 10 << 20, b'"')),
    "cbp_1m_empty_rows.csv": (NATIONWIDE, lambda d: hostile.empty_rows(d, 1_000_000)),
    "cbp_1m_rows_of_empty_cells.csv": (
        NATIONWIDE,
        lambda d: hostile.empty_rows(d, 1_000_000, b",,,,,,,,\r\n"),
    ),
    "cbp_5000_digit_quantities.csv": (NATIONWIDE, lambda d: hostile.set_column(d, 8, "9" * 5000)),
    "cbp_5000_digit_counts.csv": (NATIONWIDE, lambda d: hostile.set_column(d, 7, "9" * 5000)),
    "cbp_1e999999999_quantities.csv": (NATIONWIDE, lambda d: hostile.set_column(d, 8, "1e999999999")),
    "cbp_utf16.csv": (NATIONWIDE, lambda d: hostile.reencode(d, "utf-16")),
    "cbp_latin1.csv": (
        NATIONWIDE,
        lambda d: hostile.reencode(d.replace(b"ATLANTA", "ÅTLANTA".encode()), "latin-1"),
    ),
    "seizures_1e999999999.csv": (SEIZURES, lambda d: hostile.set_column(d, 6, "1e999999999")),
    "seizures_4400_digit_figures.csv": (SEIZURES, lambda d: hostile.set_column(d, 6, "1" + "0" * 4400)),
    "seizures_5000_digit_years.csv": (SEIZURES, lambda d: hostile.set_column(d, 5, "9" * 5000)),
    "annex_billion_laughs.xlsx": (ANNEX, hostile.xml_bomb),
    "annex_external_entity.xlsx": (ANNEX, hostile.external_entity),
    "annex_zip_bomb_500mb.xlsx": (ANNEX, lambda d: hostile.zip_bomb(d, 500)),
    "annex_1m_empty_rows.xlsx": (ANNEX, lambda d: hostile.workbook_empty_rows(d, 1_000_000)),
    "binary.csv": (NATIONWIDE, lambda d: hostile.binary(d, 7)),
    "empty.csv": (NATIONWIDE, hostile.empty),
}
# Every data row carries the hostile cell: none may be loaded (a 5000-digit figure loaded as inf).
EVERY_ROW_HOSTILE = {name for name in GIANTS if "digit" in name or "1e999999999" in name}
# Hundreds of MB each to write: nightly only.
NIGHTLY_ONLY = {"seizures_4400_digit_figures.csv", "seizures_5000_digit_years.csv"}


@pytest.mark.parametrize("name", sorted(GIANTS))
def test_giant_input_ends_cleanly_within_bounds(name, shared_sources, tmp_path):
    if name in NIGHTLY_ONLY and PROFILE != "nightly":
        pytest.skip("hundreds of MB to write: runs in the nightly profile (make fuzz)")
    seed, mutate = GIANTS[name]
    path = tmp_path / name
    path.write_bytes(mutate((shared_sources / seed).read_bytes()))
    outcome = run_bounded(["-m", "drugtrade.stats.cli", "parse", str(path)])
    record("giants", outcome.kind, name, outcome.stderr_tail)
    assert outcome.kind in ("parsed", "rejected"), f"{name}: {outcome.kind}\n{outcome.stderr_tail}"
    if outcome.kind == "rejected":
        assert name in outcome.stderr_tail.splitlines()[-1], "the refusal does not name the file"
    else:
        summary = json.loads(outcome.stderr_tail.strip().splitlines()[-1])["summary"]
        assert summary["rows_read"] == summary["rows_loaded"] + summary["rows_quarantined"]
        if name in EVERY_ROW_HOSTILE:
            assert summary["rows_loaded"] == 0, f"{name}: a row with a hostile figure was loaded"
