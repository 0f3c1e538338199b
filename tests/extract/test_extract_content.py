"""Main-content extraction on the bundled sample pages, the real article and broken inputs."""

from __future__ import annotations

import codecs
import gzip
import json
import random
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from extract_testpaths import REPO, SAMPLES

from drugtrade.extract.cli import main
from drugtrade.extract.content import ExtractedArticle, ExtractionError, extract_article

LEAKS = [
    "SEE ALSO",
    "Read more",
    "Prev",
    "Next",
    "Home",
    "Subscribe",
    "Related",
    "©",
    "Privacy",
    "Share this",
    "You may also like",
    "More from",
    "Recommended",
]


def _sample(name: str) -> ExtractedArticle:
    path = SAMPLES / name
    return extract_article(path.read_bytes(), url=path.as_uri(), content_type="text/html")


def test_every_sample_page_yields_a_clean_article() -> None:
    pages = sorted(SAMPLES.glob("*.html"))
    assert 4 <= len(pages) <= 6
    for page in pages:
        article = extract_article(page.read_bytes(), url=page.as_uri())
        assert article.title and article.published_date and article.canonical_url and article.language == "en"
        for leak in LEAKS:
            assert leak not in article.body, f"{page.name}: {leak!r} leaked into the body"
        assert "\n\n" in article.body
        assert article.title not in article.body  # the headline is metadata, not a paragraph


def test_metadata_comes_from_head_tags_and_json_ld() -> None:
    article = _sample("2025-03-12-guayaquil-port-seizure.html")
    assert article.title == "Ecuador's navy seizes 2.3 tons of cocaine in Guayaquil container"
    assert article.author == "Lucía Benavides Ortega"
    assert article.published_date == date(2025, 3, 12)
    assert article.canonical_url == "https://andes-isthmus-monitor.example/2025/03/12/guayaquil-port-seizure"
    assert article.body.startswith("Ecuadorian naval inspectors seized 2.3 tons of cocaine")


def test_pull_quote_is_not_repeated_in_the_body() -> None:
    article = _sample("2025-04-02-colombia-coca-survey.html")
    assert article.body.count("We tried fumigation for twenty years") == 1
    assert article.body.endswith('Where the state arrived with roads and credit, coca fell."')


def test_canonical_url_loses_tracking_parameters() -> None:
    article = _sample("2025-06-15-panama-money-laundering.html")
    assert (
        article.canonical_url
        == "https://andes-isthmus-monitor.example/2025/06/15/panama-free-zone-laundering"
    )


@pytest.mark.parametrize(
    ("name", "names"),
    [
        (
            "2025-05-20-sonora-fentanyl-lab.html",
            ["José Ángel Peña Muñoz", "Begoña Ibáñez", "“We found a factory"],
        ),
        ("2025-07-08-bolivia-yungas-eradication.html", ["Óscar Gutiérrez Quispe", "Nilda Mamani Condori"]),
    ],
)
def test_non_utf8_pages_decode_with_their_declared_charset(name: str, names: list[str]) -> None:
    raw = (SAMPLES / name).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    article = extract_article(raw, url=f"https://example.test/{name}")
    for expected in names:
        assert expected in article.body


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.encode("utf-16"),
        lambda text: text.encode("utf-32"),
        lambda text: codecs.BOM_UTF32_BE + text.encode("utf-32-be"),
        lambda text: text.encode("utf-8-sig"),
    ],
    ids=["utf-16", "utf-32-le", "utf-32-be", "utf-8-sig"],
)
def test_a_byte_order_mark_wins_over_the_declared_charset(encode: Callable[[str], bytes]) -> None:
    # UTF-32's little-endian mark starts with UTF-16's: read as UTF-16 the page became NUL-ridden
    # text that was taken as a plain-text body of a million characters.
    name = "2025-07-08-bolivia-yungas-eradication.html"
    raw = (SAMPLES / name).read_bytes()
    page = extract_article(raw, url=f"https://example.test/{name}")
    marked = extract_article(encode(raw.decode("cp1252")), url=f"https://example.test/{name}")
    assert marked.body == page.body
    assert marked.title == page.title and "\x00" not in marked.body


def test_charset_from_the_http_header_wins_over_sniffing() -> None:
    body = "<html><head><title>t</title></head><body><article><p>" + "Señor Peña habló del decomiso. " * 12
    raw = (body + "</p></article></body></html>").encode("cp1252")
    article = extract_article(
        raw, url="https://example.test/a", content_type="text/html; charset=windows-1252"
    )
    assert "Señor Peña habló" in article.body


def test_plain_text_goes_through_the_same_paragraph_filter() -> None:
    text = (
        "Police seize cocaine in port\n\n"
        "Police seized two tons of cocaine in the port on Monday, officials said, in a sizeable operation.\n\n"
        "SEE ALSO: Port News and Profiles\n\n"
        "The cargo was hidden among crates of bananas bound for Europe, investigators said later.\n\n"
        "  • 1\n  • 2\n  • 3\nPrev Next\n\n"
        "Another story title\n\nAnother story title\n\nA teaser blurb about another story entirely...\n"
    )
    article = extract_article(text, url="file:///tmp/a.txt", content_type="text/plain")
    assert article.title == "Police seize cocaine in port"
    assert article.body == (
        "Police seized two tons of cocaine in the port on Monday, officials said, in a sizeable operation.\n\n"
        "The cargo was hidden among crates of bananas bound for Europe, investigators said later."
    )


def test_real_article_loses_teasers_see_also_pagination_and_pull_quote(real_article: Path) -> None:
    article = extract_article(real_article.read_bytes(), url=real_article.as_uri())
    body = article.body
    assert "SEE ALSO" not in body
    assert "Prev Next" not in body and "• 1" not in body
    assert "Honduras" not in body and "Venezuela Prisons" not in body and "BACRIM" not in body
    assert " - US Secretary of State Rex Tillerson" not in body  # the pull quote line
    assert body.startswith("The United States government says")
    assert body.rstrip().endswith("despite the rhetorical nods toward more progressive strategies.")
    assert article.language == "en"


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"", "empty page"),
        (b"   \n\t ", "empty page"),
        (b"%PDF-1.7\n%binary", "binary"),
        (b"<html>\x00\x00\x00</html>", "binary"),
        (b"<html><body><article><p>" + b"Police seized cocaine. " * 40, "truncated"),
        (("Decomiso de cocaína en el puerto " * 10).encode() + "Ñ".encode()[:1], "truncated"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no article"),
        (b"Too short to be an article.", "no article"),
    ],
)
def test_bad_pages_raise_an_error_naming_the_url_and_the_reason(content: bytes, kind: str) -> None:
    with pytest.raises(ExtractionError) as raised:
        extract_article(content, url="https://example.test/broken")
    assert raised.value.kind == kind
    assert "https://example.test/broken" in str(raised.value) and kind in str(raised.value)


def test_binary_content_type_and_size_limit() -> None:
    with pytest.raises(ExtractionError, match="binary"):
        extract_article(b"<html></html>", url="u", content_type="image/png")
    with pytest.raises(ExtractionError, match="too large"):
        extract_article(b"<p>x</p>" * 100, url="u", max_bytes=100)


def test_undecodable_bytes() -> None:
    # random bytes (seeded, so the test is stable): no declared, UTF-8 or sniffed charset reads them
    raw = random.Random(0).randbytes(3000).replace(b"\x00", b"\x01")
    with pytest.raises(ExtractionError) as raised:
        extract_article(raw, url="https://example.test/garbage")
    assert raised.value.kind == "undecodable"
    assert "https://example.test/garbage" in str(raised.value)


def test_extraction_error_is_a_value_error() -> None:
    assert issubclass(ExtractionError, ValueError)


# Prose for the structural tests below (written for these tests, not taken from any article).
PROSE = [
    "Customs officers at the port inspected forty containers of fruit on Monday and found packages hidden in the walls.",
    "The prosecutor's office said the shipment had been declared as bananas and was bound for a warehouse in Antwerp.",
    "Investigators are now tracing the company that rented the containers, which was registered only three months ago.",
    "Officials said the seizure was the largest at the terminal this year and that two workers had been detained.",
]


def _page(body: str, *, body_class: str = "") -> bytes:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Port seizure | Monitor</title></head>"
        f"<body class='{body_class}'><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>{body}"
        "<footer>Monitor, all rights reserved</footer></body></html>"
    ).encode()


def _paragraphs(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


@pytest.mark.parametrize(
    ("container", "body_class"),
    [
        ("<div class='entry-content entry-content-read-more'>{}</div>", ""),
        ("<article>{}</article>", "single post f_share_tools_on"),
        ("<div class='article-body pagination-first'>{}</div>", ""),
        ("<article class='url-breadcrumb'>{}</article>", ""),
        ("<main><div class='post related'>{}</div></main>", ""),  # a whole token, but it holds the article
        ("<div class='post related'>{}</div>", ""),
    ],
)
def test_prune_rules_never_remove_the_article_container(container: str, body_class: str) -> None:
    for layout in (_paragraphs(*PROSE), "<br><br>".join(PROSE)):  # paragraphs, or text and line breaks
        page = _page(container.format(layout), body_class=body_class)
        body = extract_article(page, url="https://example.test/a").body
        for sentence in PROSE:
            assert sentence in body


def test_asides_named_by_whole_class_tokens_are_removed_from_the_article() -> None:
    asides = (
        "<div class='related-posts'><p>Another story: coast guard intercepts a fishing boat with fuel drums.</p></div>"
        "<div class='share'><p>Share this story with your friends on every network you use today.</p></div>"
        "<ul class='pagination'><li>Previous page of the archive</li><li>Next page of the archive</li></ul>"
    )
    page = _page(f"<article>{_paragraphs(*PROSE[:2])}{asides}{_paragraphs(*PROSE[2:])}</article>")
    body = extract_article(page, url="https://example.test/a").body
    assert all(sentence in body for sentence in PROSE)
    for leak in ("coast guard intercepts", "Share this story", "page of the archive"):
        assert leak not in body


def test_html_comments_inside_a_paragraph_keep_the_text_after_them() -> None:
    first = "When <!-- -->the minister<!-- --> arrived at the port, officers had already opened twelve containers."
    page = _page(f"<article><p>{first}</p>{_paragraphs(*PROSE)}</article>")
    body = extract_article(page, url="https://example.test/a").body
    assert "When the minister arrived at the port, officers had already opened twelve containers." in body


def test_a_table_that_holds_the_article_text_is_kept() -> None:
    cells = "".join(f"<tr><td>{sentence}</td></tr>" for sentence in PROSE)
    page = _page(f"<table class='layout'>{cells}</table>")
    body = extract_article(page, url="https://example.test/a").body
    for sentence in PROSE:
        assert sentence in body


def test_see_also_and_read_more_lines_inside_the_body_are_removed() -> None:
    lines = "<p>SEE ALSO: Coverage of the ports</p><p>Read more: Ten years of container seizures</p>"
    page = _page(f"<article>{_paragraphs(*PROSE[:2])}{lines}{_paragraphs(*PROSE[2:])}</article>")
    body = extract_article(page, url="https://example.test/a").body
    assert "SEE ALSO" not in body and "Read more" not in body
    assert body.split("\n\n") == PROSE


def test_published_date_without_meta_tags_comes_from_time_element_or_url() -> None:
    timed = _page(
        f"<article><time datetime='2024-11-03T10:00:00Z'>3 Nov</time>{_paragraphs(*PROSE)}</article>"
    )
    assert extract_article(timed, url="https://example.test/a").published_date == date(2024, 11, 3)
    plain = _page(f"<article>{_paragraphs(*PROSE)}</article>")
    dated_url = "https://example.test/news/2023/07/19/port-seizure"
    assert extract_article(plain, url=dated_url).published_date == date(2023, 7, 19)
    assert extract_article(plain, url="https://example.test/a").published_date is None


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        (
            "50 MB page",
            b"<html><body>" + b"<p>" + b"cocaine seized at the port. " * 1_800_000 + b"</p></body></html>",
            "too large",
        ),
        (
            "half a million tags",
            b"<html><body>" + b"<span>a</span>" * 300_000 + b"</body></html>",
            "too large",
        ),
        (
            "100k-deep nesting",
            b"<html><body>"
            + b"<div>" * 100_000
            + _paragraphs(*PROSE).encode()
            + b"</div>" * 100_000
            + b"</body></html>",
            "no article",
        ),
        ("NUL bytes", b"<html><body>\x00\x00" + _paragraphs(*PROSE).encode() + b"</body></html>", "binary"),
        ("binary junk", random.Random(7).randbytes(200_000), "binary"),
    ],
)
def test_hostile_pages_end_in_a_clean_rejection(name: str, content: bytes, kind: str) -> None:
    with pytest.raises(ExtractionError) as raised:
        extract_article(content, url=f"https://example.test/{name.replace(' ', '-')}")
    assert raised.value.kind == kind, name


def test_damage_past_the_head_still_yields_the_article() -> None:
    nested_ld = "<script type='application/ld+json'>" + "[" * 50_000 + "]" * 50_000 + "</script>"
    late_nul = "<p>" + "x" * 9000 + "</p>\x00"
    page = _page(
        f"{nested_ld}<article>{_paragraphs(*PROSE[:2])}{late_nul}{_paragraphs(*PROSE[2:])}</article>"
    )
    body = extract_article(page, url="https://example.test/a").body
    assert all(sentence in body for sentence in PROSE)


def test_content_command_prints_one_object_per_page_of_files_and_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "saved"
    (saved / "2025").mkdir(parents=True)
    (saved / "2025" / "port.html.gz").write_bytes(
        gzip.compress(_page(f"<article>{_paragraphs(*PROSE)}</article>"))
    )
    (saved / "empty.htm").write_bytes(b"")
    (saved / "notes.md").write_text("not a page, not listed", encoding="utf-8")
    sample = SAMPLES / "2025-03-12-guayaquil-port-seizure.html"
    assert main(["content", str(sample), str(saved)]) == 1  # one page rejected
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(r["path"]).name for r in rows] == [
        sample.name,
        "port.html.gz",
        "empty.htm",
    ]  # saved/2025/... sorts first
    first, gzipped, empty = rows
    assert first["title"] == "Ecuador's navy seizes 2.3 tons of cocaine in Guayaquil container"
    assert first["url"] == "https://andes-isthmus-monitor.example/2025/03/12/guayaquil-port-seizure"
    assert first["published_date"] == "2025-03-12" and first["language"] == "en"
    assert first["body"].startswith("Ecuadorian naval inspectors seized 2.3 tons of cocaine")
    assert "error" not in first
    assert gzipped["body"].split("\n\n") == PROSE and gzipped["title"] == "Port seizure"
    assert empty["reason"] == "empty page" and str(saved / "empty.htm") in empty["error"]
    assert "body" not in empty


def test_content_command_rejects_a_gzip_bomb_by_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<html><body>" + b" " * 60_000_000))
    broken = tmp_path / "broken.html.gz"
    broken.write_bytes(b"\x1f\x8b not really gzip")
    assert main(["content", str(bomb), str(broken)]) == 1
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["reason"] for r in rows] == ["too large", "unreadable"]


def test_content_command_is_quiet_on_a_closed_pipe(shared_dir: Path) -> None:
    pages = shared_dir / "benchmarks" / "content-pages" / "html"
    executable = Path(sys.executable).with_name("drugtrade")
    with subprocess.Popen(
        [str(executable), "content", str(pages)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = json.loads(process.stdout.readline())
        process.stdout.close()  # the reader goes away, as with | head -1
        errors = process.stderr.read().decode()
        status = process.wait(timeout=120)
    assert first["body"] and first["path"].endswith(".html.gz")
    assert "Traceback" not in errors and "BrokenPipe" not in errors
    assert status == 0


@pytest.mark.parametrize(
    "line",
    [
        "Sign up for the morning newsletter and get the day's stories in your inbox.",
        "Do you want to receive our weekly briefing? Subscribe here",
        "We want to hear what you think. Write a letter to the editor.",
        "Download the Monitor app for full coverage of the ports.",
        "This story contains affiliate links; we may earn a commission when you buy through them.",
        "Agents unload packages at the dock on Sunday. By U.S. CUSTOMS AND BORDER PROTECTION",
        "Navy divers inspect the hull of the ship. (Photo: Colombian Navy)",
        "Lee también: Otro decomiso en el puerto de Buenaventura",
        "Leia também: Apreensão recorde no porto de Santos",
    ],
)
def test_promotions_disclosures_captions_and_labels_are_removed_but_prose_stays(line: str) -> None:
    prose = (
        "Subscribers to the customs newsletter learned of the seizure a day before the ministry announced it."
    )
    page = _page(f"<article>{_paragraphs(PROSE[0], line, prose, *PROSE[1:])}</article>")
    body = extract_article(page, url="https://example.test/a").body
    assert line not in body
    assert body.split("\n\n") == [PROSE[0], prose, *PROSE[1:]]


def test_metadata_entities_are_decoded_and_a_template_language_is_corrected() -> None:
    german = (
        "Die Polizei hat am Montag im Hafen mehrere Container geöffnet, und die Ermittler sagen, dass "
        "die Ladung nicht für den Markt in der Stadt bestimmt war. Es ist die größte Menge in diesem Jahr."
    )
    page = (
        "<html lang='en'><head><meta property='og:title' content='Customs&amp;#8217; biggest haul'></head>"
        f"<body><article><p>{german}</p><p>{german}</p></article></body></html>"
    ).encode()
    article = extract_article(page, url="https://example.test/a")
    assert article.title == "Customs’ biggest haul"
    assert article.language == "de"


def test_a_page_that_omits_the_optional_closing_tags_is_not_truncated() -> None:
    page = (
        f"<!DOCTYPE html><html><head><title>Port</title></head><body><article>{_paragraphs(*PROSE)}</article>"
    )
    assert extract_article(page.encode(), url="https://example.test/a").body.split("\n\n") == PROSE
    with pytest.raises(ExtractionError, match="truncated"):
        extract_article(page[:-40].encode(), url="https://example.test/a")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Port seizure breaks record | Andes Monitor", "Port seizure breaks record"),
        ("Andes Monitor - Port seizure breaks record", "Port seizure breaks record"),
        ("Andes Monitor", "Andes Monitor"),  # nothing but the site name: kept
        ("Monitors at the port - a record", "Monitors at the port - a record"),
    ],
)
def test_the_site_name_is_taken_off_the_title(title: str, expected: str) -> None:
    page = (
        f"<html><head><meta property='og:title' content='{title}'>"
        "<meta property='og:site_name' content='Andes Monitor'></head>"
        f"<body><article>{_paragraphs(*PROSE)}</article></body></html>"
    ).encode()
    assert extract_article(page, url="https://example.test/a").title == expected


def test_a_stored_plain_text_copy_with_its_address_and_headline_on_top() -> None:
    text = (
        "https://monitor.example/2024/03/27/navy-seizes-cocaine?utm_source=feed\n"
        "Navy seizes three tons of cocaine\n"
        "date 2024-03 " + PROSE[0] + "\n\n" + "\n\n".join(PROSE[1:]) + "\n"
    )
    article = extract_article(text, url="file:///tmp/01.txt", content_type="text/plain")
    assert article.canonical_url == "https://monitor.example/2024/03/27/navy-seizes-cocaine"
    assert article.title == "Navy seizes three tons of cocaine"
    assert article.published_date == date(2024, 3, 27)
    assert "https://" not in article.body and article.title not in article.body
    assert article.body.endswith(PROSE[-1])
