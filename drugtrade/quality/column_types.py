"""``expect_table_columns_to_have_types``: every column of a relation has its declared type, in
one expectation per relation.

GX's own ``expect_column_values_to_be_of_type`` states one column per expectation. On the SQL
engine it reads nothing but the ``table.column_types`` metric, which GX computes once per
relation; what costs is GX's bookkeeping of each expectation (its validation graph, its result),
a few milliseconds each, for the 127 columns of the lake's nine datasets on every run. This
expectation is a GX custom Expectation (a ``BatchExpectation`` on the same metric, compared with
GX's own ``compare_column_type``), so the lake's contract keeps one type per column and GX
computes and renders it; a mismatch names each column, its declared and its found type.

Importing this module registers the expectation with GX (as GX registers its own): the suite
loader imports it before a suite is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from great_expectations.compatibility import pydantic
from great_expectations.expectations.type_comparison import compare_column_type

from drugtrade.quality.expectation_rendering import TemplatedBatchExpectation, custom_library_metadata

if TYPE_CHECKING:
    from great_expectations.execution_engine.execution_engine import ExecutionEngine

EXPECTATION_TYPE = "expect_table_columns_to_have_types"


class ExpectTableColumnsToHaveTypes(TemplatedBatchExpectation):
    """Expect each column named in ``column_types`` to exist with that type (a DuckDB type name
    as GX's ``expect_column_values_to_be_of_type`` takes it: VARCHAR, BIGINT, TIMESTAMP, ARRAY)."""

    column_types: dict[str, str] = pydantic.Field(description="The type of each column, by name.")

    library_metadata: ClassVar[dict[str, Any]] = custom_library_metadata("schema")

    metric_dependencies = ("table.column_types",)
    success_keys = ("column_types",)
    args_keys = ("column_types",)

    @classmethod
    def _template(cls, kwargs: dict[str, Any]) -> tuple[str, dict[str, str]]:
        """Each column with its type."""
        params: dict[str, str] = {}
        parts = []
        for position, (column, type_) in enumerate(dict(kwargs.get("column_types") or {}).items()):
            params[f"column_{position}"], params[f"type_{position}"] = column, type_
            parts.append(f"$column_{position} $type_{position}")
        template = (
            "Columns must have these types: " + ", ".join(parts) if parts else "Must name column types."
        )
        return template, params

    def _validate(
        self,
        metrics: dict[str, Any],
        runtime_configuration: dict[str, Any] | None = None,
        execution_engine: ExecutionEngine[Any] | None = None,
    ) -> dict[str, Any]:
        from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine

        if not isinstance(execution_engine, SqlAlchemyExecutionEngine):
            raise TypeError(f"{EXPECTATION_TYPE} is implemented for GX's SQL engine only")
        found = {column["name"]: column["type"] for column in metrics["table.column_types"]}
        observed: dict[str, str | None] = {}
        mismatched: dict[str, str] = {}
        for column, expected in self.column_types.items():
            if column not in found:
                observed[column] = None
                mismatched[column] = f"missing, expected {expected}"
                continue
            success, found_type = compare_column_type(execution_engine, found[column], expected)
            observed[column] = str(found_type)
            if not success:
                mismatched[column] = f"{found_type}, expected {expected}"
        return {
            "success": not mismatched,
            "result": {"observed_value": observed, "details": {"mismatched": mismatched}},
        }
