"""The records of one UNODC annex table (found by annex_layout.py): one per year cell of a data row.

A data row is a row with a figure or missing marker in a year column, or a country label that
resolves (a country with no figures at all still counts its blank cells). A row whose label is not
a country and has no figures is a heading and is not a record. Cells that give no observation are
quarantined with the reason: ``aggregate row`` for Total/World rows (UNODC's totals are sums of the
rows above, and the warehouse sums for itself), ``missing value ('..')``/``(blank cell)``, country
not found, non-numeric, negative, unknown unit, year out of range.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from drugtrade.normalize.numbers import Missing, NotANumber, parse_number
from drugtrade.normalize.units import MEASURE_UNITS, UnknownUnit, canonical_unit, factor, scale
from drugtrade.stats.annex_layout import UN_TONS, AnnexTable, YearColumn
from drugtrade.stats.periods import PeriodError, calendar_year
from drugtrade.stats.records import FileContext, Observation, ObservationIds, Record, quarantine_row
from drugtrade.vocab.countries import resolve_country, split_footnotes

_AGGREGATE = re.compile(r"^(?:total|sub-?total|world|global)\b|\btotal$", re.IGNORECASE)
_VALUE_FOOTNOTE = re.compile(r"^(.*\d)\s*([a-z])$")


@dataclass(frozen=True, kw_only=True)
class _DataRow:
    """What every year cell of one data row shares."""

    number: int  # 1-based row of the sheet
    cells: tuple[object, ...]
    label_raw: str | None  # the label cell as written ("  Colombia a")
    label: str  # without padding and footnote letters
    aggregate: bool  # a Total/World row
    country: str | None
    unit_cell: object
    unit_label: str | None  # the row's unit cell, else the title's unit
    attributes: dict[str, object]  # other named columns
    notes: list[str]  # the label's footnotes and the attributes, as notes


def parse_table(ctx: FileContext, table: AnnexTable, estimator: str) -> Iterator[Record]:
    """One record per year cell of every data row of ``table``."""
    target_unit = MEASURE_UNITS[table.measure]
    ids = ObservationIds(ctx.source_id, ctx.file_sha256, table.sheet)
    for row_number, cells in table.rows:
        row = _data_row(table, row_number, cells)
        if row is None:
            continue  # a heading ("South America") or an empty row: no record
        for column in table.years:
            yield _year_cell(ctx, table, row, column, ids=ids, target_unit=target_unit, estimator=estimator)


def _data_row(table: AnnexTable, row_number: int, cells: tuple[object, ...]) -> _DataRow | None:
    """The row's shared values, or None when the row gives no record."""
    label_cell = _cell(cells, table.label_col)
    label_raw = (
        label_cell if isinstance(label_cell, str) else (None if label_cell is None else str(label_cell))
    )
    label, letters = split_footnotes(label_raw or "")
    has_figures = any(
        (c is not None and not (isinstance(c, str) and not c.strip()))
        or (row_number, y.index) in table.formulas
        for c, y in ((_cell(cells, y.index), y) for y in table.years)
    )
    aggregate = bool(label) and _AGGREGATE.search(label) is not None
    country = resolve_country(label) if label and not aggregate else None
    if not has_figures and (country is None or aggregate):
        return None
    unit_cell = _cell(cells, table.unit_col)
    attributes = {name: _cell(cells, index) for index, name in table.attribute_cols}
    notes = [table.footnotes.get(letter, f"footnote {letter}") for letter in letters]
    notes += [f"{name}: {value}" for name, value in attributes.items() if value not in (None, "")]
    return _DataRow(
        number=row_number,
        cells=cells,
        label_raw=label_raw,
        label=label,
        aggregate=aggregate,
        country=country,
        unit_cell=unit_cell,
        unit_label=str(unit_cell).strip() if unit_cell not in (None, "") else table.unit_label,
        attributes=attributes,
        notes=notes,
    )


def _year_cell(
    ctx: FileContext,
    table: AnnexTable,
    row: _DataRow,
    column: YearColumn,
    *,
    ids: ObservationIds,
    target_unit: str,
    estimator: str,
) -> Record:
    """The observation of one year cell of ``row``, or the quarantined cell with the reason."""
    cell = _cell(row.cells, column.index)
    raw: dict[str, object] = {
        "sheet": table.sheet,
        "cell": f"{column.letter}{row.number}",
        "label": row.label_raw,
        "year": column.year,
        "value": cell,
        **row.attributes,
    }
    formula = table.formulas.get((row.number, column.index))
    if formula is not None:
        raw["formula"] = formula
    if row.unit_cell is not None:
        raw["unit"] = row.unit_cell

    def reject(reason: str) -> Record:
        return quarantine_row(ctx, table.sheet, row.number, raw, reason)

    if row.aggregate:
        return reject("aggregate row")
    if not row.label:
        return reject("missing country label")
    if row.country is None:
        return reject(f"country not found: {row.label!r}")
    try:
        period = calendar_year(column.year)
    except PeriodError as error:
        return reject(str(error))
    try:
        value, value_letters = _value(cell)
    except NotANumber as error:
        return reject(str(error))
    if isinstance(value, Missing):
        return reject("missing value (formula without a cached value)" if formula else value.describe())
    if value < 0:
        return reject(f"negative value {cell!r}")
    try:
        to_unit = factor(_canonical(row.unit_label), target_unit) if row.unit_label else Decimal(1)
    except UnknownUnit:
        return reject(f"unknown unit {row.unit_label!r}")

    notes = list(row.notes)
    notes += [
        table.footnotes.get(letter, f"footnote {letter}") for letter in (*column.footnotes, *value_letters)
    ]
    source = _cell(row.cells, table.source_year_cols.get(column.year))
    if source not in (None, ""):
        notes.append(f"source {column.year}: {source}")
    return (
        Observation(
            observation_id=ids(row.number, table.measure, column.letter),
            source_id=ctx.source_id,
            family=ctx.family,
            file_name=ctx.file_name,
            file_sha256=ctx.file_sha256,
            sheet=table.sheet,
            source_row=row.number,
            retrieved_at=ctx.retrieved_at,
            period_start=period.start,
            period_end=period.end,
            period_label=period.label,
            is_partial_period=False,
            fiscal_year=None,
            country=row.country,
            country_label=row.label_raw,
            area=None,
            component=None,
            region=None,
            drug=table.drug,
            drug_label=table.drug_label,
            measure=table.measure,
            value=scale(value, to_unit),
            unit=target_unit,
            value_as_published=cell.strip() if isinstance(cell, str) else str(cell),
            unit_as_published=row.unit_label,
            estimator=estimator,
            notes="; ".join(dict.fromkeys(notes)) or None,
        ),
    )


def _cell(cells: tuple[object, ...], index: int | None) -> object:
    return cells[index] if index is not None and index < len(cells) else None


def _value(cell: object) -> tuple[Decimal | Missing, tuple[str, ...]]:
    """The figure in a cell and footnote letters written after it ("23 100 e")."""
    if isinstance(cell, str):
        match = _VALUE_FOOTNOTE.match(cell.strip())
        if match:
            try:
                return parse_number(match.group(1)), (match.group(2),)
            except NotANumber:
                pass
    return parse_number(cell), ()


def _canonical(label: str) -> str:
    return "t" if label.strip().lower() in UN_TONS else canonical_unit(label)
