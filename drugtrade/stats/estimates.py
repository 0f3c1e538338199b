"""Production and cultivation estimates from more than one estimator, family
``production_estimates`` (``sources/statistics/coca_estimates.csv``): one figure per row with
country, iso3, year, drug, measure, value, unit and estimator, plus where it was published.

UNODC and the US government (ONDCP) estimate coca differently (Colombia 2016: 146,000 ha vs
188,000 ha); both are kept, each under its estimator as written in the file. The same figure
from two publications (Colombia 2016 UNODC, once from the annex and once from the press) stays
two observations with distinct source_rows: the warehouse deduplicates.

One record = one CSV data row = one observation. The ``estimator`` column is authoritative; the
``estimator`` argument only fills a blank cell. Rows without an iso3 whose country is an
aggregate ("World", "Total South America") are quarantined as ``aggregate row``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from drugtrade.normalize.drugs import normalize_drug_label
from drugtrade.normalize.numbers import Missing, NotANumber, parse_number
from drugtrade.normalize.units import MEASURE_UNITS, UnknownUnit, factor, scale
from drugtrade.stats.csvfile import column_index, iter_records, normalize_column, raw_cells, read_header
from drugtrade.stats.periods import PeriodError, calendar_year
from drugtrade.stats.records import FileContext, Observation, ObservationIds, Record, quarantine_row
from drugtrade.vocab.countries import is_known_code, resolve_country

FAMILY = "production_estimates"

_COLUMNS: dict[str, tuple[str, ...]] = {
    name: (name,) for name in ("country", "iso3", "year", "drug", "measure", "value", "unit", "estimator")
}
_NOTE_COLUMNS = (
    ("source", "source"),
    ("source_url_or_doc", "doc"),
    ("measure_as_published", "measure as published"),
    ("notes", "note"),
    ("derived_from", "derived from"),
)
_AGGREGATE = re.compile(r"^(?:world|global|total)\b|\btotal$", re.IGNORECASE)


def matches(columns: set[str]) -> bool:
    return all(name in columns for name in _COLUMNS)


def parse(ctx: FileContext) -> Iterator[Record]:
    header = read_header(ctx.path)
    index = column_index(header, ctx.path, FAMILY, _COLUMNS)
    positions = {normalize_column(name): i for i, name in reversed(list(enumerate(header)))}
    note_columns = [(positions[name], label) for name, label in _NOTE_COLUMNS if name in positions]
    width = len(header)
    ids = ObservationIds(ctx.source_id, ctx.file_sha256, None)

    for line, row in iter_records(ctx.path):
        if len(row) != width:
            yield quarantine_row(
                ctx, None, line, raw_cells(header, row), f"malformed row: {len(row)} fields, expected {width}"
            )
            continue
        cell = {key: row[i].strip() for key, i in index.items()}

        def reject(reason: str, row: list[str] = row, line: int = line) -> Record:
            return quarantine_row(ctx, None, line, raw_cells(header, row), reason)

        measure = cell["measure"]
        if measure not in MEASURE_UNITS:
            yield reject(f"unknown measure {measure!r}")
            continue
        code, label = cell["iso3"], cell["country"]
        if code and not is_known_code(code.upper()):
            yield reject(f"country not found: ISO code {code!r} ({label!r})")
            continue
        if not code and _AGGREGATE.search(label):
            yield reject("aggregate row")
            continue
        country = resolve_country(label, code)
        if country is None:
            yield reject(f"country not found: {label!r}")
            continue
        try:
            period = calendar_year(int(cell["year"]))
        except PeriodError as error:
            yield reject(str(error))
            continue
        except ValueError:
            yield reject(f"unreadable year {cell['year']!r}")
            continue
        drug = normalize_drug_label(cell["drug"])
        if drug is None:
            yield reject(f"unknown drug label {cell['drug']!r}")
            continue
        try:
            value = parse_number(cell["value"])
        except NotANumber as error:
            yield reject(str(error))
            continue
        if isinstance(value, Missing):
            yield reject(value.describe())
            continue
        if value < 0:
            yield reject(f"negative value {cell['value']!r}")
            continue
        target = MEASURE_UNITS[measure]
        try:
            to_unit = factor(cell["unit"], target)
        except UnknownUnit:
            yield reject(f"unknown unit {cell['unit']!r} for {measure}")
            continue
        estimator = cell["estimator"] or ctx.estimator
        if not estimator:
            yield reject("missing estimator")
            continue
        notes = "; ".join(f"{label}: {row[i].strip()}" for i, label in note_columns if row[i].strip())
        yield (
            Observation(
                observation_id=ids(line, measure),
                source_id=ctx.source_id,
                family=ctx.family,
                file_name=ctx.file_name,
                file_sha256=ctx.file_sha256,
                sheet=None,
                source_row=line,
                retrieved_at=ctx.retrieved_at,
                period_start=period.start,
                period_end=period.end,
                period_label=period.label,
                is_partial_period=False,
                fiscal_year=None,
                country=country,
                country_label=label or None,
                area=None,
                component=None,
                region=None,
                drug=drug,
                drug_label=cell["drug"],
                measure=measure,
                value=scale(value, to_unit),
                unit=target,
                value_as_published=cell["value"],
                unit_as_published=cell["unit"],
                estimator=estimator,
                notes=notes or None,
            ),
        )
