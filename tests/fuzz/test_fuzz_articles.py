"""Mutations of real article pages (../shared/benchmarks/content-pages, ../shared/samples) through
what the pipeline runs on each page: content extraction, then the statement, mention and figure
extractors. Each page ends extracted or rejected with ExtractionError naming the page, never a
traceback or a hang."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import hostile
import pytest
from fuzzing import CallTimedOut, record, time_limit
from hypothesis import given
from hypothesis import strategies as st


def _pages(shared_dir: Path) -> list[tuple[str, bytes, str]]:
    """(name, bytes, content type) of the real pages, HTML and plain text."""
    pages = []
    html = shared_dir / "benchmarks" / "content-pages" / "html"
    for path in sorted(html.glob("*.html.gz"))[:40]:
        pages.append((path.name, gzip.decompress(path.read_bytes()), "text/html"))
    for path in sorted((shared_dir / "samples" / "articles" / "real").glob("*.txt")):
        pages.append((path.name, path.read_bytes(), "text/plain"))
    if not pages:
        pytest.skip(f"no real article pages under {shared_dir}")
    return pages


@pytest.fixture(scope="module")
def pages(shared_dir) -> list[tuple[str, bytes, str]]:
    return _pages(shared_dir)


def deep_nesting(data: bytes, depth: int) -> bytes:
    at = data.find(b"<body")
    at = 0 if at < 0 else data.find(b">", at) + 1
    return data[:at] + b"<div>" * depth + b"<p>x</p>" + b"</div>" * depth + data[at:]


def huge_page(data: bytes, megabytes: int) -> bytes:
    return (data * ((megabytes << 20) // max(1, len(data)) + 1))[: megabytes << 20]


def quote_storm(data: bytes, count: int, mark: str) -> bytes:
    at = len(data) // 2
    return data[:at] + (mark * count).encode() + data[at:]


def unbalanced_quotes(data: bytes, seed: int, count: int) -> bytes:
    rng = random.Random(seed)
    damaged = bytearray(data)
    for _ in range(count):
        damaged.insert(rng.randrange(len(damaged) + 1), ord('"'))
    return bytes(damaged)


page_mutations = st.one_of(
    st.tuples(st.just("unchanged")).map(lambda a: (a, lambda d: d)),
    st.tuples(st.just("truncate"), st.floats(0, 1)).map(lambda a: (a, lambda d: hostile.truncate(d, a[1]))),
    st.tuples(st.just("flip_bytes"), st.integers(0, 2**32), st.integers(1, 200)).map(
        lambda a: (a, lambda d: hostile.flip_bytes(d, a[1], a[2]))
    ),
    st.tuples(st.just("insert_nul"), st.floats(0, 1)).map(
        lambda a: (a, lambda d: hostile.insert_nul(d, a[1]))
    ),
    st.tuples(st.just("reencode"), st.sampled_from(hostile.ENCODINGS)).map(
        lambda a: (a, lambda d: hostile.reencode(d, a[1]))
    ),
    st.tuples(st.just("empty")).map(lambda a: (a, hostile.empty)),
    st.tuples(st.just("binary"), st.integers(0, 2**32)).map(lambda a: (a, lambda d: hostile.binary(d, a[1]))),
    st.tuples(st.just("deep_nesting"), st.sampled_from([100, 1_000, 10_000, 100_000])).map(
        lambda a: (a, lambda d: deep_nesting(d, a[1]))
    ),
    st.tuples(
        st.just("quote_storm"),
        st.sampled_from([100, 1_000, 10_000]),
        st.sampled_from(['"', "“", "”", "«", "'"]),
    ).map(lambda a: (a, lambda d: quote_storm(d, a[1], a[2]))),
    st.tuples(st.just("unbalanced_quotes"), st.integers(0, 2**32), st.integers(1, 500)).map(
        lambda a: (a, lambda d: unbalanced_quotes(d, a[1], a[2]))
    ),
    st.tuples(st.just("long_line"), st.floats(0, 1), st.integers(1, 2_000_000)).map(
        lambda a: (a, lambda d: hostile.long_line(d, a[1], a[2], b"a"))
    ),
    st.tuples(st.just("huge_page"), st.sampled_from([6, 50])).map(
        lambda a: (a, lambda d: huge_page(d, a[1]))
    ),
)


def check_page(name: str, data: bytes, content_type: str, recipe: object) -> None:
    from drugtrade.extract.content import ExtractionError, extract_article
    from drugtrade.extract.facts import extract_facts
    from drugtrade.extract.mentions import extract_mentions
    from drugtrade.extract.statements import extract_statements

    url = f"https://fuzz.invalid/{name}"
    stage = "content"
    try:
        with time_limit():
            try:
                article = extract_article(data, url=url, content_type=content_type)
            except ExtractionError as error:
                assert url in str(error) or name in str(error), f"rejection does not name the page: {error}"
                record("content", "rejected", repr(recipe))
                return
            record("content", "parsed", repr(recipe))
            for stage, extract in (("statements", extract_statements), ("mentions", extract_mentions)):
                extract(article.body)
                record(stage, "parsed", repr(recipe))
            stage = "facts"
            extract_facts(article.body, published_date=article.published_date)
            record(stage, "parsed", repr(recipe))
    except CallTimedOut as error:
        record(stage, "hang", f"{name} {recipe!r}", str(error))
        raise AssertionError(f"{stage}: {name} {recipe!r}: {error}") from error
    except AssertionError:
        raise
    except Exception as error:
        record(stage, "traceback", f"{name} {recipe!r}", f"{type(error).__name__}: {error}")
        raise


@given(data=st.data(), mutation=page_mutations)
def test_article_pages_survive_mutations(pages, data, mutation):
    name, content, content_type = data.draw(st.sampled_from(pages), label="page")
    recipe, mutate = mutation
    check_page(name, mutate(content), content_type, recipe)


body_texts = st.one_of(
    st.text(max_size=2_000),
    st.text(alphabet="\"“”«»'‘’ ,.\n", max_size=20_000),
    st.builds(lambda n: '"' * n, st.integers(0, 10_000)),
    st.builds(lambda n: "“" * n + "x" + "”" * n, st.integers(0, 5_000)),
    st.builds(lambda n: "said " * n, st.integers(0, 20_000)),
    st.builds(lambda n: "1" * n + " kg of cocaine", st.integers(0, 5_000)),
    st.builds(lambda n: ("9,999," * n) + "999 tonnes", st.integers(0, 2_000)),
    st.builds(lambda n: "\x00" * n, st.integers(0, 1_000)),
)


@given(body=body_texts)
def test_text_extractors_survive_hostile_bodies(body):
    from drugtrade.extract.facts import extract_facts
    from drugtrade.extract.mentions import extract_mentions
    from drugtrade.extract.statements import extract_statements

    for stage, extract in (
        ("statements", extract_statements),
        ("mentions", extract_mentions),
        ("facts", extract_facts),
    ):
        try:
            with time_limit():
                extract(body)
        except CallTimedOut as error:
            record(stage, "hang", f"body of {len(body)} chars starting {body[:30]!r}", str(error))
            raise AssertionError(f"{stage}: hang on a body of {len(body)} characters") from error
        except Exception as error:
            record(
                stage,
                "traceback",
                f"body of {len(body)} chars starting {body[:30]!r}",
                f"{type(error).__name__}: {error}",
            )
            raise
        record(stage, "parsed", "body")
