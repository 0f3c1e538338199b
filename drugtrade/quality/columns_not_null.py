"""``expect_columns_to_not_be_null``: none of the listed columns of a relation holds a null, in
one expectation and one query per relation.

GX's own ``expect_column_values_to_not_be_null`` states one column per expectation and, in the
BASIC result format that dq_results needs, runs a second query per column for a sample of the
unexpected values (for a null, a list of nulls). For the 91 required columns of the lake's nine
datasets that is GX bookkeeping and queries of a few milliseconds each on every run. This GX
custom Expectation counts the nulls of every listed column in one DuckDB aggregate (the metric
``table.column_null_counts``) and names each column that has any, with its count: the rule is
still one per column (drugtrade.quality.ownership reads it so), only its evaluation is shared.

Importing this module registers the metric and the expectation with GX: the suite loader
imports it before a suite is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa
from great_expectations.compatibility import pydantic
from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.table_metric_provider import TableMetricProvider

from drugtrade.quality.expectation_rendering import TemplatedBatchExpectation, custom_library_metadata

if TYPE_CHECKING:
    from great_expectations.execution_engine.execution_engine import ExecutionEngine

EXPECTATION_TYPE = "expect_columns_to_not_be_null"
METRIC = "table.column_null_counts"


class TableColumnNullCounts(TableMetricProvider):
    """Rows, rows with a null in any of ``column_list``, and the nulls of each of those columns:
    one aggregate over the batch."""

    metric_name = METRIC
    value_keys = ("column_list",)

    @metric_value(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(
        cls,
        execution_engine: SqlAlchemyExecutionEngine,
        metric_domain_kwargs: dict[str, Any],
        metric_value_kwargs: dict[str, Any],
        metrics: dict[str, Any],
        runtime_configuration: dict[str, Any],
    ) -> dict[str, Any]:
        selectable, _, _ = execution_engine.get_compute_domain(
            metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE
        )
        columns = list(metric_value_kwargs["column_list"])
        is_null = [sa.column(name).is_(None) for name in columns]
        query = sa.select(
            sa.func.count().label("rows"),
            sa.func.count().filter(sa.or_(*is_null)).label("rows_with_a_null"),
            *(sa.func.count().filter(condition).label(f"nulls_{i}") for i, condition in enumerate(is_null)),
        ).select_from(selectable)
        # An aggregate without group by returns exactly one row.
        row = execution_engine.execute_query(query).fetchone()
        assert row is not None
        return {
            "rows": int(row[0]),
            "rows_with_a_null": int(row[1]),
            "nulls": {name: int(count) for name, count in zip(columns, row[2:], strict=True)},
        }


class ExpectColumnsToNotBeNull(TemplatedBatchExpectation):
    """Expect no null in any column of ``column_list``."""

    column_list: list[str] = pydantic.Field(description="The columns that must hold no null.")

    library_metadata: ClassVar[dict[str, Any]] = custom_library_metadata("missingness")

    metric_dependencies = (METRIC,)
    success_keys = ("column_list",)
    args_keys = ("column_list",)

    @classmethod
    def _template(cls, kwargs: dict[str, Any]) -> tuple[str, dict[str, str]]:
        """The columns."""
        columns = list(kwargs.get("column_list") or [])
        params = {f"column_{position}": column for position, column in enumerate(columns)}
        template = (
            "Values must never be null in: " + ", ".join(f"${name}" for name in params)
            if params
            else "Must name columns."
        )
        return template, params

    def _validate(
        self,
        metrics: dict[str, Any],
        runtime_configuration: dict[str, Any] | None = None,
        execution_engine: ExecutionEngine[Any] | None = None,
    ) -> dict[str, Any]:
        counts = metrics[METRIC]
        mismatched = {
            column: f"{nulls} null{'s' if nulls != 1 else ''}"
            for column, nulls in counts["nulls"].items()
            if nulls
        }
        return {
            "success": not mismatched,
            "result": {
                "observed_value": counts["nulls"],
                "element_count": counts["rows"],
                "unexpected_count": counts["rows_with_a_null"],
                "details": {"mismatched": mismatched},
            },
        }
