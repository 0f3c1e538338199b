"""Valid rows for every raw dataset, built column-wise so a million observations take a second.

Values are invented stand-ins shaped like the real ones (hex digests, ISO codes, vocabulary
terms); no article text is copied.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa

from drugtrade.schemas import DATASETS

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _hex(values: np.ndarray, width: int) -> pa.Array:
    return pa.array(np.char.mod(f"%0{width}x", values).astype(object), pa.string())


def _repeat(value: object, n: int, type_: pa.DataType) -> pa.Array:
    return pa.repeat(pa.scalar(value, type_), n)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def observations(n: int, first: int = 0, retrieved_at: datetime = NOW) -> pa.Table:
    ids = np.arange(first, first + n, dtype=np.int64)
    measure_is_events = ids % 2 == 1
    schema = DATASETS["observations"]
    columns = {
        "observation_id": _hex(ids, 16),
        "source_id": _repeat("cbp_drug_seizures", n, pa.string()),
        "family": _repeat("cbp_seizures", n, pa.string()),
        "file_name": _repeat("nationwide-drugs-fy22-fy25.csv", n, pa.string()),
        "file_sha256": _repeat(_digest("file"), n, pa.string()),
        "sheet": pa.nulls(n, pa.string()),
        "source_row": pa.array((ids // 2 + 2).astype(np.int32)),
        "retrieved_at": _repeat(retrieved_at, n, pa.timestamp("us", tz="UTC")),
        "period_start": _repeat(date(2022, 10, 1), n, pa.date32()),
        "period_end": _repeat(date(2022, 10, 31), n, pa.date32()),
        "period_label": _repeat("FY2023 OCT", n, pa.string()),
        "is_partial_period": _repeat(False, n, pa.bool_()),
        "fiscal_year": _repeat(2023, n, pa.int32()),
        "country": pa.array(
            np.where(ids % 3 == 0, "USA", np.where(ids % 3 == 1, "MEX", "COL")).astype(object)
        ),
        "country_label": pa.nulls(n, pa.string()),
        "area": _repeat("San Diego Field Office", n, pa.string()),
        "component": _repeat("OFO", n, pa.string()),
        "region": _repeat("Southwest Land Border", n, pa.string()),
        "drug": pa.array(np.where(ids % 4 == 0, "cocaine", "fentanyl").astype(object)),
        "drug_label": _repeat("Cocaine", n, pa.string()),
        "measure": pa.array(np.where(measure_is_events, "seizure_events", "seized_quantity").astype(object)),
        "value": pa.array((ids % 1000).astype(np.float64) * 0.5),
        "unit": pa.array(np.where(measure_is_events, "count", "kg").astype(object)),
        "value_as_published": _repeat("12.5", n, pa.string()),
        "unit_as_published": _repeat("lbs", n, pa.string()),
        "estimator": _repeat("CBP", n, pa.string()),
        "notes": pa.nulls(n, pa.string()),
    }
    return pa.Table.from_pydict(columns, schema=schema)


def _article_provenance(n: int) -> dict[str, list]:
    return {
        "article_id": [_digest(f"https://news.example.org/{i}")[:16] for i in range(n)],
        "version": [1] * n,
        "source_id": ["example_news"] * n,
        "url": [f"https://news.example.org/{i}" for i in range(n)],
        "content_hash": [_digest(f"body {i}") for i in range(n)],
        "retrieved_at": [NOW - timedelta(hours=i) for i in range(n)],
        "ingest_date": [NOW.date()] * n,
    }


def articles(n: int = 3) -> pa.Table:
    rows = _article_provenance(n)
    rows |= {
        "canonical_url": rows["url"],
        "title": [f"Title {i}" for i in range(n)],
        "author": [None] * n,
        "published_date": [date(2026, 2, 27)] * n,
        "language": ["en"] * n,
        "body": [f"Placeholder body number {i}." for i in range(n)],
        "raw_path": [f"raw/example_news/{i}.html" for i in range(n)],
    }
    return pa.Table.from_pydict(rows, schema=DATASETS["articles"])


def statements(n: int = 3) -> pa.Table:
    rows = _article_provenance(n)
    rows |= {
        "statement_id": [_digest(f"statement {i}")[:16] for i in range(n)],
        "published_date": [date(2026, 2, 27)] * n,
        "quote": ["an invented quote"] * n,
        "start": [10] * n,
        "end": [29] * n,
        "speaker": [None, "A. Person", "B. Person"][:n] + ["C. Person"] * max(0, n - 3),
        "speaker_role": [None] * n,
        "speaker_country": [None, "MEX", "USA"][:n] + ["COL"] * max(0, n - 3),
        "attribution": ["said-after"] * n,
        "topics": [["seizures"], [], None][:n] + [["extradition"]] * max(0, n - 3),
    }
    return pa.Table.from_pydict(rows, schema=DATASETS["statements"])


def mentions(n: int = 3) -> pa.Table:
    rows = _article_provenance(n)
    kinds = ["person", "country", "drug"]
    normalized = {"person": "A. Person", "country": "COL", "drug": "cocaine"}
    rows |= {
        "mention_id": [_digest(f"mention {i}")[:16] for i in range(n)],
        "kind": [kinds[i % 3] for i in range(n)],
        "text": ["invented text"] * n,
        "normalized": [normalized[kinds[i % 3]] for i in range(n)],
        "start": [0] * n,
        "end": [11] * n,
    }
    return pa.Table.from_pydict(rows, schema=DATASETS["mentions"])


def text_facts(n: int = 3) -> pa.Table:
    rows = _article_provenance(n)
    rows |= {
        "fact_id": [_digest(f"fact {i}")[:16] for i in range(n)],
        "kind": ["seizure"] * n,
        "value": [2300.0] * n,
        "value_max": [None] * n,
        "unit": ["kg"] * n,
        "drug": ["cocaine"] * n,
        "country": ["ECU"] * n,
        "year": [2025] * n,
        "text": ["2.3 tonnes"] * n,
        "start": [5] * n,
        "end": [15] * n,
    }
    return pa.Table.from_pydict(rows, schema=DATASETS["text_facts"])


def articles_rejected(n: int = 2) -> pa.Table:
    return pa.Table.from_pydict(
        {
            "source_id": ["example_news"] * n,
            "url": [f"https://news.example.org/broken/{i}" for i in range(n)],
            "reason": ["no text extracted"] * n,
            "raw_path": [None] * n,
            "retrieved_at": [NOW] * n,
            "ingest_date": [NOW.date()] * n,
        },
        schema=DATASETS["articles_rejected"],
    )


def quarantine(n: int = 2) -> pa.Table:
    return pa.Table.from_pydict(
        {
            "source_id": ["unodc_seizures"] * n,
            "family": ["unodc_seizures"] * n,
            "file_name": ["seizures.csv"] * n,
            "file_sha256": [_digest("seizures")] * n,
            "sheet": [None] * n,
            "source_row": list(range(2, n + 2)),
            "raw": ['{"Country": "Atlantis", "KG": "12"}'] * n,
            "reason": ["country not found: 'Atlantis'"] * n,
            "retrieved_at": [NOW] * n,
        },
        schema=DATASETS["quarantine"],
    )


def loads(n: int = 2) -> pa.Table:
    return pa.Table.from_pydict(
        {
            "source_id": [f"source_{i}" for i in range(n)],
            "family": ["cbp_seizures"] * n,
            "file_name": [f"file_{i}.csv" for i in range(n)],
            "file_sha256": [_digest(f"file {i}") for i in range(n)],
            "location": [f"https://stats.example.org/{i}.csv" for i in range(n)],
            "raw_path": [f"raw/source_{i}/file_{i}.csv" for i in range(n)],
            "retrieved_at": [NOW] * n,
            "rows_read": [10] * n,
            "rows_loaded": [9] * n,
            "rows_quarantined": [1] * n,
            "observations": [18] * n,
            "publisher_release": ["2026-04"] * n,
        },
        schema=DATASETS["loads"],
    )


def source_registry(n: int = 2) -> pa.Table:
    return pa.Table.from_pydict(
        {
            "source_id": [f"source_{i}" for i in range(n)],
            "source_type": ["statistics", "article"][:n] + ["article"] * max(0, n - 2),
            "kind": ["csv"] * n,
            "family": [None] * n,
            "publisher": ["Example publisher"] * n,
            "dataset": [None] * n,
            "estimator": [None] * n,
            "location": [f"https://stats.example.org/{i}" for i in range(n)],
            "url": [f"https://stats.example.org/{i}" for i in range(n)],
            "licence": [None] * n,
            "citation": [None] * n,
        },
        schema=DATASETS["source_registry"],
    )


GOOD_RAW = {
    "articles": articles,
    "statements": statements,
    "mentions": mentions,
    "text_facts": text_facts,
    "articles_rejected": articles_rejected,
    "observations": lambda: observations(4),
    "quarantine": quarantine,
    "loads": loads,
    "source_registry": source_registry,
}
