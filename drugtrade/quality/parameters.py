"""Suite parameters: values a suite file names instead of inlining, resolved when a batch is
validated and handed to GX as ``expectation_parameters`` (the ``{"$PARAMETER": name}`` syntax).

A suite declares them in ``meta.parameters`` as ``name: spec`` (or a list of specs whose values
are united). Specs:

``seed:<seed>.<column>``             distinct values of a column of dbt_project/seeds/<seed>.csv
``pycountry:alpha_3``                every ISO 3166-1 alpha-3 code pycountry knows
``literal:<a>|<b>``                  the listed strings
``now-<N>d`` / ``now+<N>d``          the run's reference time (UTC, tz-aware) shifted by N days
``today-<N>d`` / ``today+<N>d``      the reference date shifted by N days: for date columns
``year+<N>`` / ``year-<N>``          the reference year shifted by N
``date:<YYYY-MM-DD>``                a fixed date: for bounds on date columns
``history:previous_row_count*<f>``   ceil(f x rows of the previous run); 0 when there is none
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry

from drugtrade.errors import DrugtradeError

_SHIFT = re.compile(r"^(now|today)([+-])(\d+)d$")
_YEAR = re.compile(r"^year([+-])(\d+)$")
_SEED = re.compile(r"^seed:([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$")
_DATE = re.compile(r"^date:(\d{4}-\d{2}-\d{2})$")
_HISTORY = re.compile(r"^history:previous_row_count\*(\d+(?:\.\d+)?)$")
_VALUE_SET_KINDS = ("seed:", "pycountry:", "literal:")


class SuiteParameterError(DrugtradeError, ValueError):
    """A suite names a parameter the resolver cannot produce."""


@dataclass(frozen=True, kw_only=True)
class ResolvedParameter:
    value: Any
    description: str  # how the value was obtained, shown next to the outcome


@dataclass(frozen=True, kw_only=True)
class ParameterInputs:
    reference_time: datetime  # tz-aware
    seeds_dir: Path
    previous_row_count: Callable[[], int | None]  # asked only when a suite uses history


def _read_seed_column(seeds_dir: Path, seed: str, column: str, origin: str) -> list[str]:
    path = seeds_dir / f"{seed}.csv"
    if not path.is_file():
        raise SuiteParameterError(f"{origin}: seed file {path} does not exist")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if column not in (reader.fieldnames or []):
            raise SuiteParameterError(
                f"{origin}: seed {path} has no column {column!r} (has {reader.fieldnames})"
            )
        values = sorted({row[column] for row in reader if row[column]})
    if not values:
        raise SuiteParameterError(f"{origin}: seed {path} column {column!r} holds no values")
    return values


def _value_set(spec: str, inputs: ParameterInputs, origin: str) -> list[str]:
    if seed := _SEED.match(spec):
        return _read_seed_column(inputs.seeds_dir, seed.group(1), seed.group(2), origin)
    if spec == "pycountry:alpha_3":
        return sorted(country.alpha_3 for country in pycountry.countries)
    if spec.startswith("literal:") and spec != "literal:":
        return spec.removeprefix("literal:").split("|")
    raise SuiteParameterError(f"{origin}: unknown value-set spec {spec!r}")


def _scalar(spec: str, inputs: ParameterInputs, origin: str) -> ResolvedParameter:
    reference = inputs.reference_time.astimezone(UTC)
    if shift := _SHIFT.match(spec):
        anchor, sign, days = shift.group(1), shift.group(2), int(shift.group(3))
        delta = pd.Timedelta(days=days) * (1 if sign == "+" else -1)
        base = pd.Timestamp(reference) if anchor == "now" else pd.Timestamp(reference.date())
        value = (base + delta).to_pydatetime()
        if anchor == "today":
            value = value.date()  # for date columns: DuckDB compares a DATE with a DATE
        return ResolvedParameter(value=value, description=f"{spec} = {value.isoformat()}")
    if fixed := _DATE.match(spec):
        return ResolvedParameter(value=date.fromisoformat(fixed.group(1)), description=spec)
    if year := _YEAR.match(spec):
        value = reference.year + int(year.group(2)) * (1 if year.group(1) == "+" else -1)
        return ResolvedParameter(value=value, description=f"{spec} = {value}")
    if history := _HISTORY.match(spec):
        previous = inputs.previous_row_count()
        if previous is None:
            return ResolvedParameter(value=0, description="no previous run recorded")
        value = math.ceil(previous * float(history.group(1)))
        return ResolvedParameter(value=value, description=f"previous run had {previous} rows; bound {value}")
    raise SuiteParameterError(f"{origin}: unknown parameter spec {spec!r}")


def resolve_parameters(
    declared: Mapping[str, str | list[str]], inputs: ParameterInputs, suite_name: str
) -> dict[str, ResolvedParameter]:
    resolved: dict[str, ResolvedParameter] = {}
    for name, spec in declared.items():
        origin = f"suite {suite_name}, parameter {name!r}"
        specs = [spec] if isinstance(spec, str) else list(spec)
        if not specs or not all(isinstance(s, str) for s in specs):
            raise SuiteParameterError(
                f"{origin}: a spec is a string or a non-empty list of strings, got {spec!r}"
            )
        if all(s.startswith(_VALUE_SET_KINDS) for s in specs):
            values = sorted({v for s in specs for v in _value_set(s, inputs, origin)})
            resolved[name] = ResolvedParameter(
                value=values, description=f"{' + '.join(specs)} ({len(values)} values)"
            )
        elif len(specs) == 1:
            resolved[name] = _scalar(specs[0], inputs, origin)
        else:
            raise SuiteParameterError(f"{origin}: only value-set specs can be united, got {specs}")
    return resolved
