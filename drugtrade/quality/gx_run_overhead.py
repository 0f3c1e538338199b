"""Seven cuts in GX 1.24's overhead, installed once per process by ``install()``
(drugtrade.quality.context does, before a context is made). None changes what GX computes,
checks or renders; each is tested in tests/quality/test_gx_run_overhead.py.

1. An expectation's kwargs read once per call. ``Expectation.configuration`` is a property
   that rebuilds the whole configuration through pydantic's ``dict()`` on every access, and
   ``_get_domain_kwargs``, ``_get_success_kwargs`` and ``_get_runtime_kwargs`` read it once per
   key they look up: about 70 rebuilds per expectation per validation, a quarter of a gate's
   CPU time in a cProfile of the daily raw gate (74 expectations: 5,412 rebuilds, 1.4 s of
   5.8 s). The three methods here read the configuration once and look every key up in it,
   with GX's own defaults and its log line for an unknown key.

2. Each validation definition's freshness checked once per checkpoint run. A checkpoint run
   checks that every validation definition and its suite are those of the stores (a fresh
   read and deserialisation of each from its store, then a comparison) at the start of the
   run, then again as each definition runs and three more times as the checkpoint serialises
   its definitions and the store's copies of them: 25 full checks for a gate of 5 suites,
   0.8 s of that same profile. Within one ``Checkpoint.run`` the first successful check of a
   definition (the checkpoint's own, at the start of the run) now stands for the rest of that
   run, for the definition and for the store's copies of it (same name, same store id); a
   definition that is not fresh is checked again every time, so it still fails the run as
   before, and every run starts with full checks.

3. Data Docs templates compiled once per machine. GX's Jinja views each make their own Jinja
   environment, so every page rendered compiles its templates again (51 compiles, about a
   third of a daily Data Docs build). Each view's environment now shares Jinja's own
   file-system bytecode cache (in the user's temporary folder, as Jinja places it): a template
   is compiled when its source is new to the cache, and its compiled code is loaded after.

4. No query for the unexpected rows when their count is zero. Beside an expectation's count
   of unexpected values (``column_values.unique.unexpected_count``, computed with the other
   counts of the table in one bundled query) GX asks for a sample of those values
   (``...unexpected_values``) and, for an ``unexpected_rows_expectation``, runs the query for
   the rows (``unexpected_rows_query.table``) beside the one that counts them. Each is a query
   of its own, and when nothing is unexpected it reads the whole relation to find nothing: on
   the benchmark, 0.20 s for the sample of duplicated ``observation_id`` (2,000,000 raw rows)
   and 0.23 s for the ``country_iso3`` values outside the country set (1,000,000 seizure
   facts), both empty. Each such metric now depends on its count (a dependency GX resolves
   first, in the same graph); a count of zero makes it the empty list it would have been,
   without a query, and any other count (or none) runs GX's own query as before.

5. Metric ids hashed from plain values without GX's conversion. Every metric configuration GX
   builds (about 2,900 in the daily raw gate) hashes its domain and value kwargs:
   ``convert_to_json_serializable`` on each value, then ``json.dumps`` and md5. The conversion
   tries some twenty type checks on every value before ``None`` (most of them), three of them
   numpy's ``issubdtype``: 13% of that gate in a cProfile. Kwargs made only of the JSON types
   themselves (str, int, bool, None, a float that is not NaN, lists, tuples and str-keyed dicts
   of them) are what the conversion returns unchanged, so they are hashed directly, to the
   same id; anything else (a date, a NaN, a numpy number, a model) takes GX's path.

6. A large value set tested with ``list_contains`` on DuckDB. GX writes
   ``expect_column_values_to_be_in_set`` as ``column IN ($1, ..., $n)`` inside the
   ``sum(CASE WHEN ...)`` that counts unexpected values. DuckDB turns a long IN list into a
   hash lookup only in a WHERE clause; inside CASE it compares each value with every member:
   0.72 s for 300 country codes over 2,000,000 raw observations, against 0.017 s for
   ``list_contains(list_value($1, ..., $n), column)`` (4 codes: 0.027 s against 0.011 s). For a
   VARCHAR column (as GX itself reflected the relation) and a set of 16 or more strings with
   no NULL, the two are the same test: true for a member, false for any other string, NULL
   for a NULL (which GX counts apart anyway). Any other set, column type or database gets
   GX's IN list.

7. A query asset's columns read without its rows on DuckDB. GX cannot reflect the columns of
   a custom query (an asset made with ``add_query_asset``), so it runs the query and reads the
   names off the result: the whole query, for a list of names. For the staging
   reconciliation (a distinct count over every staged observation) that is 0.24 s of the
   0.25 s the query costs, on the benchmark. The same query with ``LIMIT 0`` gives DuckDB's
   result the same columns in 0.003 s; GX gets the same names, without types, as before.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any, cast

_installed = False
# Per Checkpoint.run: (name, store id) of a validation definition -> its successful freshness
# diagnostics. By store id, not by object: comparing the checkpoint with the one its store holds
# serialises the store's copies of the definitions, which GX checks again too.
_fresh_in_run: contextvars.ContextVar[dict[tuple[str, str], Any] | None] = contextvars.ContextVar(
    "drugtrade_gx_fresh_in_run", default=None
)
# GX's own implementations, kept for the tests that compare them with these.
ORIGINALS: dict[str, Callable[..., Any]] = {}
# The smallest value set tested with list_contains: below it GX's IN list costs DuckDB a few
# hundredths of a second at most over the benchmark's 2,000,000 raw rows (0.051 s for 16 codes).
IN_SET_LIST_MIN = 16
# The name under which a row-level metric receives its count (a key GX's metrics do not use).
COUNT_DEPENDENCY = "drugtrade_unexpected_count"
# Row-level metric suffix -> the suffix of the metric that counts the same rows.
_COUNTED_BY = {
    ".unexpected_values": ".unexpected_count",
    "unexpected_rows_query.table": "unexpected_rows_query.row_count",
}
_expectation_log = logging.getLogger("great_expectations.expectations.expectation")
_log = logging.getLogger(__name__)


def _kwarg(expectation: Any, kwargs: dict[str, Any], key: str, default: Any = None) -> Any:
    """GX's ``_get_success_kwarg`` on kwargs already read."""
    if key in kwargs:
        return kwargs[key]
    field = expectation.__fields__.get(key)
    if field is not None:
        return field.default if not field.required else default
    _expectation_log.warning(
        f'_get_success_kwarg called with key "{key}", but it is not a known field of {type(expectation).__name__}'
    )
    return default


def _domain(expectation: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    return {key: kwargs.get(key, expectation._get_default_value(key)) for key in expectation.domain_keys}


def _get_domain_kwargs(self: Any) -> dict[str, Any]:
    return _domain(self, self.configuration.kwargs)


def _success(expectation: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    success = {key: kwargs.get(key, expectation._get_default_value(key)) for key in expectation.success_keys}
    success.update(_domain(expectation, kwargs))
    return success


def _get_success_kwargs(self: Any) -> dict[str, Any]:
    return _success(self, self.configuration.kwargs)


def _get_runtime_kwargs(self: Any, runtime_configuration: dict[str, Any] | None = None) -> dict[str, Any]:
    from great_expectations.expectations.expectation_configuration import parse_result_format

    runtime_configuration = runtime_configuration or {}
    kwargs = self.configuration.kwargs
    runtime = {key: runtime_configuration.get(key, _kwarg(self, kwargs, key)) for key in self.runtime_keys}
    runtime.update(_success(self, kwargs))
    runtime["result_format"] = parse_result_format(runtime["result_format"])
    return runtime


def _validation_definition_is_fresh(self: Any) -> Any:
    memo = _fresh_in_run.get()
    key = (self.name, self.id)
    if memo is not None and key in memo:
        return memo[key]
    diagnostics = ORIGINALS["ValidationDefinition.is_fresh"](self)
    if memo is not None and self.id and diagnostics.success:
        memo[key] = diagnostics
    return diagnostics


def _checkpoint_run(self: Any, *args: Any, **kwargs: Any) -> Any:
    token = _fresh_in_run.set({})
    try:
        return ORIGINALS["Checkpoint.run"](self, *args, **kwargs)
    finally:
        _fresh_in_run.reset(token)


def _count_of(metric: Any, execution_engine: Any) -> Any:
    """The configuration of the metric that counts the rows ``metric`` lists, or None."""
    name = metric.metric_name
    for suffix, count_suffix in _COUNTED_BY.items():
        if name.endswith(suffix):
            count_name = name[: len(name) - len(suffix)] + count_suffix
            break
    else:
        return None  # most metrics: asked before anything is imported
    from great_expectations.exceptions.exceptions import MetricProviderError
    from great_expectations.execution_engine.sqlalchemy_execution_engine import SqlAlchemyExecutionEngine
    from great_expectations.expectations.registry import get_metric_provider
    from great_expectations.validator.metric_configuration import MetricConfiguration

    if not isinstance(execution_engine, SqlAlchemyExecutionEngine):
        return None
    try:
        get_metric_provider(count_name, execution_engine)
    except MetricProviderError:
        return None
    # The count's value kwargs are the listing's but for how to list (GX's result_format): the
    # configuration GX itself builds for the expectation's count, so the count is computed once.
    value_kwargs = {k: v for k, v in metric.metric_value_kwargs.items() if k != "result_format"}
    return MetricConfiguration(count_name, dict(metric.metric_domain_kwargs), value_kwargs)


def _get_evaluation_dependencies(
    cls: Any,
    metric: Any,
    configuration: Any = None,
    execution_engine: Any = None,
    runtime_configuration: Any = None,
) -> dict[str, Any]:
    dependencies: dict[str, Any] = ORIGINALS["MetricProvider.get_evaluation_dependencies"](
        cls, metric, configuration, execution_engine, runtime_configuration
    )
    count = _count_of(metric, execution_engine)
    if count is None or count.id == metric.id:
        return dependencies
    return {**dependencies, COUNT_DEPENDENCY: count}


def _process_direct_and_bundled(
    self: Any,
    metric_fn_direct_configurations: list[Any],
    metric_fn_bundle_configurations: list[Any],
) -> dict[Any, Any]:
    empty: dict[Any, Any] = {}
    to_compute = []
    for computation in metric_fn_direct_configurations:
        if computation.metric_provider_kwargs["metrics"].get(COUNT_DEPENDENCY) == 0:
            empty[computation.metric_configuration.id] = []
        else:
            to_compute.append(computation)
    resolved: dict[Any, Any] = ORIGINALS[
        "ExecutionEngine._process_direct_and_bundled_metric_computation_configurations"
    ](
        self,
        metric_fn_direct_configurations=to_compute,
        metric_fn_bundle_configurations=metric_fn_bundle_configurations,
    )
    if empty and self._caching:
        self._metric_cache.update(empty)
    return {**empty, **resolved}


def _plain_json(value: Any) -> bool:
    """True when GX's ``convert_to_json_serializable`` would return ``value`` as it is."""
    from great_expectations.core.id_dict import IDDict

    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return True
    if kind is float:
        return bool(value == value)  # GX turns NaN into None
    if kind is dict or kind is IDDict:
        return all(type(key) is str and _plain_json(item) for key, item in value.items())
    if kind is list or kind is tuple:
        return all(_plain_json(item) for item in value)
    return False


def _to_id(self: Any, id_keys: Any = None, id_ignore_keys: Any = None) -> Any:
    keys = set(self.keys() if id_keys is None else id_keys) - set(
        self._id_ignore_keys if id_ignore_keys is None else id_ignore_keys
    )
    if len(keys) > 1:
        values = {key: self[key] for key in keys}
        if _plain_json(values):
            # GX's own digest of its own conversion, which would have changed nothing.
            return hashlib.md5(
                json.dumps(values, sort_keys=True).encode("utf-8"), usedforsecurity=False
            ).hexdigest()
    return ORIGINALS["IDDict.to_id"](self, id_keys, id_ignore_keys)


def _varchar_column(column: Any, metrics: Any) -> bool:
    """True when GX reflected ``column`` of the validated relation as a string type."""
    import sqlalchemy as sa

    reflected = (metrics or {}).get("table.column_types") or []
    kinds = [c.get("type") for c in reflected if isinstance(c, dict) and c.get("name") == column.name]
    return len(kinds) == 1 and isinstance(kinds[0], sa.String)


def _in_set_condition(column: Any, value_set: Any, **kwargs: Any) -> Any:
    engine = kwargs.get("_sqlalchemy_engine")
    if (
        engine is not None
        and engine.dialect.name == "duckdb"
        and value_set is not None
        and len(value_set) >= IN_SET_LIST_MIN
        and all(type(value) is str for value in value_set)
        and _varchar_column(column, kwargs.get("_metrics"))
    ):
        import sqlalchemy as sa

        members = sa.func.list_value(*(sa.literal(value, sa.String()) for value in value_set))
        return sa.func.list_contains(members, column, type_=sa.Boolean())
    return ORIGINALS["ColumnValuesInSet._sqlalchemy_impl"](column, value_set, **kwargs)


def _column_reflection_fallback(
    selectable: Any, dialect: Any, sqlalchemy_engine: Any, schema_name: str | None = None
) -> list[dict[str, str]]:
    import sqlalchemy as sa

    if dialect.name.lower() == "duckdb" and isinstance(selectable, sa.TextClause):
        # GX's own query for a custom query, which reads only the result's column names.
        query = sa.select(sa.text("*")).select_from(selectable.columns().subquery("reflected")).limit(0)
        engine = sqlalchemy_engine.engine
        with engine.connect() if isinstance(engine, sa.Engine) else engine as connection:
            names = list(connection.execute(query).keys())
        return [{"name": name} for name in names]
    fallback: list[dict[str, str]] = ORIGINALS["column_reflection_fallback"](
        selectable, dialect, sqlalchemy_engine, schema_name
    )
    return fallback


def _shared_bytecode_cache(original_init: Callable[..., None]) -> Callable[..., None]:
    from jinja2 import FileSystemBytecodeCache
    from jinja2.bccache import Bucket

    class BestEffortCache(FileSystemBytecodeCache):
        """A cache that cannot be written (a full disk) costs a compile, never a page."""

        def dump_bytecode(self, bucket: Bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError as error:
                _log.debug("Jinja bytecode not cached: %s", error)

    try:
        cache: FileSystemBytecodeCache | None = BestEffortCache()
    except (OSError, RuntimeError) as error:  # no private temporary folder for this user
        _log.info("GX's Data Docs templates are compiled on every render: %s", error)
        cache = None

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if cache is not None:
            # Jinja reads the environment's cache each time it loads a template.
            self.env.bytecode_cache = cache

    return __init__


def install() -> None:
    """Install the seven cuts (idempotent)."""
    global _installed
    if _installed:
        return
    from great_expectations.checkpoint.checkpoint import Checkpoint
    from great_expectations.core.id_dict import IDDict
    from great_expectations.core.validation_definition import ValidationDefinition
    from great_expectations.execution_engine.execution_engine import ExecutionEngine
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.metrics import util as metric_util
    from great_expectations.expectations.metrics.column_map_metrics.column_values_in_set import (
        ColumnValuesInSet,
    )
    from great_expectations.expectations.metrics.metric_provider import MetricProvider
    from great_expectations.render.view.view import DefaultJinjaView

    ORIGINALS.update(
        {
            "Expectation._get_domain_kwargs": Expectation._get_domain_kwargs,
            "Expectation._get_success_kwargs": Expectation._get_success_kwargs,
            "Expectation._get_runtime_kwargs": Expectation._get_runtime_kwargs,
            "ValidationDefinition.is_fresh": ValidationDefinition.is_fresh,
            "Checkpoint.run": Checkpoint.run,
            "DefaultJinjaView.__init__": DefaultJinjaView.__init__,
            # The function under GX's classmethod: it is called with the class passed on.
            "MetricProvider.get_evaluation_dependencies": cast(
                "Any", MetricProvider.get_evaluation_dependencies
            ).__func__,
            "ExecutionEngine._process_direct_and_bundled_metric_computation_configurations": (
                ExecutionEngine._process_direct_and_bundled_metric_computation_configurations
            ),
            "IDDict.to_id": IDDict.to_id,
            "ColumnValuesInSet._sqlalchemy_impl": ColumnValuesInSet._sqlalchemy_impl,
            "column_reflection_fallback": metric_util.column_reflection_fallback,
        }
    )
    # Replacing these methods is the point of this module (see its docstring).
    Expectation._get_domain_kwargs = _get_domain_kwargs  # type: ignore[method-assign]
    Expectation._get_success_kwargs = _get_success_kwargs  # type: ignore[method-assign]
    Expectation._get_runtime_kwargs = _get_runtime_kwargs  # type: ignore[method-assign]
    ValidationDefinition.is_fresh = _validation_definition_is_fresh  # type: ignore[method-assign]
    Checkpoint.run = _checkpoint_run  # type: ignore[method-assign]
    DefaultJinjaView.__init__ = _shared_bytecode_cache(DefaultJinjaView.__init__)  # type: ignore[method-assign]
    MetricProvider.get_evaluation_dependencies = classmethod(_get_evaluation_dependencies)  # type: ignore[method-assign,assignment]
    ExecutionEngine._process_direct_and_bundled_metric_computation_configurations = (  # type: ignore[method-assign]
        _process_direct_and_bundled
    )
    IDDict.to_id = _to_id  # type: ignore[method-assign]
    # GX's condition calls cls._sqlalchemy_impl, a staticmethod.
    ColumnValuesInSet._sqlalchemy_impl = staticmethod(_in_set_condition)  # type: ignore[method-assign]
    # Looked up in its module by get_sqlalchemy_column_metadata, its only caller.
    metric_util.column_reflection_fallback = _column_reflection_fallback
    _installed = True
