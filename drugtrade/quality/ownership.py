"""Which rules dbt states and which GX states, as comparable (relation, column, kind) triples,
so that a test can prove no rule is stated twice, neither on both sides nor twice within dbt (a
contract's not-null constraint and a not_null test on the same column; expectations/README.md
says who owns what).

Kinds: ``not_null``, ``unique`` (column: the key's columns, sorted, comma-joined),
``accepted_values``, ``relationships``, ``type``, ``columns`` (the column list of a relation),
``range`` (a lower or upper bound on one column) and ``comparison`` (``a >= b`` between two
columns, spaces removed).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

_BOUND = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(>=|>|<=|<)\s*-?\d+(\.\d+)?\s*$")
_COMPARISON = re.compile(r"^\s*([a-z_][a-z0-9_]*)\s*(>=|>|<=|<)\s*([a-z_][a-z0-9_]*)\s*$")


@dataclass(frozen=True, order=True, kw_only=True)
class Rule:
    relation: str
    column: str | None
    kind: str
    where: str  # the file that states it
    stated_as: str = "test"  # within dbt: a data test, or a constraint of the model's contract


def _expression_rules(relation: str, expression: str, where: str) -> list[Rule]:
    rules = []
    for part in re.split(r"\s+and\s+", expression.strip(), flags=re.IGNORECASE):
        if bound := _BOUND.match(part):
            rules.append(Rule(relation=relation, column=bound.group(1), kind="range", where=where))
        elif comparison := _COMPARISON.match(part):
            rules.append(
                Rule(
                    relation=relation,
                    column=f"{comparison.group(1)}{comparison.group(2)}{comparison.group(3)}",
                    kind="comparison",
                    where=where,
                )
            )
    return rules


def _test_name(test: str | dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if isinstance(test, str):
        return test, {}
    ((name, body),) = test.items()
    body = body or {}
    return name, body.get("arguments", body)


def dbt_rules(models_dir: Path) -> list[Rule]:
    """Rules of every model YAML under ``models_dir``: data tests, column constraints, enforced
    contracts (column types and the column list)."""
    rules: list[Rule] = []
    for path in sorted(models_dir.rglob("*.yml")):
        where = str(path)
        for model in (yaml.safe_load(path.read_text()) or {}).get("models", []):
            relation = model["name"]
            enforced = bool(((model.get("config") or {}).get("contract") or {}).get("enforced"))
            if enforced:
                rules.append(Rule(relation=relation, column=None, kind="columns", where=where))
            for test in model.get("data_tests") or []:
                name, arguments = _test_name(test)
                if name == "unique_combination":
                    rules.append(
                        Rule(
                            relation=relation,
                            column=",".join(sorted(arguments["combination"])),
                            kind="unique",
                            where=where,
                        )
                    )
                elif name == "expression_is_true":
                    rules += _expression_rules(relation, str(arguments.get("expression", "")), where)
            for column in model.get("columns") or []:
                name_ = column["name"]
                if enforced and column.get("data_type"):
                    rules.append(Rule(relation=relation, column=name_, kind="type", where=where))
                for constraint in column.get("constraints") or []:
                    if constraint.get("type") in ("not_null", "unique"):
                        rules.append(
                            Rule(
                                relation=relation,
                                column=name_,
                                kind=constraint["type"],
                                where=where,
                                stated_as="constraint",
                            )
                        )
                for test in column.get("data_tests") or []:
                    name, arguments = _test_name(test)
                    if name in ("not_null", "unique", "accepted_values", "relationships"):
                        rules.append(Rule(relation=relation, column=name_, kind=name, where=where))
                    elif name == "non_negative":
                        rules.append(Rule(relation=relation, column=name_, kind="range", where=where))
                    elif name == "expression_is_true":
                        rules += _expression_rules(relation, str(arguments.get("expression", "")), where)
    return rules


_GX_KINDS = {
    "expect_column_values_to_not_be_null": "not_null",
    "expect_columns_to_not_be_null": "not_null",  # one rule per column (drugtrade.quality.columns_not_null)
    "expect_column_values_to_be_unique": "unique",
    "expect_compound_columns_to_be_unique": "unique",
    "expect_column_values_to_be_in_set": "accepted_values",
    "expect_column_values_to_be_of_type": "type",
    "expect_column_values_to_be_in_type_list": "type",
    "expect_table_columns_to_have_types": "type",  # one rule per column (drugtrade.quality.column_types)
    "expect_table_columns_to_match_set": "columns",
    "expect_table_columns_to_match_ordered_list": "columns",
    "expect_column_values_to_be_between": "range",
    "expect_column_pair_values_a_to_be_greater_than_b": "comparison",
}


def gx_rules(suites_dir: Path, stages: tuple[str, ...] = ("staging", "marts")) -> list[Rule]:
    """Rules of the GX suites of ``stages`` (relation = the dbt model the suite validates)."""
    rules: list[Rule] = []
    for stage in stages:
        for path in sorted((suites_dir / stage).glob("*.json")):
            for entry in json.loads(path.read_text())["expectations"]:
                kind = _GX_KINDS.get(entry["type"])
                kwargs = entry["kwargs"]
                if kind is None or kwargs.get("row_condition"):
                    continue  # a conditional rule is a different rule from the unconditional one
                if kind == "comparison":
                    operator = ">=" if kwargs.get("or_equal") else ">"
                    column = f"{kwargs['column_A']}{operator}{kwargs['column_B']}"
                elif kind == "unique" and "column_list" in kwargs:
                    column = ",".join(sorted(kwargs["column_list"]))
                elif kind == "columns":
                    column = None
                elif "column_types" in kwargs or (kind == "not_null" and "column_list" in kwargs):
                    rules += [
                        Rule(relation=path.stem, column=name, kind=kind, where=str(path))
                        for name in kwargs.get("column_types") or kwargs["column_list"]
                    ]
                    continue
                else:
                    column = kwargs["column"]
                rules.append(Rule(relation=path.stem, column=column, kind=kind, where=str(path)))
    return rules


def stated_twice(dbt: list[Rule], gx: list[Rule]) -> list[tuple[Rule, Rule]]:
    """Pairs (dbt rule, GX rule) that state the same (relation, column, kind)."""
    by_key = {(r.relation, r.column, r.kind): r for r in dbt}
    return [
        (by_key[(r.relation, r.column, r.kind)], r) for r in gx if (r.relation, r.column, r.kind) in by_key
    ]


def stated_twice_in_dbt(dbt: list[Rule]) -> list[tuple[Rule, Rule]]:
    """Pairs of dbt rules that state the same (relation, column, kind) twice, such as a not-null
    constraint of an enforced contract (DuckDB refuses the row) and a not_null test on the
    same column (a second query that can never find one)."""
    first: dict[tuple[str, str | None, str], Rule] = {}
    twice = []
    # Two relationships tests of one column may name two dimensions (stg_mentions), and the
    # kinds of row logic are not told apart finely enough here; keys are.
    for rule in (r for r in dbt if r.kind in ("not_null", "unique")):
        key = (rule.relation, rule.column, rule.kind)
        if key in first:
            twice.append((first[key], rule))
        else:
            first[key] = rule
    return twice


def not_null_tests_under_contract(dbt: list[Rule], contracted: set[str]) -> list[Rule]:
    """not_null data tests on models whose contract is enforced: there the rule belongs in the
    contract (a not_null constraint, checked by DuckDB as the rows are written)."""
    return [r for r in dbt if r.kind == "not_null" and r.stated_as == "test" and r.relation in contracted]


_IDENT = r'"?([a-z_][a-z0-9_]*)"?'
# A staging column that carries one lake column through unchanged in whether it is null: the
# column itself, renamed, cast, upper-cased, or made relative to the warehouse (macro
# relative_path). Anything else (nullif, coalesce, a case) is not a pass-through.
_PASSTHROUGH = re.compile(
    rf"^(?:{_IDENT}|cast\(\s*{_IDENT}\s+as\s+[a-z0-9_\[\]]+\s*\)|upper\(\s*{_IDENT}\s*\)"
    rf"|\{{\{{\s*relative_path\(\s*'([a-z_][a-z0-9_]*)'\s*\)\s*\}}\}})(?:\s+as\s+{_IDENT})?$",
    re.IGNORECASE,
)
_LAKE_SOURCE = re.compile(r"from\s+\{\{\s*source\(\s*'lake'\s*,\s*'([a-z_]+)'\s*\)\s*\}\}", re.IGNORECASE)


def staging_lineage(sql: str) -> tuple[str, dict[str, str]] | None:
    """(lake dataset, {staging column: lake column}) of a staging model that selects from one
    lake source, for its pass-through columns; None for any other shape."""
    source = _LAKE_SOURCE.search(sql)
    body = re.search(r"^\s*select\s+(.*?)\s+from\s", sql, re.IGNORECASE | re.DOTALL)
    if source is None or body is None:
        return None
    lineage = {}
    for item in (line.strip().rstrip(",") for line in body.group(1).splitlines()):
        if match := _PASSTHROUGH.match(item):
            lake_column = next(g for g in match.groups()[:4] if g)
            lineage[match.group(5) or lake_column] = lake_column
    return source.group(1), lineage


def raw_not_null(suites_dir: Path) -> dict[str, set[str]]:
    """The columns each raw suite requires to be non-null with no exception: critical,
    unconditional, every row (no ``mostly`` below 1)."""
    required: dict[str, set[str]] = {}
    for path in sorted((suites_dir / "raw").glob("*.json")):
        for entry in json.loads(path.read_text())["expectations"]:
            kwargs = entry["kwargs"]
            if (
                entry["type"] in ("expect_column_values_to_not_be_null", "expect_columns_to_not_be_null")
                and (entry.get("meta") or {}).get("severity", "critical") == "critical"
                and not kwargs.get("row_condition")
                and float(kwargs.get("mostly", 1)) >= 1
            ):
                columns = kwargs["column_list"] if "column_list" in kwargs else [kwargs["column"]]
                required.setdefault(path.stem, set()).update(columns)
    return required


_OUTER_JOIN_OR_UNION = re.compile(
    r"\b(?:left|right|full|cross)\s+(?:outer\s+)?join\b|\bunion\b", re.IGNORECASE
)
_TOP_STAR = re.compile(r"^\s*select\s+\*\s+from\s+\{\{\s*ref\('([a-z_0-9]+)'\)\s*\}\}", re.IGNORECASE)
_STAR_CTE = re.compile(
    r"\b([a-z_][a-z_0-9]*)\s+as\s+\(\s*select\s+\*\s+from\s+\{\{\s*ref\('([a-z_0-9]+)'\)\s*\}\}\s*\)",
    re.IGNORECASE,
)


def star_lineage(sql: str) -> list[str]:
    """The models whose every column a model passes through: ``select * from ref(m)`` (with a
    where or qualify), or ``c.*`` of a CTE ``c`` that is ``select * from ref(m)``, with inner
    joins only (an outer join or a union could bring nulls). Empty for any other shape."""
    sql = re.sub(r"--[^\n]*", "", sql)
    if _OUTER_JOIN_OR_UNION.search(sql):
        return []
    if top := _TOP_STAR.match(sql):
        return [top.group(1)]
    ctes = dict(_STAR_CTE.findall(sql))
    return [ctes[alias] for alias in re.findall(r"\b([a-z_][a-z_0-9]*)\.\*", sql) if alias in ctes]


def lake_guaranteed_not_null(models_dir: Path, suites_dir: Path) -> dict[str, set[str]]:
    """{model: columns} that carry a lake column the raw suite requires non-null, unchanged in
    whether it is null: a staging model's pass-through columns, and every column a later model
    takes with ``*`` from one of those (star_lineage). Every lake file passed that gate before
    dbt reads it, so these columns hold no null (publish declares the staging ones NOT NULL in
    the serving file's audit tables)."""
    required = raw_not_null(suites_dir)
    guaranteed: dict[str, set[str]] = {}
    for sql in sorted((models_dir / "staging").glob("stg_*.sql")):
        lineage = staging_lineage(sql.read_text())
        if lineage is not None:
            dataset, columns = lineage
            guaranteed[sql.stem] = {
                column for column, lake in columns.items() if lake in required.get(dataset, set())
            }
    later = {sql.stem: star_lineage(sql.read_text()) for sql in sorted(models_dir.rglob("*.sql"))}
    changed = True
    while changed:  # a model reads models before it: repeat until nothing is added
        changed = False
        for model, sources in later.items():
            inherited = set().union(*(guaranteed.get(source, set()) for source in sources))
            if not inherited <= guaranteed.get(model, set()):
                guaranteed[model] = guaranteed.get(model, set()) | inherited
                changed = True
    return guaranteed


def not_null_restating_the_lake(dbt: list[Rule], models_dir: Path, suites_dir: Path) -> list[Rule]:
    """not_null tests on a column lake_guaranteed_not_null() covers (a staging pass-through,
    or a later model's ``*`` of one): they would state the raw lake's contract (GX's) again."""
    guaranteed = lake_guaranteed_not_null(models_dir, suites_dir)
    return [
        rule
        for rule in dbt
        if rule.kind == "not_null"
        and rule.stated_as == "test"
        and (rule.column or "") in guaranteed.get(rule.relation, set())
    ]
