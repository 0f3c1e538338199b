"""US CBP drug seizure CSVs: families ``cbp_nationwide`` (OFO field offices and Border Patrol
sectors, column ``Area of Responsibility``) and ``cbp_air_marine`` (AMO, column ``Branch``).

One record = one CSV data row (non-empty, after the header). A row gives two observations with
the same source_row: ``seized_quantity`` in kg (from ``Sum Qty (lbs)``, converted exactly) and
``seizure_events`` (``Count of Event``). A row with any unusable cell is quarantined whole, with
the cell and the reason: half a row would make quantities and event counts disagree.

Periods: ``FY`` is the US federal fiscal year (October to September), so FY2019 OCT is October
2018; a label such as ``2026 (FYTD)`` marks a fiscal year to date (``is_partial_period``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from drugtrade.normalize.drugs import normalize_drug_label
from drugtrade.normalize.numbers import non_negative_quantity
from drugtrade.normalize.units import UnknownUnit, factor, scale
from drugtrade.stats.csvfile import (
    UnknownFileFamily,
    column_index,
    iter_records,
    normalize_column,
    raw_cells,
    read_header,
)
from drugtrade.stats.periods import PeriodError, fiscal_month
from drugtrade.stats.records import FileContext, Observation, ObservationIds, Period, Record, quarantine_row
from drugtrade.vocab.countries import CBP_COUNTRY

NATIONWIDE = "cbp_nationwide"
AIR_MARINE = "cbp_air_marine"
FAMILIES = (NATIONWIDE, AIR_MARINE)

_QUANTITY = re.compile(r"^sum (?:of )?qty \((?P<unit>[^)]+)\)$")
_COMMON = {
    "fy": ("fy", "fiscal year"),
    "month": ("month (abbv)", "month"),
    "drug": ("drug type",),
    "count": ("count of event", "count of events"),
}
_AREA = {NATIONWIDE: ("area of responsibility",), AIR_MARINE: ("branch",)}
_OPTIONAL = {"component": "component", "region": "region", "land_filter": "land filter"}

# The schema keeps CBP components by their usual abbreviations; an unknown one stays as published.
COMPONENTS = {
    "office of field operations": "OFO",
    "u.s. border patrol": "USBP",
    "us border patrol": "USBP",
    "border patrol": "USBP",
    "air and marine operations": "AMO",
}


def quantity_column(header: list[str]) -> tuple[int, str] | None:
    """Position and unit label of the ``Sum Qty (<unit>)`` column."""
    for index, name in enumerate(header):
        match = _QUANTITY.match(normalize_column(name))
        if match:
            return index, name[name.index("(") + 1 : name.rindex(")")].strip()
    return None


def family_of(columns: set[str], header: list[str]) -> str | None:
    """Which CBP family a header belongs to, or None."""
    if not all(any(name in columns for name in names) for names in _COMMON.values()):
        return None
    if quantity_column(header) is None:
        return None
    if "branch" in columns:
        return AIR_MARINE
    if "area of responsibility" in columns:
        return NATIONWIDE
    return None


def _count(cell: str, column: str) -> int | str:
    """The event count, or the reason it is unusable."""
    # The usual case, without the Decimal round trip; a longer run of digits goes through the
    # range check (int() of a 5000-digit cell would raise, and float() of a big one overflow).
    if cell.isascii() and cell.isdigit() and len(cell) <= 15:
        return int(cell)
    value = non_negative_quantity(cell, column)
    if isinstance(value, str):
        return value
    if value != value.to_integral_value():
        return f"non-integer count {cell!r} in {column!r}"
    return int(value)


def parse(ctx: FileContext) -> Iterator[Record]:
    header = read_header(ctx.path)
    wanted = dict(_COMMON)
    wanted["area"] = _AREA[ctx.family]
    index = column_index(header, ctx.path, ctx.family, wanted)
    quantity = quantity_column(header)
    if quantity is None:
        raise UnknownFileFamily(
            f"{ctx.path.name}: not a {ctx.family} file: no 'Sum Qty (<unit>)' column; header seen: {header}"
        )
    normalized = {normalize_column(name): i for i, name in reversed(list(enumerate(header)))}
    optional = {key: normalized.get(name) for key, name in _OPTIONAL.items()}
    i_fy, i_month, i_drug, i_count, i_area = (index[k] for k in ("fy", "month", "drug", "count", "area"))
    i_qty, qty_unit = quantity
    i_component, i_region, i_land = optional["component"], optional["region"], optional["land_filter"]
    count_name, qty_name = header[i_count], header[i_qty]
    try:
        to_kg: Decimal | None = factor(qty_unit, "kg")
    except UnknownUnit:
        to_kg = None  # every row is quarantined with the reason, so the file's counts still add up

    estimator = ctx.estimator or "CBP"
    source_id, sha, family, file_name, retrieved_at = (
        ctx.source_id,
        ctx.file_sha256,
        ctx.family,
        ctx.file_name,
        ctx.retrieved_at,
    )
    periods: dict[tuple[str, str], Period | str] = {}
    drugs: dict[str, str | None] = {}
    components: dict[str, str] = {}
    notes_cache: dict[str, str | None] = {}
    width = len(header)
    ids = ObservationIds(source_id, sha, None)

    for line, row in iter_records(ctx.path):
        if len(row) != width:
            yield quarantine_row(
                ctx, None, line, raw_cells(header, row), f"malformed row: {len(row)} fields, expected {width}"
            )
            continue
        fy_label, month_label = row[i_fy], row[i_month]
        period = periods.get((fy_label, month_label))
        if period is None:
            try:
                period = fiscal_month(fy_label, month_label)
            except PeriodError as error:
                period = str(error)
            periods[(fy_label, month_label)] = period
        if isinstance(period, str):
            yield quarantine_row(ctx, None, line, raw_cells(header, row), period)
            continue
        drug_label = row[i_drug].strip()
        if drug_label in drugs:
            drug = drugs[drug_label]
        else:
            drug = drugs[drug_label] = normalize_drug_label(drug_label)
        if drug is None:
            yield quarantine_row(
                ctx, None, line, raw_cells(header, row), f"unknown drug label {drug_label!r}"
            )
            continue
        area = row[i_area].strip()
        if not area:
            yield quarantine_row(
                ctx, None, line, raw_cells(header, row), f"missing value in {header[i_area]!r}"
            )
            continue
        count_text, qty_text = row[i_count].strip(), row[i_qty].strip()
        count = _count(count_text, count_name)
        if isinstance(count, str):
            yield quarantine_row(ctx, None, line, raw_cells(header, row), count)
            continue
        if to_kg is None:
            yield quarantine_row(
                ctx, None, line, raw_cells(header, row), f"unknown unit {qty_unit!r} in {qty_name!r}"
            )
            continue
        qty = non_negative_quantity(qty_text, qty_name)
        if isinstance(qty, str):
            yield quarantine_row(ctx, None, line, raw_cells(header, row), qty)
            continue

        component_label = row[i_component].strip() if i_component is not None else ""
        component = components.get(component_label)
        if component is None:
            component = components[component_label] = COMPONENTS.get(component_label.lower(), component_label)
        region = row[i_region].strip() if i_region is not None else None
        land = row[i_land].strip() if i_land is not None else ""
        notes = notes_cache.get(land)
        if land not in notes_cache:
            notes = notes_cache[land] = f"land filter: {land}" if land else None
        # One CBP row gives two figures that share everything but the measure.
        seized = Observation(
            observation_id=ids(line, "seized_quantity"),
            source_id=source_id,
            family=family,
            file_name=file_name,
            file_sha256=sha,
            sheet=None,
            source_row=line,
            retrieved_at=retrieved_at,
            period_start=period.start,
            period_end=period.end,
            period_label=period.label,
            is_partial_period=period.is_partial,
            fiscal_year=period.fiscal_year,
            country=CBP_COUNTRY,
            country_label=None,
            area=area,
            component=component or None,
            region=region or None,
            drug=drug,
            drug_label=drug_label,
            measure="seized_quantity",
            value=scale(qty, to_kg),
            unit="kg",
            value_as_published=qty_text,
            unit_as_published=qty_unit,
            estimator=estimator,
            notes=notes,
        )
        events = seized._replace(
            observation_id=ids(line, "seizure_events"),
            measure="seizure_events",
            value=float(count),
            unit="count",
            value_as_published=count_text,
            unit_as_published="count",
        )
        yield (seized, events)
