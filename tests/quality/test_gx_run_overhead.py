"""The two cuts of drugtrade/quality/gx_run_overhead.py change GX's cost, not its answers: the
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


def _two_suites(tmp_path: Path) -> tuple[Any, gx.Checkpoint]:
    database = tmp_path / "build.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "create table figures as select i as figure_id, i * 0.5 as kg from range(100) t(i)"
        )
    context = open_context(tmp_path / "quality", tmp_path / "docs")
    source = duckdb_datasource(context, "build", database)
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
