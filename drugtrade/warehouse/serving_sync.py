"""Bringing tables of the serving copy up to date row by row, for a publish whose build changed
a few rows of large tables (a day's articles in ``fct_statements``): writing such a table again
copies every row and checks every key for the sake of a few hundred.

The rows of the build and of the copy are matched on the table's primary key and compared by
row hash (the hash the fingerprints sum). Rows gone or changed are deleted from the copy, rows
changed or new are inserted from the build. Deleting a row that other rows reference (through
the serving file's foreign keys) deletes those rows too, and inserts them again from the build
when it still has them: DuckDB refuses to delete a referenced row, and refuses an UPDATE of an
indexed column for the same reason (to DuckDB it is a delete and an insert). Deletions go from
the referencing tables to the referenced, insertions the other way, so the keys hold after
every statement; the copy is written statement by statement, and readers see it only once it
is swapped in whole.

A table is synced only when its definition (DDL with keys, comments) is the one of the last
publish and it has a primary key; the publish then checks that each synced table's
fingerprint is the build's, and writes the file again without syncing when one is not
(SyncFailed)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import duckdb

from drugtrade.warehouse.serving_relations import PublishError, Relation, in_dependency_order
from drugtrade.warehouse.sql_quoting import quote_identifier

# What a row deleted from a keyed table costs beside a row inserted: about four times as much
# (DuckDB updates each index and checks the keys pointing at the row; measured on the
# benchmark's fct_statements: 84 us against 21 us a row). Writing the table again costs about
# one insert a row, so a sync pays while its deletions and insertions cost less than that.
DELETE_COST = 4
# Below this many row-costs (some 20 ms) a sync is taken whatever the table's size.
ALWAYS_SYNC_COST = 1_000


class SyncFailed(PublishError):
    """A synced table did not come out as the build has it, or DuckDB refused a statement."""


@dataclass(frozen=True, kw_only=True)
class SyncPlan:
    """The rows of ``relation`` to delete from the copy (keys in the temporary table
    ``remove``) and to insert from the build (``add``)."""

    relation: Relation
    columns: list[str]
    remove: str
    add: str
    removed: int
    added: int
    build_rows: int

    @property
    def worth_syncing(self) -> bool:
        return DELETE_COST * self.removed + self.added <= max(self.build_rows, ALWAYS_SYNC_COST)


@dataclass(frozen=True, kw_only=True)
class SyncPlans:
    """The tables to sync, in dependency order, or the tables that must be written whole
    instead (``rewrite``: a keyless table whose rows a deletion reaches, a table with too many
    rows to change): the planner is then asked again without them."""

    plans: list[SyncPlan]
    rewrite: set[str]


def _build_table(relation: Relation) -> str:
    return f"build.{quote_identifier(relation.build_schema)}.{quote_identifier(relation.build_name)}"


def _keys(relation: Relation, alias: str = "") -> str:
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + quote_identifier(k) for k in relation.primary_key)


def _key_match(left: str, right: str, relation: Relation) -> str:
    return " and ".join(
        f"{left}.{quote_identifier(k)} = {right}.{quote_identifier(k)}" for k in relation.primary_key
    )


def _temp(kind: str, relation: Relation) -> str:
    return "temp.main." + quote_identifier(f"_sync_{kind}_{relation.name}")


def _count(connection: duckdb.DuckDBPyConnection, table: str) -> int:
    row = connection.execute(f"select count(*) from {table}").fetchone()
    assert row is not None  # an aggregate without group by returns one row
    return int(row[0])


def plan(
    connection: duckdb.DuckDBPyConnection,
    relations: list[Relation],
    table_columns: Mapping[str, list[str]],
    changed: Collection[str],
    keep_out: Collection[str],
) -> SyncPlans:
    """Plan the sync of the ``changed`` tables of the serving copy (the connection's current
    catalog), with the rows their deletions reach in the tables that reference them; tables in
    ``keep_out`` (written whole) are left to that. ``table_columns``: every table's columns."""
    tables = in_dependency_order([r for r in relations if not r.is_view])
    by_name = {r.name: r for r in tables}
    referencing: dict[str, list[tuple[Relation, str, str]]] = {}
    for relation in tables:
        for column, target, target_column in relation.foreign_keys:
            if target != relation.name:
                referencing.setdefault(target, []).append((relation, column, target_column))
    columns: dict[str, list[str]] = {}
    for name in changed:
        relation = by_name[name]
        columns[name] = table_columns[name]
        keys, listed = _keys(relation), ", ".join(quote_identifier(c) for c in columns[name])
        # Keys whose rows differ: in the copy only (gone), in both (changed), in the build only (new).
        connection.execute(
            f"create or replace temp table {quote_identifier(f'_sync_diff_{name}')} as "
            f"select {keys}, s.row_hash is not null as in_serving "
            f"from (select {keys}, hash({listed}) as row_hash from {relation.qualified}) s "
            f"full outer join (select {keys}, hash({listed}) as row_hash from {_build_table(relation)}) b "
            f"using ({keys}) where s.row_hash is distinct from b.row_hash"
        )
        connection.execute(
            f"create or replace temp table {quote_identifier(f'_sync_remove_{name}')} as "
            f"select {keys} from {_temp('diff', relation)} where in_serving"
        )
    rewrite: set[str] = set()
    for relation in tables:  # referenced tables first: their deletions are complete here
        if relation.name not in columns:
            continue
        for source, column, target_column in referencing.get(relation.name, []):
            if source.name in keep_out:
                continue  # dropped and written whole: nothing of it to keep
            pointing = (
                f"f.{quote_identifier(column)} in (select r.{quote_identifier(target_column)} "
                f"from {relation.qualified} r semi join {_temp('remove', relation)} x "
                f"on {_key_match('r', 'x', relation)})"
            )
            if not source.primary_key:
                reaches = connection.execute(
                    f"select exists (select 1 from {source.qualified} f where {pointing})"
                ).fetchone()
                if reaches == (True,):
                    rewrite.add(source.name)  # no key to delete and insert its rows by
                continue
            reached = f"select {_keys(source, 'f')} from {source.qualified} f where {pointing}"
            if source.name not in columns:
                columns[source.name] = table_columns[source.name]
                connection.execute(
                    f"create or replace temp table {quote_identifier(f'_sync_remove_{source.name}')} as {reached}"
                )
            else:
                connection.execute(f"insert into {_temp('remove', source)} {reached}")
    plans: list[SyncPlan] = []
    for relation in tables:
        if relation.name not in columns:
            continue
        keys = _keys(relation)
        new = (
            f" union all select {keys} from {_temp('diff', relation)} where not in_serving"
            if relation.name in changed
            else ""
        )
        # What was deleted and the build still has, and what the build has new.
        connection.execute(
            f"create or replace temp table {quote_identifier(f'_sync_add_{relation.name}')} as "
            f"select distinct {_keys(relation, 'x')} from (select {keys} from {_temp('remove', relation)}{new}) x "
            f"semi join {_build_table(relation)} b on {_key_match('x', 'b', relation)}"
        )
        sync_plan = SyncPlan(
            relation=relation,
            columns=columns[relation.name],
            remove=_temp("remove", relation),
            add=_temp("add", relation),
            removed=_count(connection, _temp("remove", relation)),
            added=_count(connection, _temp("add", relation)),
            build_rows=_count(connection, _build_table(relation)),
        )
        if sync_plan.removed == 0 and sync_plan.added == 0 and relation.name not in changed:
            discard(connection, sync_plan)
            continue
        if not sync_plan.worth_syncing:
            rewrite.add(relation.name)
        plans.append(sync_plan)
    for name in changed:
        connection.execute(f"drop table if exists {_temp('diff', by_name[name])}")
    if rewrite:
        for sync_plan in plans:
            discard(connection, sync_plan)
        return SyncPlans(plans=[], rewrite=rewrite)
    return SyncPlans(plans=plans, rewrite=set())


def apply(connection: duckdb.DuckDBPyConnection, plans: list[SyncPlan]) -> None:
    """Delete (referencing tables first), then insert (referenced tables first)."""
    for sync_plan in reversed(plans):
        if sync_plan.removed:
            relation = sync_plan.relation
            _execute(
                connection,
                relation,
                f"delete from {relation.qualified} using {sync_plan.remove} x "
                f"where {_key_match(relation.qualified, 'x', relation)}",
            )
    for sync_plan in plans:
        if sync_plan.added:
            relation = sync_plan.relation
            listed = ", ".join(quote_identifier(c) for c in sync_plan.columns)
            selected = ", ".join(f"b.{quote_identifier(c)}" for c in sync_plan.columns)
            _execute(
                connection,
                relation,
                f"insert into {relation.qualified} ({listed}) select {selected} from {_build_table(relation)} b "
                f"semi join {sync_plan.add} x on {_key_match('b', 'x', relation)}",
            )
    for sync_plan in plans:
        discard(connection, sync_plan)


def discard(connection: duckdb.DuckDBPyConnection, sync_plan: SyncPlan) -> None:
    connection.execute(f"drop table if exists {sync_plan.remove}")
    connection.execute(f"drop table if exists {sync_plan.add}")


def _execute(connection: duckdb.DuckDBPyConnection, relation: Relation, statement: str) -> None:
    try:
        connection.execute(statement)
    except duckdb.Error as error:
        raise SyncFailed(f"{relation.qualified}: {type(error).__name__}: {error}") from error
