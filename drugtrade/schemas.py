"""Arrow schemas of the raw lake: the contract between extraction, quality checks and dbt.

Every row that lands in the lake carries its provenance: the source it came from, the URL or
file, when it was retrieved, a content or file hash, and (for text) character offsets into the
extracted body text of the article.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us", tz="UTC")

# What every row extracted from an article's body carries, after its own id: the article version
# it was read from (its offsets index that version's body), where and when it was fetched.
ARTICLE_VERSION_PROVENANCE = [
    pa.field("article_id", pa.string(), nullable=False),
    pa.field("version", pa.int32(), nullable=False),
    pa.field("source_id", pa.string(), nullable=False),
    pa.field("url", pa.string(), nullable=False),
    pa.field("content_hash", pa.string(), nullable=False),
    pa.field("retrieved_at", TS, nullable=False),
    pa.field("ingest_date", pa.date32(), nullable=False),
]

# One row per version of an article. A re-ingested article with the same URL and content hash
# adds nothing; a changed article gets version + 1.
ARTICLES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),  # sha256(canonical url)[:16]
        pa.field("version", pa.int32(), nullable=False),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("canonical_url", pa.string()),
        pa.field("title", pa.string()),
        pa.field("author", pa.string()),
        pa.field("published_date", pa.date32()),
        pa.field("language", pa.string()),
        pa.field("body", pa.string(), nullable=False),
        pa.field("content_hash", pa.string(), nullable=False),  # sha256 of body
        pa.field("raw_path", pa.string()),  # where the fetched bytes are kept
        pa.field("retrieved_at", TS, nullable=False),
        pa.field("ingest_date", pa.date32(), nullable=False),
    ]
)

# One row per direct quotation. start/end are offsets of the quote text in articles.body.
STATEMENTS = pa.schema(
    [
        pa.field("statement_id", pa.string(), nullable=False),
        *ARTICLE_VERSION_PROVENANCE,
        pa.field("published_date", pa.date32()),
        pa.field("quote", pa.string(), nullable=False),
        pa.field("start", pa.int32(), nullable=False),
        pa.field("end", pa.int32(), nullable=False),
        pa.field("speaker", pa.string()),  # null when unattributed: never guessed
        pa.field("speaker_role", pa.string()),
        pa.field("speaker_country", pa.string()),  # ISO 3166 alpha-3
        pa.field("attribution", pa.string()),  # which rule attributed it
        pa.field("topics", pa.list_(pa.string())),
    ]
)

# People, countries and drugs named in the body text.
MENTIONS = pa.schema(
    [
        pa.field("mention_id", pa.string(), nullable=False),
        *ARTICLE_VERSION_PROVENANCE,
        pa.field("kind", pa.string(), nullable=False),  # person | country | drug
        pa.field("text", pa.string(), nullable=False),
        pa.field("normalized", pa.string()),  # full name, ISO3 or vocabulary drug
        pa.field("start", pa.int32(), nullable=False),
        pa.field("end", pa.int32(), nullable=False),
    ]
)

# Numeric facts stated in article text ("seized 2.3 tons of cocaine").
TEXT_FACTS = pa.schema(
    [
        pa.field("fact_id", pa.string(), nullable=False),
        *ARTICLE_VERSION_PROVENANCE,
        pa.field("kind", pa.string(), nullable=False),  # seizure | cultivation | eradication | production
        pa.field("value", pa.float64(), nullable=False),  # the low end of a range
        pa.field("value_max", pa.float64()),  # the high end of a range ("4-6 acres"), else null
        pa.field("unit", pa.string(), nullable=False),  # kg | ha | t
        pa.field("drug", pa.string()),
        pa.field("country", pa.string()),
        pa.field("year", pa.int32()),
        pa.field("text", pa.string(), nullable=False),
        pa.field("start", pa.int32(), nullable=False),
        pa.field("end", pa.int32(), nullable=False),
    ]
)

# Articles that could not be turned into text, with the reason.
ARTICLES_REJECTED = pa.schema(
    [
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("raw_path", pa.string()),
        pa.field("retrieved_at", TS, nullable=False),
        pa.field("ingest_date", pa.date32(), nullable=False),
    ]
)

# One row per normalised statistical figure, whatever the family of file it came from.
# measure/unit pairs: seized_quantity/kg, seizure_events/count, cultivation/ha,
# eradication/ha, potential_production/t.
OBSERVATIONS = pa.schema(
    [
        pa.field("observation_id", pa.string(), nullable=False),  # hash of the natural key
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("family", pa.string(), nullable=False),
        pa.field("file_name", pa.string(), nullable=False),
        pa.field("file_sha256", pa.string(), nullable=False),
        pa.field("sheet", pa.string()),
        pa.field("source_row", pa.int32(), nullable=False),  # 1-based row in the file/sheet
        pa.field("retrieved_at", TS, nullable=False),
        pa.field("period_start", pa.date32(), nullable=False),
        pa.field("period_end", pa.date32(), nullable=False),
        pa.field("period_label", pa.string(), nullable=False),  # as published: "FY2019 APR", "2016"
        pa.field("is_partial_period", pa.bool_(), nullable=False),  # e.g. "2026 (FYTD)"
        pa.field("fiscal_year", pa.int32()),  # US federal FY (Oct-Sep) where the source uses it
        pa.field("country", pa.string(), nullable=False),  # ISO 3166 alpha-3
        pa.field("country_label", pa.string()),  # as published
        pa.field("area", pa.string()),  # sub-national unit: CBP field office / sector / AMO branch
        pa.field("component", pa.string()),  # CBP component (OFO, USBP, AMO)
        pa.field("region", pa.string()),  # publisher's region label
        pa.field("drug", pa.string(), nullable=False),  # drug vocabulary term
        pa.field("drug_label", pa.string()),  # as published
        pa.field("measure", pa.string(), nullable=False),
        pa.field("value", pa.float64(), nullable=False),
        pa.field("unit", pa.string(), nullable=False),
        pa.field("value_as_published", pa.string()),  # the cell text, before unit conversion
        pa.field("unit_as_published", pa.string()),
        pa.field("estimator", pa.string(), nullable=False),  # UNODC, US government (ONDCP), CBP...
        pa.field("notes", pa.string()),  # footnotes attached to the figure
    ]
)

# Statistical rows that could not be loaded, with the reason. Nothing is dropped silently:
# for each file, rows read = rows loaded + rows quarantined.
QUARANTINE = pa.schema(
    [
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("family", pa.string(), nullable=False),
        pa.field("file_name", pa.string(), nullable=False),
        pa.field("file_sha256", pa.string(), nullable=False),
        pa.field("sheet", pa.string()),
        pa.field("source_row", pa.int32(), nullable=False),
        pa.field("raw", pa.string(), nullable=False),  # JSON object of the raw cells
        pa.field("reason", pa.string(), nullable=False),
        pa.field("retrieved_at", TS, nullable=False),
    ]
)

# One row per statistical file load: the reconciliation ledger (rows read = loaded + quarantined).
LOADS = pa.schema(
    [
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("family", pa.string(), nullable=False),
        pa.field("file_name", pa.string(), nullable=False),
        pa.field("file_sha256", pa.string(), nullable=False),
        pa.field("location", pa.string(), nullable=False),  # URL or path it was read from
        pa.field("raw_path", pa.string(), nullable=False),  # the kept copy under <warehouse>/raw
        pa.field("retrieved_at", TS, nullable=False),
        pa.field("rows_read", pa.int64(), nullable=False),
        pa.field("rows_loaded", pa.int64(), nullable=False),
        pa.field("rows_quarantined", pa.int64(), nullable=False),
        pa.field("observations", pa.int64(), nullable=False),
        # The publisher's release the file is (registry field `release`, e.g. "2026-04" for CBP's
        # April 2026 release); null when the registry does not name it. Not named `release`:
        # that is the lake's partition key (the file's SHA-256 prefix).
        pa.field("publisher_release", pa.string()),
    ]
)

# The source registry as of the last run, so the warehouse can describe every source.
SOURCE_REGISTRY = pa.schema(
    [
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("source_type", pa.string(), nullable=False),  # article | statistics
        pa.field("kind", pa.string(), nullable=False),
        pa.field("family", pa.string()),
        pa.field("publisher", pa.string(), nullable=False),
        pa.field("dataset", pa.string()),
        pa.field("estimator", pa.string()),
        pa.field("location", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("licence", pa.string()),
        pa.field("citation", pa.string()),
    ]
)

DATASETS: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "statements": STATEMENTS,
    "mentions": MENTIONS,
    "text_facts": TEXT_FACTS,
    "articles_rejected": ARTICLES_REJECTED,
    "observations": OBSERVATIONS,
    "quarantine": QUARANTINE,
    "loads": LOADS,
    "source_registry": SOURCE_REGISTRY,
}
