"""Mutations of the real CBP CSVs, UNODC annex workbooks and UNODC seizure CSV through the
statistical parsers: each ends parsed (every record loaded or quarantined with a reason) or
refused with an error naming the file, never a traceback or a hang."""

from __future__ import annotations

import tempfile
from pathlib import Path

import hostile
import pytest
from fuzzing import CallTimedOut, record, time_limit
from hypothesis import given
from hypothesis import strategies as st

from drugtrade.stats import parse_file

CSV_SEEDS = {
    "cbp_nationwide": "cbp/nationwide-drugs-fy23-fy26-apr.csv",
    "cbp_air_marine": "cbp/amo-drug-seizures-fy19-fy22.csv",
    "unodc_seizures": "unodc/seizures_annual_by_country.csv",
}
WORKBOOK_SEEDS = (
    "unodc/6.1.1_-_Illicit_coca_bush_cultivation.xlsx",
    "unodc/6.1.2_-_Eradication_of_coca_bush.xlsx",
)
SEED_LINES = 300  # the header and the first data rows: every column and cell shape, in a fraction of a second

fractions = st.floats(min_value=0.0, max_value=1.0)
seeds = st.integers(min_value=0, max_value=2**32)
positions = st.integers(min_value=0, max_value=10_000)

csv_mutations = st.one_of(
    st.tuples(st.just("truncate"), fractions).map(lambda a: (a, lambda d: hostile.truncate(d, a[1]))),
    st.tuples(st.just("flip_bytes"), seeds, st.integers(1, 50)).map(
        lambda a: (a, lambda d: hostile.flip_bytes(d, a[1], a[2]))
    ),
    st.tuples(st.just("insert_nul"), fractions).map(lambda a: (a, lambda d: hostile.insert_nul(d, a[1]))),
    st.tuples(st.just("reencode"), st.sampled_from(hostile.ENCODINGS)).map(
        lambda a: (a, lambda d: hostile.reencode(d, a[1]))
    ),
    st.tuples(
        st.just("bom"), st.sampled_from([b"\xef\xbb\xbf" * 2, b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff"])
    ).map(lambda a: (a, lambda d: hostile.add_bom(d, a[1]))),
    st.tuples(st.just("empty")).map(lambda a: (a, hostile.empty)),
    st.tuples(st.just("binary"), seeds).map(lambda a: (a, lambda d: hostile.binary(d, a[1]))),
    st.tuples(
        st.just("set_cell"),
        positions,
        positions,
        st.sampled_from(hostile.HOSTILE_CELLS + hostile.HOSTILE_LABELS),
    ).map(lambda a: (a, lambda d: hostile.set_cell(d, a[1], a[2], a[3]))),
    st.tuples(st.just("set_column"), positions, st.sampled_from(hostile.HOSTILE_CELLS)).map(
        lambda a: (a, lambda d: hostile.set_column(d, a[1], a[2]))
    ),
    st.tuples(st.just("set_cell_text"), positions, positions, st.text(max_size=40)).map(
        lambda a: (a, lambda d: hostile.set_cell(d, a[1], a[2], a[3]))
    ),
    st.tuples(
        st.just("rename_header"),
        positions,
        st.sampled_from(
            ["", "fy", "FY", "Sum Qty (tons)", "Sum Qty (parsecs)", "KG Equivalent", "\ufeffFY", "x" * 500]
        ),
    ).map(lambda a: (a, lambda d: hostile.rename_header(d, a[1], a[2]))),
    st.tuples(st.just("drop_column"), positions).map(lambda a: (a, lambda d: hostile.drop_column(d, a[1]))),
    st.tuples(st.just("shuffle_columns"), seeds).map(
        lambda a: (a, lambda d: hostile.shuffle_columns(d, a[1]))
    ),
    st.tuples(st.just("shuffle_rows"), seeds).map(lambda a: (a, lambda d: hostile.shuffle_rows(d, a[1]))),
    st.tuples(st.just("duplicate_header"), positions).map(
        lambda a: (a, lambda d: hostile.duplicate_header(d, a[1]))
    ),
    st.tuples(st.just("ragged_row"), positions, st.integers(-8, 50)).map(
        lambda a: (a, lambda d: hostile.ragged_row(d, a[1], a[2]))
    ),
    st.tuples(st.just("quotation_marks"), fractions, st.integers(1, 10_000)).map(
        lambda a: (a, lambda d: hostile.quotation_marks(d, a[1], a[2]))
    ),
    st.tuples(
        st.just("long_line"),
        fractions,
        st.integers(1, 300_000),
        st.sampled_from([b"9", b",", b'"', b"\xe2\x80\x9c"]),
    ).map(lambda a: (a, lambda d: hostile.long_line(d, a[1], a[2], a[3]))),
    st.tuples(
        st.just("empty_rows"),
        st.integers(1, 20_000),
        st.sampled_from([b"\r\n", b",,,,,,,\r\n", b"\n", b" \r\n"]),
    ).map(lambda a: (a, lambda d: hostile.empty_rows(d, a[1], a[2]))),
)

workbook_mutations = st.one_of(
    st.tuples(st.just("truncate"), fractions).map(lambda a: (a, lambda d: hostile.truncate(d, a[1]))),
    st.tuples(st.just("flip_bytes"), seeds, st.integers(1, 20)).map(
        lambda a: (a, lambda d: hostile.flip_bytes(d, a[1], a[2]))
    ),
    st.tuples(st.just("set_values"), seeds, st.integers(1, 60), st.sampled_from(hostile.HOSTILE_CELLS)).map(
        lambda a: (a, lambda d: hostile.workbook_set_values(d, a[1], a[2], a[3]))
    ),
    st.tuples(st.just("drop_member"), seeds).map(
        lambda a: (a, lambda d: hostile.workbook_drop_member(d, a[1]))
    ),
    st.tuples(st.just("flip_member"), seeds, st.integers(1, 20)).map(
        lambda a: (a, lambda d: hostile.workbook_flip_member(d, a[1], a[2]))
    ),
    st.tuples(st.just("xml_bomb")).map(lambda a: (a, hostile.xml_bomb)),
    st.tuples(st.just("external_entity")).map(lambda a: (a, hostile.external_entity)),
    st.tuples(st.just("zip_bomb"), st.integers(20, 200)).map(
        lambda a: (a, lambda d: hostile.zip_bomb(d, a[1]))
    ),
    st.tuples(st.just("empty_rows"), st.integers(1, 3_000)).map(
        lambda a: (a, lambda d: hostile.workbook_empty_rows(d, a[1]))
    ),
)


def _seed_csv(path: Path) -> bytes:
    with path.open("rb") as handle:
        return b"".join(handle.readline() for _ in range(SEED_LINES))


def check_parse(parser: str, name: str, data: bytes, recipe: object, family: str | None = None) -> None:
    """Parse ``data`` as a file named ``name``; tally and assert the outcome."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            with time_limit():
                batch = parse_file(path, source_id="fuzz", family=family)
        except CallTimedOut as error:
            record(parser, "hang", repr(recipe), str(error))
            raise AssertionError(f"{parser}: {recipe!r}: hang: {error}") from error
        except (ValueError, OSError) as error:  # UnknownFileFamily, FileTooLarge are ValueErrors
            if path.name not in str(error):
                record(parser, "traceback", repr(recipe), f"error without the file name: {error!r}")
                raise AssertionError(
                    f"{parser}: {recipe!r}: error does not name the file: {error!r}"
                ) from error
            record(parser, "rejected", repr(recipe))
            return
        except Exception as error:
            record(parser, "traceback", repr(recipe), f"{type(error).__name__}: {error}")
            raise
    quarantined = batch.quarantine.num_rows
    assert batch.rows_read == batch.rows_loaded + quarantined, f"{recipe!r}: rows lost"
    values = batch.observations.column("value").to_pylist()
    assert all(v == v and abs(v) < 1e16 for v in values), (
        f"{recipe!r}: a non-finite or absurd figure was loaded"
    )
    assert all(reason for reason in batch.quarantine.column("reason").to_pylist()), (
        "a row quarantined without reason"
    )
    record(parser, "parsed", repr(recipe))


@pytest.mark.parametrize("family", sorted(CSV_SEEDS))
@given(mutation=csv_mutations, detect=st.booleans())
def test_csv_parsers_survive_mutations(family, mutation, detect, shared_sources):
    recipe, mutate = mutation
    data = mutate(_seed_csv(shared_sources / CSV_SEEDS[family]))
    check_parse(family, Path(CSV_SEEDS[family]).name, data, recipe, family=None if detect else family)


@pytest.mark.parametrize("seed", WORKBOOK_SEEDS)
@given(mutation=workbook_mutations, detect=st.booleans())
def test_annex_workbooks_survive_mutations(seed, mutation, detect, shared_sources):
    recipe, mutate = mutation
    data = mutate((shared_sources / seed).read_bytes())
    check_parse("unodc_annex", Path(seed).name, data, recipe, family=None if detect else "unodc_annex")
