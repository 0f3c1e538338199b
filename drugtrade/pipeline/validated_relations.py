"""Which built relations GX has already validated as they are now, so that a daily run checks
what changed (the article side) and leaves alone what did not (the million-row seizure facts
on a day without a new statistical release).

A relation is identified by its content (row count and an order-independent sum of row
hashes, computed by DuckDB over the table in the build file) together with its suite file and
the seeds its value sets come from: a changed rule or seed validates it again. A relation is
recorded only once its suite passed the gate, so one that failed is checked again next run.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import cast

import duckdb

from drugtrade import lake
from drugtrade.config import Settings


def _ledger(settings: Settings) -> Path:
    # Beside the build file: a cleaned build folder forgets what was validated in it.
    return settings.build_db.parent / "validated_relations.json"


def _rules_digest(settings: Settings, stage: str, model: str) -> str:
    digest = hashlib.sha256()
    files = [
        settings.expectations_dir / stage / f"{model}.json",
        *sorted(settings.dbt_project_dir.glob("seeds/*.csv")),
    ]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def fingerprints(settings: Settings, schema: str, models: tuple[str, ...]) -> dict[str, str]:
    """The fingerprint of each table ``schema.model`` of the build file (views are not
    fingerprinted: reading one costs what validating it does)."""
    result = {}
    with duckdb.connect(str(settings.build_db), read_only=True) as connection:
        tables = {
            name
            for (name,) in connection.execute(
                "select table_name from duckdb_tables() where schema_name = $s", {"s": schema}
            ).fetchall()
        }
        for model in models:
            if model not in tables:
                continue
            columns = [
                '"' + name.replace('"', '""') + '"'
                for (name,) in connection.execute(
                    "select column_name from duckdb_columns() where schema_name = $s and table_name = $t "
                    "order by column_index",
                    {"s": schema, "t": model},
                ).fetchall()
            ]
            # An aggregate without group by returns exactly one row.
            rows, row_hashes = cast(
                "tuple[int, int | None]",
                connection.execute(
                    f'select count(*), sum(hash({", ".join(columns)})) from "{schema}"."{model}"'
                ).fetchone(),
            )
            result[model] = json.dumps(
                [columns, rows, str(row_hashes), _rules_digest(settings, schema, model)]
            )
    return result


def already_validated(settings: Settings, schema: str, current: dict[str, str]) -> list[str]:
    """The models whose content and rules are those of their last passing validation."""
    ledger = _ledger(settings)
    seen = json.loads(ledger.read_text()) if ledger.is_file() else {}
    return sorted(m for m, fingerprint in current.items() if seen.get(f"{schema}.{m}") == fingerprint)


def mark_validated(settings: Settings, schema: str, passed: dict[str, str]) -> None:
    ledger = _ledger(settings)
    seen = json.loads(ledger.read_text()) if ledger.is_file() else {}
    seen.update({f"{schema}.{m}": fingerprint for m, fingerprint in passed.items()})
    lake.atomic_write_bytes(ledger, json.dumps(seen, indent=1, sort_keys=True).encode())
