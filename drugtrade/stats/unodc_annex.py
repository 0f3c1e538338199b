"""UNODC World Drug Report statistical annex workbooks (coca bush cultivation 6.1.1, eradication
6.1.2 and tables of the same shape), family ``unodc_annex``.

Two steps, one module each: annex_layout.py finds where the figures of a sheet are (title, header
row of years, label column, data rows, footnotes); annex_rows.py turns each year cell of a data
row into an observation or a quarantined row with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator

from drugtrade.stats.annex_layout import AnnexTable, YearColumn, read_tables, workbook_outline
from drugtrade.stats.annex_rows import parse_table
from drugtrade.stats.csvfile import UnknownFileFamily
from drugtrade.stats.records import FileContext, Record

__all__ = ["FAMILY", "AnnexTable", "YearColumn", "parse", "read_tables", "workbook_outline"]

FAMILY = "unodc_annex"


def parse(ctx: FileContext) -> Iterator[Record]:
    tables = read_tables(ctx.path)
    if not tables:
        raise UnknownFileFamily(
            f"{ctx.path.name}: not a {FAMILY} workbook: no sheet has a header row of years; "
            f"{workbook_outline(ctx.path)}"
        )
    estimator = ctx.estimator or "UNODC"
    for table in tables:
        yield from parse_table(ctx, table, estimator)
