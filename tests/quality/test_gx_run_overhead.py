"""The cuts of drugtrade/quality/gx_run_overhead.py change GX's cost, not its answers: the
kwargs of every expectation of the project's suites are GX's own, each definition's freshness
is checked once per checkpoint run, and a definition that is not fresh still fails the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import great_expectations as gx
import pytest
from great_expectations.exceptions.resource_freshness import CheckpointRelatedResourcesFreshnessError

from drugtrade.quality import gx_run_overhead
from drugtrade.quality.context import add_validation, duckdb_datasource, open_context, stage_checkpoint
from drugtrade.quality.suites import STAGES, load_suite

pytestmark = pytest.mark.gx


def _project_expectations(suites_dir: Path) -> Iterator[tuple[str, Any]]:
    for stage in STAGES:
        for path in sorted((suites_dir / stage).glob("*.json")):
            suite = load_suite(suites_dir, stage, path.stem).gx_suite()
            for expectation in suite.expectations:
                yield (
                    f"{suite.name} #{expectation.meta['suite_position']} {expectation.expectation_type}",
                    expectation,
                )


def test_every_expectation_of_the_project_gets_gx_s_own_kwargs(suites_dir: Path) -> None:
    gx_run_overhead.install()
    original = gx_run_overhead.ORIGINALS
    checked = 0
    for label, expectation in _project_expectations(suites_dir):
        assert expectation._get_domain_kwargs() == original["Expectation._get_domain_kwargs"](expectation), (
            label
        )
        assert expectation._get_success_kwargs() == original["Expectation._get_success_kwargs"](
            expectation
        ), label
        for runtime in (None, {"result_format": {"result_format": "BASIC", "partial_unexpected_count": 5}}):
            assert expectation._get_runtime_kwargs(runtime) == original["Expectation._get_runtime_kwargs"](
                expectation, runtime
            ), label
        checked += 1
    assert checked > 100  # every suite file was read


def _context_over(tmp_path: Path, create_table: str) -> tuple[Any, Any]:
    """A GX context and its datasource over a DuckDB file holding the table ``create_table`` makes."""
    database = tmp_path / "build.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(create_table)
    context = open_context(tmp_path / "quality", tmp_path / "docs")
    return context, duckdb_datasource(context, "build", database)


def _two_suites(tmp_path: Path) -> tuple[Any, gx.Checkpoint]:
    context, source = _context_over(
        tmp_path,
        "create table figures as select i as figure_id, i * 0.5 as kg from range(100) t(i)",
    )
    validations = [
        add_validation(
            context,
            source,
            gx.ExpectationSuite(
                name=name,
                expectations=[
                    gx.expectations.ExpectColumnValuesToBeBetween(column="kg", min_value=0, max_value=top)
                ],
            ),
            table="figures",
        )
        for name, top in (("figures_low", 10), ("figures_all", 100))
    ]
    return context, stage_checkpoint(context, "marts", validations, {"result_format": "BASIC"})


def test_a_checkpoint_run_checks_each_definition_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context, checkpoint = _two_suites(tmp_path)
    checked: list[str] = []
    full_check = gx_run_overhead.ORIGINALS["ValidationDefinition.is_fresh"]

    def counting(definition: Any) -> Any:
        checked.append(definition.name)
        return full_check(definition)

    monkeypatch.setitem(gx_run_overhead.ORIGINALS, "ValidationDefinition.is_fresh", counting)
    for _ in range(2):
        result = checkpoint.run()
        outcomes = {r.suite_name: r.success for r in result.run_results.values()}
        assert outcomes == {"figures_low": False, "figures_all": True}
    # Unpatched GX checks each definition five times a run (and its store copy three times);
    # every run starts with full checks.
    assert sorted(checked) == ["figures_all", "figures_all", "figures_low", "figures_low"]
    # Outside a checkpoint run nothing is remembered.
    checkpoint.validation_definitions[0].is_fresh()
    assert len(checked) == 5


def test_a_suite_changed_in_its_store_still_fails_the_run(tmp_path: Path) -> None:
    context, checkpoint = _two_suites(tmp_path)
    stored = context.suites.get("figures_all")
    stored.add_expectation(gx.expectations.ExpectTableRowCountToBeBetween(min_value=1))
    stored.save()  # the store now holds another suite than the checkpoint's definition
    with pytest.raises(CheckpointRelatedResourcesFreshnessError) as raised:
        checkpoint.run()
    assert [str(e) for e in raised.value.errors] == [
        "ExpectationSuite 'figures_all' has changed since it has last been saved. "
        "Please update with `<SUITE_OBJECT>.save()`, then try your action again."
    ]


def test_data_docs_templates_are_compiled_once_for_every_view(monkeypatch: pytest.MonkeyPatch) -> None:
    from great_expectations.render.view.view import DefaultJinjaPageView
    from jinja2 import Environment

    gx_run_overhead.install()
    compiled: list[str | None] = []
    compile_template = Environment.compile

    def counting(self: Environment, source: Any, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return compile_template(self, source, name, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", counting)
    first = DefaultJinjaPageView()._get_template("page.j2")
    compiled_by_first = len(compiled)  # none when an earlier run left them in the cache
    second = DefaultJinjaPageView()._get_template("page.j2")
    # GX's own views each compiled it again; now the second loads the first's code.
    assert len(compiled) == compiled_by_first
    assert second is not first and second.root_render_func.__code__.co_code == (
        first.root_render_func.__code__.co_code
    )


def _samples_suite(tmp_path: Path) -> tuple[Any, gx.Checkpoint]:
    """Each kind of row-level metric (column, column pair, compound columns, unexpected rows)
    with no unexpected row and with some: six expectations with none, six with some (one of
    them passing with ``mostly``)."""
    context, source = _context_over(
        tmp_path,
        "create table seizures as select i as seizure_id, i % 7 as port, 'kg' || (i % 3) as unit "
        "from range(1000) t(i)",
    )
    expectations = gx.expectations
    suite = gx.ExpectationSuite(
        name="seizures",
        expectations=[
            expectations.ExpectColumnValuesToBeUnique(column="seizure_id"),
            expectations.ExpectColumnValuesToBeUnique(column="port"),
            expectations.ExpectColumnValuesToBeInSet(column="unit", value_set=["kg0", "kg1", "kg2"]),
            expectations.ExpectColumnValuesToBeInSet(column="unit", value_set=["kg0", "kg1"], mostly=0.5),
            expectations.ExpectColumnValuesToBeBetween(column="seizure_id", min_value=0, max_value=999),
            expectations.ExpectColumnValuesToBeBetween(column="seizure_id", min_value=0, max_value=989),
            expectations.UnexpectedRowsExpectation(
                unexpected_rows_query="select * from {batch} where port < 0"
            ),
            expectations.UnexpectedRowsExpectation(
                unexpected_rows_query="select * from {batch} where port = 6"
            ),
            expectations.ExpectCompoundColumnsToBeUnique(column_list=["seizure_id", "port"]),
            expectations.ExpectCompoundColumnsToBeUnique(column_list=["port", "unit"]),
            expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="seizure_id", column_B="port", or_equal=True
            ),
            expectations.ExpectColumnPairValuesAToBeGreaterThanB(column_A="port", column_B="seizure_id"),
        ],
    )
    validation = add_validation(context, source, suite, table="seizures")
    result_format = {"result_format": "BASIC", "partial_unexpected_count": 5}
    return context, stage_checkpoint(context, "marts", [validation], result_format)


def _run_counting_queries(checkpoint: gx.Checkpoint) -> tuple[dict[str, tuple[Any, ...]], list[str]]:
    import sqlalchemy as sa
    from sqlalchemy.engine import Engine

    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(" ".join(statement.split()))

    sa.event.listen(Engine, "before_cursor_execute", record)
    try:
        run = checkpoint.run()
    finally:
        sa.event.remove(Engine, "before_cursor_execute", record)
    (suite_result,) = run.run_results.values()
    outcomes = {
        r.expectation_config.type + str(sorted(r.expectation_config.kwargs.items())[:3]): (
            r.success,
            r.result.get("unexpected_count"),
            r.result.get("partial_unexpected_list"),
            r.result.get("observed_value"),
            r.exception_info.get("raised_exception", False),
        )
        for r in suite_result.results
    }
    return outcomes, statements


def test_no_query_for_unexpected_rows_when_none_are_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from great_expectations.execution_engine.execution_engine import ExecutionEngine
    from great_expectations.expectations.metrics.metric_provider import MetricProvider

    context, checkpoint = _samples_suite(tmp_path)
    outcomes, statements = _run_counting_queries(checkpoint)

    # GX's own code, for the same suite on the same data.
    originals = gx_run_overhead.ORIGINALS
    monkeypatch.setattr(
        MetricProvider,
        "get_evaluation_dependencies",
        classmethod(originals["MetricProvider.get_evaluation_dependencies"]),
    )
    monkeypatch.setattr(
        ExecutionEngine,
        "_process_direct_and_bundled_metric_computation_configurations",
        originals["ExecutionEngine._process_direct_and_bundled_metric_computation_configurations"],
    )
    gx_outcomes, gx_statements = _run_counting_queries(checkpoint)

    assert outcomes == gx_outcomes
    assert len(outcomes) == 12
    assert not any(o[4] for o in outcomes.values())  # every expectation was evaluated
    by_count = sorted(
        ((o[1] if o[1] is not None else o[3], o[0], o[2]) for o in outcomes.values()),
        key=lambda o: (o[0], repr(o)),
    )
    # The four with unexpected rows still carry GX's sample of them.
    assert by_count == [
        (0, True, None),  # unexpected rows
        (0, True, []),
        (0, True, []),
        (0, True, []),
        (0, True, []),
        (0, True, []),
        (10, False, [990, 991, 992, 993, 994]),
        (142, False, None),  # unexpected rows: counted, not sampled in BASIC
        (333, True, ["kg2"] * 5),  # mostly
        (1000, False, [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)]),  # column pair
        (1000, False, [0, 1, 2, 3, 4]),
        (1000, False, [{"port": p, "unit": f"kg{p % 3}"} for p in range(5)]),  # compound columns
    ]

    def listings(queries: list[str]) -> list[str]:
        """The queries for unexpected values (a column's, a pair's, compound columns') or rows."""
        return [
            q
            for q in queries
            if "UnexpectedCountSubquery" not in q
            and (
                "unexpected_values" in q
                or "group_counts_subquery" in q
                or q.startswith("select * from (SELECT")
            )
        ]

    # GX lists unexpected values or rows for all twelve; now only for the six that have some.
    # (A count of zero came from a query; ``== 0`` is never true of a count GX did not get.)
    assert len(listings(gx_statements)) == 12
    assert len(listings(statements)) == 6
    assert len(statements) == len(gx_statements) - 6


def test_metric_ids_are_gx_s_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt
    import enum

    import numpy as np
    from great_expectations.core.id_dict import IDDict

    gx_run_overhead.install()
    gx_to_id = gx_run_overhead.ORIGINALS["IDDict.to_id"]
    hashed: list[IDDict] = []
    fast_to_id = IDDict.to_id

    def recording(self: IDDict, *args: Any, **kwargs: Any) -> Any:
        hashed.append(IDDict(self))
        return fast_to_id(self, *args, **kwargs)

    monkeypatch.setattr(IDDict, "to_id", recording)
    _, checkpoint = _samples_suite(tmp_path)
    checkpoint.run()
    monkeypatch.setattr(IDDict, "to_id", fast_to_id)
    assert len(hashed) > 500  # every metric configuration of a real run

    class Unit(enum.Enum):
        KG = "kg"

    hashed += [
        IDDict({"column": "kg", "min_value": 0.5, "max_value": None, "strict_min": False}),
        IDDict({"column": "kg", "min_value": float("nan"), "max_value": 3}),  # NaN is hashed as None
        IDDict({"value_set": ("kg", "g"), "parse_strings_as_datetimes": True, "n": 10**20}),
        IDDict({"value_set": {"b", "a"}, "column": "unit"}),  # a set
        IDDict({"min_value": dt.date(2026, 1, 1), "column": "day"}),
        IDDict({"min_value": np.int64(3), "max_value": np.float64(0.1), "column": "kg"}),
        IDDict({"unit": Unit.KG, "column": "unit"}),
        IDDict({"nested": {"a": [1, {"b": None}], "c": (1.5, "x")}, "column": "kg"}),
        IDDict({1: "numeric key", "column": "kg"}),
        IDDict({"column": "kg"}),
        IDDict({}),
    ]
    for kwargs in hashed:
        assert kwargs.to_id() == gx_to_id(kwargs), kwargs
        assert kwargs.to_id(id_ignore_keys={"column"}) == gx_to_id(kwargs, id_ignore_keys={"column"}), kwargs


def _sets_suite(tmp_path: Path) -> gx.Checkpoint:
    """In-set expectations of every shape cut 6 tells apart: 16 or more strings on a VARCHAR
    column (with and without unexpected values and NULLs, with ``mostly``), fewer strings,
    a set holding a NULL, numbers on a number column and strings on a DATE column."""
    context, source = _context_over(
        tmp_path,
        "create table seizures as select i as seizure_id, "
        "case when i % 10 = 9 then null else 'C' || lpad(cast(i % 40 as varchar), 2, '0') end as country, "
        "date '2026-01-01' + cast(i % 20 as integer) as seized_on "
        "from range(1000) t(i)",
    )
    codes = [f"C{n:02d}" for n in range(40)]
    expectations = gx.expectations
    suite = gx.ExpectationSuite(
        name="seizure_sets",
        expectations=[
            expectations.ExpectColumnValuesToBeInSet(column="country", value_set=codes),
            expectations.ExpectColumnValuesToBeInSet(column="country", value_set=codes[:20]),
            expectations.ExpectColumnValuesToBeInSet(column="country", value_set=codes[:30], mostly=0.7),
            expectations.ExpectColumnValuesToBeInSet(column="country", value_set=codes[:5]),
            expectations.ExpectColumnValuesToBeInSet(column="country", value_set=[*codes[:20], None]),
            expectations.ExpectColumnValuesToBeInSet(column="seizure_id", value_set=list(range(500))),
            expectations.ExpectColumnValuesToBeInSet(
                column="seized_on", value_set=[f"2026-01-{d:02d}" for d in range(1, 17)]
            ),
        ],
    )
    validation = add_validation(context, source, suite, table="seizures")
    result_format = {"result_format": "BASIC", "partial_unexpected_count": 5}
    return stage_checkpoint(context, "marts", [validation], result_format)


def test_a_large_string_set_is_tested_with_list_contains_to_gx_s_own_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from great_expectations.expectations.metrics.column_map_metrics.column_values_in_set import (
        ColumnValuesInSet,
    )

    checkpoint = _sets_suite(tmp_path)
    outcomes, statements = _run_counting_queries(checkpoint)
    monkeypatch.setattr(
        ColumnValuesInSet,
        "_sqlalchemy_impl",
        staticmethod(gx_run_overhead.ORIGINALS["ColumnValuesInSet._sqlalchemy_impl"]),
    )
    gx_outcomes, gx_statements = _run_counting_queries(checkpoint)

    assert outcomes == gx_outcomes
    assert not any(o[4] for o in outcomes.values())  # every expectation was evaluated
    assert sorted((o[1], o[0]) for o in outcomes.values()) == [
        (0, True),  # all 40 codes
        (200, False),  # 16 days of 20, on a DATE column
        (225, True),  # 30 codes, mostly 0.7 (225 of 900 non-null values outside)
        (450, False),  # 20 codes
        (450, False),  # 20 codes and a NULL: GX drops the NULL
        (500, False),  # seizure ids: numbers
        (775, False),  # 5 codes
    ]

    def with_list(queries: list[str]) -> list[str]:
        return [q for q in queries if "list_contains" in q]

    assert not with_list(gx_statements)
    # The three sets of 16 or more codes, in the one query that counts (GX bundles the counts
    # of a table), and in the samples of the two with unexpected values. Fewer strings, a set
    # with a NULL, numbers and a DATE column keep GX's IN list.
    counted = [q for q in with_list(statements) if "unexpected_count" in q]
    assert len(counted) == 1
    assert counted[0].count("list_contains") == 3
    assert len(with_list(statements)) == 3


def test_a_query_asset_s_columns_are_read_without_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from great_expectations.expectations.metrics import util as metric_util

    context, source = _context_over(
        tmp_path,
        "create table loads as select i as load_id, i % 3 as rows_read from range(30) t(i)",
    )
    suite = gx.ExpectationSuite(
        name="load_totals",
        expectations=[
            gx.expectations.ExpectColumnValuesToBeBetween(column="total_rows", min_value=10),
            gx.expectations.ExpectColumnToExist(column="rows_read"),
            gx.expectations.ExpectTableColumnsToMatchOrderedList(column_list=["rows_read", "total_rows"]),
        ],
    )
    query = "select rows_read, sum(load_id) as total_rows from loads group by rows_read"
    checkpoint = stage_checkpoint(
        context,
        "staging",
        [add_validation(context, source, suite, query=query)],
        {"result_format": "BASIC", "partial_unexpected_count": 5},
    )
    outcomes, statements = _run_counting_queries(checkpoint)
    monkeypatch.setattr(
        metric_util, "column_reflection_fallback", gx_run_overhead.ORIGINALS["column_reflection_fallback"]
    )
    gx_outcomes, gx_statements = _run_counting_queries(checkpoint)

    assert outcomes == gx_outcomes
    assert sorted(o[0] for o in outcomes.values()) == [True, True, True]
    assert not any(o[4] for o in outcomes.values())

    def reflections(queries: list[str]) -> list[str]:
        """The queries that select the asset's rows as they are (no aggregate, no filter)."""
        return [q for q in queries if q.startswith("SELECT * FROM (") and " AS anon_1" not in q]

    # GX reads every row of the query for its columns; now the same query is asked for none.
    (gx_reflection,) = reflections(gx_statements)
    (reflection,) = reflections(statements)
    assert "LIMIT" not in gx_reflection
    assert reflection.endswith("AS reflected LIMIT $1")
    assert len(statements) == len(gx_statements)
