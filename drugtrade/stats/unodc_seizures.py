"""UNODC annual drug seizures by country (``seizures_annual_by_country.csv``), family
``unodc_seizures``: Region, country, ISO Code, Drug Group, Drug, Year, KG Equivalent.

One record = one CSV data row = one ``seized_quantity`` observation in kg. The file has several
rows for one country, year and drug (separate questionnaire lines); each stays its own
observation with its own source_row, and the warehouse decides how to combine them. ``NULL`` in
KG Equivalent is a missing value: quarantined with that reason, not loaded as zero.

Countries: a published ISO Code that is a real ISO 3166 alpha-3 code (current, or one of the
former codes the countries seed carries) is kept as published; otherwise the name is resolved
(UNODC's ``NULL`` for USSR and Serbia and Montenegro, ``KKK`` for Kosovo).
"""

from __future__ import annotations

from collections.abc import Iterator

from drugtrade.normalize.drugs import normalize_drug_label
from drugtrade.normalize.numbers import non_negative_quantity
from drugtrade.stats.csvfile import column_index, iter_records, raw_cells, read_header
from drugtrade.stats.periods import PeriodError, calendar_year
from drugtrade.stats.records import FileContext, Observation, ObservationIds, Period, Record, quarantine_row
from drugtrade.vocab.countries import resolve_country

FAMILY = "unodc_seizures"
MEASURE = "seized_quantity"

_COLUMNS = {
    "region": ("region",),
    "country": ("country",),
    "iso": ("iso code", "iso3", "iso3 code"),
    "drug": ("drug",),
    "year": ("year",),
    "kg": ("kg equivalent",),
}


def matches(columns: set[str]) -> bool:
    return all(any(name in columns for name in names) for names in _COLUMNS.values())


def parse(ctx: FileContext) -> Iterator[Record]:
    header = read_header(ctx.path)
    index = column_index(header, ctx.path, FAMILY, _COLUMNS)
    i_region, i_country, i_iso, i_drug, i_year, i_kg = (
        index[k] for k in ("region", "country", "iso", "drug", "year", "kg")
    )
    kg_name = header[i_kg]
    estimator = ctx.estimator or "UNODC"
    source_id, sha, family, file_name, retrieved_at = (
        ctx.source_id,
        ctx.file_sha256,
        ctx.family,
        ctx.file_name,
        ctx.retrieved_at,
    )
    countries: dict[tuple[str, str], str | None] = {}
    drugs: dict[str, str | None] = {}
    periods: dict[str, Period | str] = {}
    width = len(header)
    ids = ObservationIds(source_id, sha, None)

    for line, row in iter_records(ctx.path):
        if len(row) != width:
            yield quarantine_row(
                ctx, None, line, raw_cells(header, row), f"malformed row: {len(row)} fields, expected {width}"
            )
            continue
        country_label, code = row[i_country].strip(), row[i_iso].strip()
        key = (country_label, code)
        if key not in countries:
            countries[key] = resolve_country(country_label, code)
        country = countries[key]
        if country is None:
            yield quarantine_row(
                ctx,
                None,
                line,
                raw_cells(header, row),
                f"country not found: {country_label!r} (ISO Code {code!r})",
            )
            continue
        year_text = row[i_year].strip()
        period = periods.get(year_text)
        if period is None:
            try:
                period = calendar_year(int(year_text))
            except ValueError as error:  # PeriodError is a ValueError, as is int("abc")
                period = str(error) if isinstance(error, PeriodError) else f"unreadable year {year_text!r}"
            periods[year_text] = period
        if isinstance(period, str):
            yield quarantine_row(ctx, None, line, raw_cells(header, row), period)
            continue
        drug_label = row[i_drug].strip()
        if drug_label not in drugs:
            drugs[drug_label] = normalize_drug_label(drug_label)
        drug = drugs[drug_label]
        if drug is None:
            yield quarantine_row(
                ctx, None, line, raw_cells(header, row), f"unknown drug label {drug_label!r}"
            )
            continue
        kg_text = row[i_kg].strip()
        kg = non_negative_quantity(kg_text, kg_name)
        if isinstance(kg, str):
            yield quarantine_row(ctx, None, line, raw_cells(header, row), kg)
            continue
        yield (
            Observation(
                observation_id=ids(line, MEASURE),
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
                is_partial_period=False,
                fiscal_year=None,
                country=country,
                country_label=country_label,
                area=None,
                component=None,
                region=row[i_region].strip() or None,
                drug=drug,
                drug_label=drug_label,
                measure=MEASURE,
                value=float(kg),
                unit="kg",
                value_as_published=kg_text,
                unit_as_published="kg",
                estimator=estimator,
                notes=None,
            ),
        )
