"""Where the figures of a UNODC statistical annex sheet are: its title, header row, year columns,
country label column, data rows and footnotes (family ``unodc_annex``; rows are read by
annex_rows.py).

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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from drugtrade.normalize.units import UnknownUnit, canonical_unit
from drugtrade.stats.csvfile import UnknownFileFamily
from drugtrade.stats.limits import check_sheet_size, check_workbook
from drugtrade.vocab import drug_terms

# Order matters: an eradication title may also say "cultivation".
_MEASURE_WORDS = (
    ("eradicat", "eradication"),
    ("cultivat", "cultivation"),
    ("production", "potential_production"),
)
_YEAR_TEXT = re.compile(r"^\s*(\d{4})(?:\s*([a-z](?:\s*,\s*[a-z])*))?\s*$")
_NOTES_START = re.compile(r"^\s*(?:sources?|notes?)\s*[:.]|^\s*[a-z]\)\s", re.IGNORECASE)
_FOOTNOTE_LINE = re.compile(r"^\s*([a-z])\)\s*(.*\S)?\s*$")
_LABEL_HEADER = re.compile(
    r"^(?:country|countries|country or territory|country/territory|region)\b", re.IGNORECASE
)
_UNIT_HEADER = re.compile(r"^units?\b", re.IGNORECASE)
_SOURCE_YEAR_HEADER = re.compile(r"^sources?\s+(?:for\s+)?(\d{4})$", re.IGNORECASE)
# UN editorial usage: "tons" in UNODC tables are metric tons.
UN_TONS = {"ton", "tons"}


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
        label: str = group.strip()
        if label.lower() in UN_TONS:
            return label
        try:
            canonical_unit(label)
        except UnknownUnit:
            continue
        return label
    return None


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
            rows: list[tuple[object, ...]] = [tuple(cells) for cells in sheet.iter_rows(values_only=True)]
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
