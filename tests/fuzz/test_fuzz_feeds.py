"""Mutated feeds and sitemaps through discovery: each ends in a list of article references (each
usable or carrying its reason) or a DiscoveryError naming the source, never a traceback or a
hang. The feeds are built from the real articles in ../shared/samples (their URLs and titles)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

import hostile
import pytest
from fuzzing import CallTimedOut, record, time_limit
from hypothesis import given
from hypothesis import strategies as st

from drugtrade.registry import ArticleSource
from drugtrade.sources import DiscoveryError, HttpClient, discover


@pytest.fixture(scope="module")
def real_entries(shared_articles) -> list[tuple[str, str]]:
    entries = []
    for path in sorted(shared_articles.glob("*.txt")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        if len(lines) >= 2 and lines[0].startswith("http"):
            entries.append((lines[0].strip(), lines[1].strip()))
    if not entries:
        pytest.skip(f"no article URLs in {shared_articles}")
    return entries


def rss(entries: list[tuple[str, str]]) -> bytes:
    items = "".join(
        f"<item><title>{escape(title)}</title><link>{escape(url)}</link>"
        "<pubDate>Tue, 05 Aug 2021 10:00:00 GMT</pubDate></item>"
        for url, title in entries
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def sitemap(entries: list[tuple[str, str]]) -> bytes:
    urls = "".join(f"<url><loc>{escape(url)}</loc><lastmod>2021-08-05</lastmod></url>" for url, _ in entries)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def deep(data: bytes, depth: int) -> bytes:
    at = data.find(b"<channel>")
    at = data.find(b"<url>") if at < 0 else at + len(b"<channel>")
    return data[:at] + b"<x>" * depth + b"</x>" * depth + data[at:]


def laughs(data: bytes) -> bytes:
    entities = '<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    return (
        data.replace(b'<?xml version="1.0" encoding="utf-8"?>', b"", 1)
        .replace(b'<?xml version="1.0"?>', b"", 1)
        .join([f"<!DOCTYPE r [{entities}]>".encode(), b""])
        .replace(b"<title>t</title>", b"<title>&i;</title>", 1)
    )


mutations = st.one_of(
    st.tuples(st.just("unchanged")).map(lambda a: (a, lambda d: d)),
    st.tuples(st.just("truncate"), st.floats(0, 1)).map(lambda a: (a, lambda d: hostile.truncate(d, a[1]))),
    st.tuples(st.just("flip_bytes"), st.integers(0, 2**32), st.integers(1, 30)).map(
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
    st.tuples(st.just("deep"), st.sampled_from([100, 10_000, 100_000])).map(
        lambda a: (a, lambda d: deep(d, a[1]))
    ),
    st.tuples(st.just("billion_laughs")).map(lambda a: (a, laughs)),
    st.tuples(st.just("external_entity")).map(
        lambda a: (
            a,
            lambda d: d.replace(
                b"<rss", b'<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss', 1
            ).replace(b"<title>t", b"<title>&x;", 1),
        )
    ),
    st.tuples(st.just("quote_storm"), st.integers(1, 10_000)).map(
        lambda a: (a, lambda d: hostile.quotation_marks(d, 0.5, a[1]))
    ),
)


@pytest.mark.parametrize("kind", ["rss", "sitemap"])
@given(data=st.data(), mutation=mutations)
def test_feeds_survive_mutations(kind, real_entries, data, mutation):
    entries = data.draw(
        st.lists(st.sampled_from(real_entries), min_size=1, max_size=len(real_entries)), label="entries"
    )
    recipe, mutate = mutation
    document = mutate(rss(entries) if kind == "rss" else sitemap(entries))
    with tempfile.TemporaryDirectory() as folder, HttpClient(min_interval_per_host=0, retries=0) as client:
        path = Path(folder) / f"index.{'rss' if kind == 'rss' else 'xml'}"
        path.write_bytes(document)
        source = ArticleSource(id="fuzz", kind=kind, location=path.as_uri(), publisher="p")
        try:
            with time_limit():
                refs = list(discover(source, client, base_dir=Path(folder)))
        except DiscoveryError as error:
            assert "'fuzz'" in str(error), f"the refusal does not name the source: {error}"
            record(f"feeds_{kind}", "rejected", repr(recipe))
            return
        except CallTimedOut as error:
            record(f"feeds_{kind}", "hang", repr(recipe), str(error))
            raise AssertionError(f"{kind}: {recipe!r}: {error}") from error
        except Exception as error:
            record(f"feeds_{kind}", "traceback", repr(recipe), f"{type(error).__name__}: {error}")
            raise
    assert all(ref.url for ref in refs)
    assert not any("root:" in (ref.title or "") for ref in refs), "an external entity was resolved"
    record(f"feeds_{kind}", "parsed", repr(recipe))
