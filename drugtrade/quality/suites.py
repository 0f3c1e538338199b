"""Expectation suites kept as reviewable JSON files: ``<suites_dir>/<stage>/<dataset>.json``.

A file is a GX 1.x suite (``gx.ExpectationSuite(**json)`` loads it) with two conventions on
top, checked here so that a malformed file fails loudly instead of GX dropping an expectation
with a log line:

* every expectation's ``meta`` carries ``severity`` (``critical`` stops the pipeline,
  ``warning`` is recorded) and ``why`` (the reason the check exists);
* ``meta.parameters`` declares every ``{"$PARAMETER": name}`` the expectations use (see
  drugtrade.quality.parameters), and ``meta.key_columns`` names the columns that identify a row
  in failure samples.

Suites are validated by GX's SQL engine on DuckDB, so row conditions use GX's own parser
(``condition_parser: "great_expectations"``, ``col("measure")=="kg"``), types are DuckDB type
names (``VARCHAR``, ``BIGINT``, ``DATE``...) and a pattern is an ``unexpected_rows_expectation``
with DuckDB's ``regexp_full_match`` for a whole value, ``regexp_matches`` for a prefix (GX has
no regex expression for the DuckDB dialect). DuckDB pushes ``regexp_full_match`` into the
Parquet scan, where it is evaluated once per dictionary entry: on the 2,000,000 raw observations
of the benchmark, 0.003 s against 0.22 s for the same pattern as ``regexp_matches('^...$')``,
so a suite that anchors a ``regexp_matches`` pattern at both ends is refused with the rewrite.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import great_expectations as gx
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

from drugtrade.errors import DrugtradeError

# Registers the project's custom expectation with GX before a suite names it.
from drugtrade.quality.column_types import EXPECTATION_TYPE as _COLUMN_TYPES  # noqa: F401
from drugtrade.quality.columns_not_null import EXPECTATION_TYPE as _COLUMNS_NOT_NULL  # noqa: F401

STAGES = ("raw", "staging", "marts")
# regexp_matches(column, '^...$'): a pattern anchored at both ends (the module docstring says why
# it is refused). Not a pattern with an alternation ('^a|b$' is '^a' or 'b$', no whole value) nor
# one that ends in an escaped dollar (a literal one).
_ANCHORED_PATTERN = re.compile(r"regexp_matches\(\s*([^,]+?)\s*,\s*'\^((?:[^'\\|]|\\.)*)\$'\s*\)")
SEVERITIES = ("critical", "warning")


class SuiteFileError(DrugtradeError, ValueError):
    """A suite file is missing or does not follow the format; the message names file and entry."""


@dataclass(frozen=True, kw_only=True)
class SuiteExpectation:
    position: int
    type: str
    kwargs: dict[str, Any]
    severity: str
    why: str
    columns: tuple[str, ...]  # the columns the expectation looks at (empty for table-level)
    configuration: dict[str, Any]  # the entry as written in the file

    @property
    def label(self) -> str:
        label = f"{self.type}({', '.join(self.columns)})" if self.columns else self.type
        condition = self.kwargs.get("row_condition")
        return f"{label} where {condition}" if isinstance(condition, str) and condition else label

    @property
    def column(self) -> str | None:
        return ",".join(self.columns) if self.columns else None

    @property
    def parameter_names(self) -> list[str]:
        return [v["$PARAMETER"] for v in self.kwargs.values() if isinstance(v, dict) and "$PARAMETER" in v]


@dataclass(frozen=True, kw_only=True)
class LoadedSuite:
    name: str
    stage: str
    dataset: str
    path: Path
    key_columns: tuple[str, ...]
    parameters: dict[str, str | list[str]]
    expectations: tuple[SuiteExpectation, ...]
    document: dict[str, Any] = field(repr=False)

    def parameter_key(self, name: str) -> str:
        """The name a suite parameter has in GX: one checkpoint runs every suite of a stage
        with one parameter dict, so each suite's names are prefixed with its dataset."""
        return f"{self.dataset}__{name}"

    def gx_suite(self) -> gx.ExpectationSuite:
        """The suite as GX holds it: severity copied to GX's own field, position in meta (to map
        results back to the file's entries), parameter names prefixed (see parameter_key)."""
        entries = []
        for expectation in self.expectations:
            entry = json.loads(json.dumps(expectation.configuration))
            entry["meta"]["suite_position"] = expectation.position
            entry["severity"] = expectation.severity
            for key, value in entry["kwargs"].items():
                if isinstance(value, dict) and "$PARAMETER" in value:
                    entry["kwargs"][key] = {"$PARAMETER": self.parameter_key(value["$PARAMETER"])}
            entries.append(entry)
        suite = gx.ExpectationSuite(
            name=self.name, expectations=entries, meta=dict(self.document.get("meta", {}))
        )
        if len(suite.expectations) != len(entries):
            raise SuiteFileError(f"{self.path}: GX refused some expectations of suite {self.name}")
        return suite


def suite_path(suites_dir: Path, stage: str, dataset: str) -> Path:
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, got {stage!r}")
    if not dataset or "/" in dataset or dataset.startswith("."):
        raise ValueError(f"dataset {dataset!r} is not a valid suite file name")
    return suites_dir / stage / f"{dataset}.json"


def _columns_of(kwargs: dict[str, Any]) -> tuple[str, ...]:
    if "column" in kwargs:
        return (kwargs["column"],)
    if "column_A" in kwargs:
        return (kwargs["column_A"], kwargs["column_B"])
    if "column_list" in kwargs and isinstance(kwargs["column_list"], list):
        return tuple(kwargs["column_list"])
    return ()


def _check_entry(path: Path, position: int, entry: object) -> SuiteExpectation:
    where = f"{path}: expectation #{position}"
    if not isinstance(entry, dict) or set(entry) - {"type", "kwargs", "meta", "notes"}:
        raise SuiteFileError(f"{where}: an entry is an object with type, kwargs, meta (and optional notes)")
    type_ = entry.get("type")
    kwargs = entry.get("kwargs")
    meta = entry.get("meta")
    if not isinstance(type_, str) or not isinstance(kwargs, dict) or not isinstance(meta, dict):
        raise SuiteFileError(f"{where}: type must be a string, kwargs and meta objects")
    where = f"{where} ({type_})"
    if meta.get("severity") not in SEVERITIES:
        raise SuiteFileError(
            f"{where}: meta.severity must be one of {SEVERITIES}, got {meta.get('severity')!r}"
        )
    if not isinstance(meta.get("why"), str) or not meta["why"].strip():
        raise SuiteFileError(f"{where}: meta.why must say why the expectation exists")
    if "suite_position" in meta:
        raise SuiteFileError(f"{where}: meta.suite_position is reserved")
    if kwargs.get("condition_parser") not in (None, "great_expectations"):
        raise SuiteFileError(
            f"{where}: GX's SQL engine reads row conditions with condition_parser "
            f'\'great_expectations\' (col("measure")=="kg"), got {kwargs["condition_parser"]!r}'
        )
    query = kwargs.get("unexpected_rows_query")
    anchored = _ANCHORED_PATTERN.search(query) if isinstance(query, str) else None
    if anchored:
        raise SuiteFileError(
            f"{where}: {anchored.group(0)} matches a whole value: write it "
            f"regexp_full_match({anchored.group(1)}, '{anchored.group(2)}'), which DuckDB evaluates "
            "inside the Parquet scan"
        )
    try:
        ExpectationConfiguration(type=type_, kwargs=kwargs, meta=meta).to_domain_obj()
    except Exception as error:  # GX raises several unrelated types for a bad configuration
        raise SuiteFileError(f"{where}: GX rejects it: {error}") from error
    return SuiteExpectation(
        position=position,
        type=type_,
        kwargs=kwargs,
        severity=meta["severity"],
        why=meta["why"],
        # A query-based expectation names the column it checks in meta.column.
        columns=_columns_of(kwargs) or ((meta["column"],) if isinstance(meta.get("column"), str) else ()),
        configuration={"type": type_, "kwargs": kwargs, "meta": meta},
    )


def load_suite(suites_dir: Path, stage: str, dataset: str) -> LoadedSuite:
    path = suite_path(suites_dir, stage, dataset)
    if not path.is_file():
        raise SuiteFileError(f"no expectation suite for {stage}/{dataset}: {path} does not exist")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise SuiteFileError(f"{path}: not valid JSON: {error}") from error
    return parse_suite(document, stage=stage, dataset=dataset, origin=path)


def parse_suite(document: object, *, stage: str, dataset: str, origin: Path) -> LoadedSuite:
    """Check a suite document (``origin`` names it in errors)."""
    if not isinstance(document, dict) or set(document) - {"name", "expectations", "meta", "notes"}:
        raise SuiteFileError(
            f"{origin}: a suite is an object with name, expectations, meta (and optional notes)"
        )
    expected_name = f"{stage}.{dataset}"
    if document.get("name") != expected_name:
        raise SuiteFileError(f"{origin}: name must be {expected_name!r}, got {document.get('name')!r}")
    entries = document.get("expectations")
    if not isinstance(entries, list) or not entries:
        raise SuiteFileError(f"{origin}: expectations must be a non-empty list")
    meta = document.get("meta") or {}
    parameters = meta.get("parameters") or {}
    key_columns = meta.get("key_columns") or []
    if not isinstance(parameters, dict) or not isinstance(key_columns, list):
        raise SuiteFileError(f"{origin}: meta.parameters must be an object and meta.key_columns a list")
    expectations = tuple(_check_entry(origin, i, entry) for i, entry in enumerate(entries))
    for expectation in expectations:
        missing = [name for name in expectation.parameter_names if name not in parameters]
        if missing:
            raise SuiteFileError(
                f"{origin}: expectation #{expectation.position} ({expectation.label}) uses parameters "
                f"{missing} that meta.parameters does not declare"
            )
    return LoadedSuite(
        name=expected_name,
        stage=stage,
        dataset=dataset,
        path=origin,
        key_columns=tuple(key_columns),
        parameters=parameters,
        expectations=expectations,
        document=document,
    )
