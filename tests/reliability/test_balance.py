"""Items read = loaded + quarantined + rejected, checked on every ingest from what landed."""

from __future__ import annotations

import json
import os
import shutil

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from drugtrade.balance import BalanceError, ItemBalance, check_landed
from drugtrade.config import load_settings
from drugtrade.pipeline.statistics import ingest_statistics


def test_an_unbalanced_count_fails_naming_the_source():
    with pytest.raises(BalanceError, match="cbp .* 10 records read .* 1 records unaccounted"):
        ItemBalance(what="cbp (x.csv)", unit="records", read=10, loaded=7, quarantined=2).check()
    assert (
        ItemBalance(what="cbp", unit="records", read=10, loaded=7, quarantined=2, rejected=1)
        .check()
        .accounted
        == 10
    )


def test_a_partition_short_of_rows_fails(tmp_path):
    path = tmp_path / "part.parquet"
    pq.write_table(pa.table({"a": [1, 2]}), path)
    check_landed("t", 2, path)
    with pytest.raises(BalanceError, match="3 rows meant .* 2 landed"):
        check_landed("t", 3, path)


def test_real_files_balance_on_ingest(shared_dir, tmp_path):
    """Every real statistical file: the ledger's figures add up and match the lake's files."""
    sources = shared_dir / "sources"
    entries = {
        "cbp-amo": ("cbp/amo-drug-seizures-fy19-fy22.csv", "cbp_air_marine"),
        "unodc-coca": ("unodc/6.1.1_-_Illicit_coca_bush_cultivation.xlsx", "unodc_annex"),
        "unodc-eradication": ("unodc/6.1.2_-_Eradication_of_coca_bush.xlsx", "unodc_annex"),
    }
    registry = tmp_path / "registry.yml"
    registry.write_text(
        "sources:\n"
        + "".join(
            f"  - {{id: {source_id}, type: statistics, kind: file, location: '{sources / name}', family: {family},"
            " publisher: p, dataset: d, url: 'https://example.org', licence: l, citation: c}\n"
            for source_id, (name, family) in entries.items()
        )
    )
    settings = load_settings(
        {
            **os.environ,
            "DRUGTRADE_WAREHOUSE": str(tmp_path / "wh"),
            "DRUGTRADE_REGISTRY": str(registry),
            "DRUGTRADE_LAKE": str(tmp_path / "wh" / "lake"),
        }
    )
    loads = ingest_statistics(settings)
    assert len(loads) == len(entries)
    for load in loads:
        assert load.rows_read == load.rows_loaded + load.rows_quarantined > 0
    shutil.rmtree(tmp_path / "wh")


def test_hostile_file_names_are_data_not_sql(shared_dir, tmp_path):
    """A file name is text from outside: quotes and SQL in it reach the lake as a value."""
    name = "amo'; drop table loads; --\".csv"
    copy = tmp_path / "in" / name
    copy.parent.mkdir()
    shutil.copy(shared_dir / "sources" / "cbp" / "amo-drug-seizures-fy19-fy22.csv", copy)
    registry = tmp_path / "registry.yml"
    registry.write_text(
        "sources:\n  - id: amo\n    type: statistics\n    kind: file\n"
        f"    location: {json.dumps(str(copy))}\n    family: cbp_air_marine\n    publisher: p\n"
        "    dataset: d\n    url: 'https://example.org'\n    licence: l\n    citation: c\n"
    )
    settings = load_settings(
        {
            **os.environ,
            "DRUGTRADE_WAREHOUSE": str(tmp_path / "wh"),
            "DRUGTRADE_REGISTRY": str(registry),
            "DRUGTRADE_LAKE": str(tmp_path / "wh" / "lake"),
        }
    )
    (load,) = ingest_statistics(settings)
    assert load.file_name == name and load.rows_read == load.rows_loaded + load.rows_quarantined > 0
    with duckdb.connect() as connection:
        names = connection.execute(
            "select distinct file_name from read_parquet($files)",
            {
                "files": [
                    str(p) for p in (tmp_path / "wh" / "lake").rglob("*.parquet") if "observations" in p.parts
                ]
            },
        ).fetchall()
    assert names == [(name,)]
