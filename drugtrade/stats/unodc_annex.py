"""UNODC World Drug Report statistical annex workbooks (coca bush cultivation 6.1.1, eradication
6.1.2 and tables of the same shape), family ``unodc_annex``.

Layout, found per sheet rather than assumed per file:

* title: the text above the header row. It names the measure (``cultivation``, ``eradication``,
  ``production``), the drug (matched against the drug vocabulary) and often the unit
  (``(hectares)``);
* header row: the first row with two or more year cells. Years may be numbers, text (``"2016"``,
  ``"2016 c"`` with a footnote letter) or dates shown as ``yyyy``. Other header cells name
  columns: ``Unit``, ``source 2020`` (where the 2020 figure came from), ``Method of eradication``
  (kept as a note on each figure of the row);
* country label column: left of the years, ``"  Colombia a"`` with padding and footnote letters;
* data rows, down to the first source, note or footnote row (``Sources:``, ``Note:``, ``a) ...``);
  the footnote rows give the text for each letter, kept in ``notes`` on the figures they mark.

One record = one year cell of a data row (data row x year column). A data row is a row with a
figure or missing marker in a year column, or a country label that resolves (a country with no
figures at all still counts its blank cells). A row whose label is not a country and has no
figures is a heading and is not a record. Cells that give no observation are quarantined with the
reason: ``aggregate row`` for Total/World rows (UNODC's totals are sums of the rows above, and the
warehouse sums for itself), ``missing value ('..')``/``(blank cell)``, country not found,
non-numeric, negative, unknown unit, year out of range.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from drugtrade.normalize.numbers import Missing, NotANumber, parse_number
from drugtrade.normalize.units import MEASURE_UNITS, UnknownUnit, canonical_unit, factor, scale
from drugtrade.stats.csvfile import UnknownFileFamily
from drugtrade.stats.limits import check_sheet_size, check_workbook
from drugtrade.stats.periods import PeriodError, calendar_year
from drugtrade.stats.records import FileContext, Observation, ObservationIds, Record, quarantine_row
from drugtrade.vocab import drug_terms
from drugtrade.vocab.countries import resolve_country, split_footnotes

FAMILY = "unodc_annex"

# Order matters: an eradication title may also say "cultivation".
_MEASURE_WORDS = (
    ("eradicat", "eradication"),
    ("cultivat", "cultivation"),
    ("production", "potential_production"),
)
_YEAR_TEXT = re.compile(r"^\s*(\d{4})(?:\s*([a-z](?:\s*,\s*[a-z])*))?\s*$")
_NOTES_START = re.compile(r"^\s*(?:sources?|notes?)\s*[:.]|^\s*[a-z]\)\s", re.IGNORECASE)
_FOOTNOTE_LINE = re.compile(r"^\s*([a-z])\)\s*(.*\S)?\s*$")
_AGGREGATE = re.compile(r"^(?:total|sub-?total|world|global)\b|\btotal$", re.IGNORECASE)
_LABEL_HEADER = re.compile(
    r"^(?:country|countries|country or territory|country/territory|region)\b", re.IGNORECASE
)
_UNIT_HEADER = re.compile(r"^units?\b", re.IGNORECASE)
_SOURCE_YEAR_HEADER = re.compile(r"^sources?\s+(?:for\s+)?(\d{4})$", re.IGNORECASE)
_VALUE_FOOTNOTE = re.compile(r"^(.*\d)\s*([a-z])$")
# UN editorial usage: "tons" in UNODC tables are metric tons.
_UN_TONS = {"ton", "tons"}


@dataclass(frozen=True, kw_only=True)
class YearColumn:
    index: int  # 0-based column
    letter: str
    year: int
    footnotes: tuple[str, ...]


@dataclass(kw_only=True)
class AnnexTable:
    sheet: str
    title: str
    measure: str
    drug: str
    drug_label: str  # the words of the title that name the drug
    unit_label: str | None  # from the title, when it states one
    header_row: int  # 1-based
    years: list[YearColumn]
    label_col: int
    unit_col: int | None
    source_year_cols: dict[int, int]  # year -> column holding that year's source
    attribute_cols: list[tuple[int, str]]  # other named columns, kept as notes
    rows: list[tuple[int, tuple[object, ...]]]  # (1-based row, cell values) of candidate data rows
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> "=SUM(B5:B7)"
    footnotes: dict[str, str] = field(default_factory=dict)


def _year_of(cell: object) -> tuple[int, tuple[str, ...]] | None:
    """Year of a header cell: 2014, "2014", "2014 c", or a date shown as yyyy."""
    year: int | None = None
    letters: tuple[str, ...] = ()
    if isinstance(cell, bool):
        return None
    if isinstance(cell, datetime | date):
        year = cell.year
        if year < 1920:
            # The number 2009 typed into a cell formatted yyyy reads back as a 1905 date: its
            # serial number is the year that was meant.
            serial = (date(cell.year, cell.month, cell.day) - date(1899, 12, 30)).days
            year = serial if 1800 <= serial <= 2200 else year
    elif isinstance(cell, int):
        year = cell
    elif isinstance(cell, float) and cell.is_integer():
        year = int(cell)
    elif isinstance(cell, str):
        match = _YEAR_TEXT.match(cell)
        if match:
            year = int(match.group(1))
            letters = tuple(re.findall(r"[a-z]", match.group(2) or ""))
    if year is None or not 1800 <= year <= 2200:
        return None
    return year, letters


def _text(cell: object) -> str | None:
    return cell if isinstance(cell, str) and cell.strip() else None


def _first_text(cells: tuple[object, ...]) -> str | None:
    for cell in cells:
        if _text(cell):
            return cell  # type: ignore[return-value]
    return None


def _measure_of(title: str) -> str | None:
    lowered = title.lower()
    for word, measure in _MEASURE_WORDS:
        if word in lowered:
            return measure
    return None


def _drug_of(title: str) -> tuple[str, str] | None:
    """(vocabulary term, the words of the title that name it)."""
    lowered = title.lower()
    for term, drug in drug_terms().items():  # longest first: "coca bush" before "coca"
        match = re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", lowered)
        if match:
            return drug, title[match.start() : match.end()]
    return None


def _unit_label(title: str) -> str | None:
    for group in re.findall(r"\(([^()]+)\)", title):
        label = group.strip()
        if label.lower() in _UN_TONS:
            return label
        try:
            canonical_unit(label)
        except UnknownUnit:
            continue
        return label
    return None


def _canonical(label: str) -> str:
    return "t" if label.strip().lower() in _UN_TONS else canonical_unit(label)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _footnotes(rows: list[tuple[object, ...]]) -> dict[str, str]:
    notes: dict[str, str] = {}
    for cells in rows:
        for cell in cells:
            if not _text(cell):
                continue
            current: str | None = None
            for line in str(cell).splitlines():
                match = _FOOTNOTE_LINE.match(line)
                if match:
                    current = match.group(1)
                    notes[current] = f"{current}) {_squash(match.group(2) or '')}".strip()
                elif current and line.strip():
                    notes[current] = f"{notes[current]} {_squash(line)}"
    return notes


def _table(
    sheet: str, rows: list[tuple[object, ...]], formulas: dict[tuple[int, int], str], path: Path, strict: bool
) -> AnnexTable | None:
    header_at = next(
        (i for i, cells in enumerate(rows) if sum(_year_of(c) is not None for c in cells) >= 2), None
    )
    if header_at is None:
        return None
    header = rows[header_at]
    above = [str(c).strip() for cells in rows[:header_at] for c in cells if _text(c)]
    title = " ".join(above)
    measure = _measure_of(title)
    drug = _drug_of(title)
    if measure is None or drug is None:
        if not strict:
            return None
        what = "measure (cultivation, eradication or production)" if measure is None else "drug"
        raise UnknownFileFamily(
            f"{path.name}: sheet {sheet!r}: cannot tell the {what} from the title {title!r}; "
            f"header row {header_at + 1}: {[c for c in header if c is not None]}"
        )

    years: list[YearColumn] = []
    unit_col: int | None = None
    label_col: int | None = None
    source_year_cols: dict[int, int] = {}
    attribute_cols: list[tuple[int, str]] = []
    for index, cell in enumerate(header):
        found = _year_of(cell)
        if found is not None:
            years.append(
                YearColumn(
                    index=index, letter=get_column_letter(index + 1), year=found[0], footnotes=found[1]
                )
            )
            continue
        name = _text(cell)
        if name is None:
            continue
        name = re.sub(r"\s+", " ", name).strip()
        source_year = _SOURCE_YEAR_HEADER.match(name)
        if _UNIT_HEADER.match(name):
            unit_col = index
        elif source_year:
            source_year_cols[int(source_year.group(1))] = index
        elif _LABEL_HEADER.match(name) and label_col is None:
            label_col = index
        else:
            attribute_cols.append((index, name))

    body: list[tuple[int, tuple[object, ...]]] = []
    notes_at = len(rows)
    for offset, cells in enumerate(rows[header_at + 1 :], start=header_at + 1):
        first = _first_text(cells)
        if first is not None and _NOTES_START.match(first):
            notes_at = offset
            break
        body.append((offset + 1, cells))

    if label_col is None:
        named = {unit_col, *source_year_cols.values(), *(i for i, _ in attribute_cols)}
        first_year = min(y.index for y in years)
        label_col = next(
            (
                i
                for i in range(first_year)
                if i not in named and any(i < len(cells) and _text(cells[i]) for _, cells in body)
            ),
            None,
        )
        if label_col is None:
            raise UnknownFileFamily(
                f"{path.name}: sheet {sheet!r}: no country label column left of the years in rows "
                f"{header_at + 2}..{notes_at}"
            )
    return AnnexTable(
        sheet=sheet,
        title=above[0] if above else "",
        measure=measure,
        drug=drug[0],
        drug_label=drug[1],
        unit_label=_unit_label(title),
        header_row=header_at + 1,
        years=years,
        label_col=label_col,
        unit_col=unit_col,
        source_year_cols=source_year_cols,
        attribute_cols=attribute_cols,
        rows=body,
        footnotes=_footnotes(rows[notes_at:]),
        formulas=formulas,
    )


def read_tables(path: Path, *, strict: bool = True) -> list[AnnexTable]:
    """Every annex table in the workbook (sheets without a year header row hold none)."""
    # Figures are the values Excel cached when it last saved the file. The formulas are read too,
    # so a formula cell without a cached value is told apart from a blank cell and reported.
    check_workbook(path)
    try:
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except Exception as error:  # openpyxl's errors on a damaged workbook share no base class
        raise UnknownFileFamily(
            f"{path.name}: a damaged workbook: {type(error).__name__}: {error}"
        ) from error
    try:
        tables = []
        for sheet in values.worksheets:
            check_sheet_size(path, sheet.title, sheet.max_row, sheet.max_column)
            rows = [tuple(cells) for cells in sheet.iter_rows(values_only=True)]
            sheet_formulas = {
                (row, column): cell
                for row, cells in enumerate(formulas[sheet.title].iter_rows(values_only=True), start=1)
                for column, cell in enumerate(cells)
                if isinstance(cell, str) and cell.startswith("=")
            }
            table = _table(sheet.title, rows, sheet_formulas, path, strict)
            if table is not None:
                tables.append(table)
        return tables
    finally:
        values.close()
        formulas.close()


def workbook_outline(path: Path, max_rows: int = 4) -> str:
    """The sheets and first non-empty rows of a workbook, for error messages."""
    check_workbook(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - the outline is only for a message
        return f"workbook cannot be read: {type(error).__name__}: {error}"
    try:
        parts = []
        for sheet in workbook.worksheets:
            seen = []
            for cells in sheet.iter_rows(values_only=True):
                values = [c for c in cells if c is not None]
                if values:
                    seen.append(values)
                if len(seen) >= max_rows:
                    break
            parts.append(f"sheet {sheet.title!r}: first rows {seen}")
        return "; ".join(parts)
    finally:
        workbook.close()


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


def parse(ctx: FileContext) -> Iterator[Record]:
    tables = read_tables(ctx.path)
    if not tables:
        raise UnknownFileFamily(
            f"{ctx.path.name}: not a {FAMILY} workbook: no sheet has a header row of years; "
            f"{workbook_outline(ctx.path)}"
        )
    estimator = ctx.estimator or "UNODC"
    for table in tables:
        yield from _parse_table(ctx, table, estimator)


def _parse_table(ctx: FileContext, table: AnnexTable, estimator: str) -> Iterator[Record]:
    target_unit = MEASURE_UNITS[table.measure]
    ids = ObservationIds(ctx.source_id, ctx.file_sha256, table.sheet)
    for row_number, cells in table.rows:
        label_cell = _cell(cells, table.label_col)
        label_raw = (
            label_cell if isinstance(label_cell, str) else (None if label_cell is None else str(label_cell))
        )
        label, letters = split_footnotes(label_raw or "")
        year_cells = [_cell(cells, y.index) for y in table.years]
        has_figures = any(
            (c is not None and not (isinstance(c, str) and not c.strip()))
            or (row_number, y.index) in table.formulas
            for c, y in zip(year_cells, table.years, strict=True)
        )
        aggregate = bool(label) and _AGGREGATE.search(label) is not None
        country = resolve_country(label) if label and not aggregate else None
        if not has_figures and (country is None or aggregate):
            continue  # a heading ("South America") or an empty row: no record
        unit_cell = _cell(cells, table.unit_col)
        unit_label = str(unit_cell).strip() if unit_cell not in (None, "") else table.unit_label
        attributes = {name: _cell(cells, index) for index, name in table.attribute_cols}
        row_notes = [table.footnotes.get(letter, f"footnote {letter}") for letter in letters]
        row_notes += [f"{name}: {value}" for name, value in attributes.items() if value not in (None, "")]

        for column, cell in zip(table.years, year_cells, strict=True):
            raw = {
                "sheet": table.sheet,
                "cell": f"{column.letter}{row_number}",
                "label": label_raw,
                "year": column.year,
                "value": cell,
                **attributes,
            }
            formula = table.formulas.get((row_number, column.index))
            if formula is not None:
                raw["formula"] = formula
            if unit_cell is not None:
                raw["unit"] = unit_cell

            def reject(reason: str, raw: dict[str, object] = raw, row_number: int = row_number) -> Record:
                return quarantine_row(ctx, table.sheet, row_number, raw, reason)

            if aggregate:
                yield reject("aggregate row")
                continue
            if not label:
                yield reject("missing country label")
                continue
            if country is None:
                yield reject(f"country not found: {label!r}")
                continue
            try:
                period = calendar_year(column.year)
            except PeriodError as error:
                yield reject(str(error))
                continue
            try:
                value, value_letters = _value(cell)
            except NotANumber as error:
                yield reject(str(error))
                continue
            if isinstance(value, Missing):
                yield reject(
                    "missing value (formula without a cached value)" if formula else value.describe()
                )
                continue
            if value < 0:
                yield reject(f"negative value {cell!r}")
                continue
            try:
                to_unit = factor(_canonical(unit_label), target_unit) if unit_label else Decimal(1)
            except UnknownUnit:
                yield reject(f"unknown unit {unit_label!r}")
                continue

            notes = list(row_notes)
            notes += [
                table.footnotes.get(letter, f"footnote {letter}")
                for letter in (*column.footnotes, *value_letters)
            ]
            source_col = table.source_year_cols.get(column.year)
            source = _cell(cells, source_col)
            if source not in (None, ""):
                raw["source"] = source
                notes.append(f"source {column.year}: {source}")
            yield (
                Observation(
                    observation_id=ids(row_number, table.measure, column.letter),
                    source_id=ctx.source_id,
                    family=ctx.family,
                    file_name=ctx.file_name,
                    file_sha256=ctx.file_sha256,
                    sheet=table.sheet,
                    source_row=row_number,
                    retrieved_at=ctx.retrieved_at,
                    period_start=period.start,
                    period_end=period.end,
                    period_label=period.label,
                    is_partial_period=False,
                    fiscal_year=None,
                    country=country,
                    country_label=label_raw,
                    area=None,
                    component=None,
                    region=None,
                    drug=table.drug,
                    drug_label=table.drug_label,
                    measure=table.measure,
                    value=scale(value, to_unit),
                    unit=target_unit,
                    value_as_published=cell.strip() if isinstance(cell, str) else str(cell),
                    unit_as_published=unit_label,
                    estimator=estimator,
                    notes="; ".join(dict.fromkeys(notes)) or None,
                ),
            )
