"""Helpers for the statistics tests: which real files there are (the fixtures `real_file` and
`published_file` of conftest.py find them), and workbook builders that
reproduce the UNODC annex quirks (openpyxl writes them; nothing is mocked)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import openpyxl

from drugtrade.stats import ParseBatch

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "sources" / "statistics"
FIXTURES = REPO / "tests" / "fixtures" / "stats"

REAL_FILES = {
    "6.1.1_-_Illicit_coca_bush_cultivation.xlsx": "unodc",
    "6.1.2_-_Eradication_of_coca_bush.xlsx": "unodc",
    "seizures_annual_by_country.csv": "unodc",
    "nationwide-drugs-fy19-fy22.csv": "cbp",
    "amo-drug-seizures-fy19-fy22.csv": "cbp",
}


def csv_data_rows(path: Path) -> int:
    """Independent count of non-empty CSV records after the header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for row in csv.reader(handle) if any(row)) - 1


def assert_accounted(batch: ParseBatch) -> None:
    """rows read = loaded + quarantined, and the loaded count matches the observations' records."""
    assert batch.rows_read == batch.rows_loaded + batch.quarantine.num_rows
    keys = set(
        zip(
            batch.observations.column("sheet").to_pylist(),
            batch.observations.column("source_row").to_pylist(),
            batch.observations.column("period_label").to_pylist(),
            strict=True,
        )
    )
    assert len(keys) == batch.rows_loaded
    ids = batch.observations.column("observation_id").to_pylist()
    assert len(set(ids)) == len(ids), "observation ids must be unique"


def write_workbook(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    """A workbook whose sheets hold the given rows from cell A1 (None leaves a cell empty)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, datetime):
                    cell.number_format = "yyyy"  # as in the published 6.1.1 header
    workbook.save(path)
    return path


def cultivation_rows(
    years: Sequence[object],
    table: dict[str, Sequence[object]],
    title: str = "Global illicit cultivation of coca bush, 2009-2020 (hectares)",
) -> list[list[object]]:
    """Rows laid out like WDR annex 6.1.1: title, blank, header of years from column B, blank,
    padded and footnoted country labels, a Total row of formulas, sources and footnotes."""
    rows: list[list[object]] = [[title], [], [None, *years], []]
    first = len(rows) + 1
    for label, values in table.items():
        rows.append([label, *values])
    last = len(rows)
    rows.append(
        [
            "  Total",
            *[
                f"=SUM({openpyxl.utils.get_column_letter(c)}{first}:"
                f"{openpyxl.utils.get_column_letter(c)}{last})"
                for c in range(2, len(years) + 2)
            ],
        ]
    )
    rows.append([])
    rows.append(
        ["Sources: national illicit crop monitoring systems supported by UNODC.\nNote: area concepts differ."]
    )
    rows.append(["a)  Net area on 31 December.\n"])
    rows.append(["b) Figures represent the area under coca cultivation as interpreted on satellite imagery."])
    return rows
