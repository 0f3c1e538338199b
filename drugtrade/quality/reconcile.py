"""Cross-stage reconciliation: every row read from a source is either in the next stage or in
the quarantine, per unit counted (a source file, a release). GX evaluates it like any other
expectation, on a small frame with one row per unit, so it is stored, gated and rendered in
Data Docs like the rest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from drugtrade.quality.report import ValidationReport
from drugtrade.quality.suites import parse_suite
from drugtrade.quality.validate import validate_loaded_suite


@dataclass(frozen=True)
class RowCounts:
    unit: str  # what was counted, e.g. "cbp_seizures/<file_sha256>"
    raw_rows: int  # rows read from the source in the earlier stage
    staging_rows: int  # rows of the unit that reached the later stage
    quarantined_rows: int  # rows of the unit set aside with a reason


_COUNTS_SCHEMA = pa.schema(
    [
        pa.field("unit", pa.string(), nullable=False),
        pa.field("raw_rows", pa.int64(), nullable=False),
        pa.field("staging_rows", pa.int64(), nullable=False),
        pa.field("quarantined_rows", pa.int64(), nullable=False),
        pa.field("accounted_rows", pa.int64(), nullable=False),
    ]
)


def reconcile(
    run_id: str,
    counts: Iterable[RowCounts],
    *,
    dataset: str,
    from_stage: str = "raw",
    to_stage: str = "staging",
    context_dir: Path | None = None,
) -> ValidationReport:
    """Check raw_rows == staging_rows + quarantined_rows for every unit; critical when not.

    The report's stage is ``<from_stage>_to_<to_stage>`` and its rows_validated the number of
    units; store it with ``ResultStore.append`` and stop the run with ``gate``.
    """
    units = list(counts)
    for unit in units:
        values = (unit.raw_rows, unit.staging_rows, unit.quarantined_rows)
        if any(not isinstance(v, int) or v < 0 for v in values):
            raise ValueError(f"reconcile {dataset}: unit {unit.unit!r}: counts must be non-negative integers, got {values}")
    table = pa.Table.from_pylist(
        [
            {
                "unit": u.unit,
                "raw_rows": u.raw_rows,
                "staging_rows": u.staging_rows,
                "quarantined_rows": u.quarantined_rows,
                "accounted_rows": u.staging_rows + u.quarantined_rows,
            }
            for u in units
        ],
        schema=_COUNTS_SCHEMA,
    )
    stage = f"{from_stage}_to_{to_stage}"
    document = {
        "name": f"{stage}.{dataset}",
        "meta": {"key_columns": ["unit", "raw_rows", "staging_rows", "quarantined_rows"]},
        "expectations": [
            {
                "type": "expect_column_pair_values_to_be_equal",
                "kwargs": {"column_A": "raw_rows", "column_B": "accounted_rows"},
                "meta": {
                    "severity": "critical",
                    "why": f"every {dataset} row read in {from_stage} is either in {to_stage} or quarantined "
                    "with a reason: nothing is dropped silently",
                },
            },
            {
                "type": "expect_column_values_to_be_unique",
                "kwargs": {"column": "unit"},
                "meta": {"severity": "critical", "why": "a unit counted twice would hide a mismatch"},
            },
        ],
    }
    suite = parse_suite(document, stage=stage, dataset=dataset, origin=Path(f"<reconciliation {stage}.{dataset}>"))
    return validate_loaded_suite(
        suite,
        [table],
        run_id=run_id,
        resolved={},
        context_root=None if context_dir is None else Path(context_dir) / stage / dataset,
    )


@dataclass(frozen=True)
class ReleaseSize:
    unit: str  # the source and its newest release, e.g. "cbp-nationwide/<file_sha256>"
    rows_read: int  # rows read from the newest release
    previous_rows_read: int  # rows read from the release before it
    min_ratio: float  # the share of the previous release's rows a new release must reach


_RELEASES_SCHEMA = pa.schema(
    [
        pa.field("unit", pa.string(), nullable=False),
        pa.field("rows_read", pa.int64(), nullable=False),
        pa.field("previous_rows_read", pa.int64(), nullable=False),
        pa.field("min_rows", pa.int64(), nullable=False),
    ]
)


def check_release_sizes(run_id: str, releases: Iterable[ReleaseSize], *,
                        context_dir: Path | None = None) -> ValidationReport:
    """Critical: the newest release of each source reads at least ``min_ratio`` of the rows of
    the release before it. Stage ``raw``, dataset ``releases``."""
    table = pa.Table.from_pylist(
        [
            {
                "unit": r.unit,
                "rows_read": r.rows_read,
                "previous_rows_read": r.previous_rows_read,
                "min_rows": math.ceil(r.previous_rows_read * r.min_ratio),
            }
            for r in releases
        ],
        schema=_RELEASES_SCHEMA,
    )
    document = {
        "name": "raw.releases",
        "meta": {"key_columns": ["unit", "rows_read", "previous_rows_read", "min_rows"]},
        "expectations": [
            {
                "type": "expect_column_pair_values_a_to_be_greater_than_b",
                "kwargs": {"column_A": "rows_read", "column_B": "min_rows", "or_equal": True},
                "meta": {
                    "severity": "critical",
                    "why": "a new release with far fewer rows than the one before it (by default less than "
                    "half) is most likely truncated or has changed its layout: the run stops before "
                    "staging; a source whose releases legitimately shrink sets min_release_ratio in "
                    "the registry",
                },
            },
        ],
    }
    suite = parse_suite(document, stage="raw", dataset="releases", origin=Path("<release sizes>"))
    return validate_loaded_suite(
        suite,
        [table],
        run_id=run_id,
        resolved={},
        context_root=None if context_dir is None else Path(context_dir) / "raw" / "releases",
    )
