"""Main content of a fetched article: metadata and clean body text, from HTML or plain text.

HTML is parsed once, by trafilatura's own loader (the best open extractor measured on this kind
of page: F1 .960 on the ScrapingHub article-extraction benchmark of 181 pages, readability-lxml
.949, goose3 .875). One metadata pass of our own (page_metadata.py) reads
JSON-LD, <meta> tags, <time> and the URL. Asides are pruned on whole class and id tokens, never on
substrings and never when the element holds the article. trafilatura then extracts the main text
with tables (its fast path, and its full cascade as a second opinion on a short result), and the
paragraph filter of boilerplate.py, which plain text goes through too, removes what is left of
navigation.
The body keeps one paragraph per block separated by a blank line; every offset the other
extractors give is an index into this string. Measured against trafilatura alone by
tests/extract/test_content_pages_score.py and scripts/bench_content.py.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, cast

import trafilatura
from lxml.etree import LxmlError, ParserError
from lxml.html import HtmlElement
from trafilatura.utils import load_html
from trafilatura.xml import delete_element

from drugtrade.errors import DrugtradeError
from drugtrade.extract.boilerplate import clean_paragraphs
from drugtrade.extract.decoding import DecodeFailure, decode
from drugtrade.extract.language import detect_language
from drugtrade.extract.lexicon import word_list
from drugtrade.extract.page_metadata import clean_url, page_metadata, url_date

if TYPE_CHECKING:
    from trafilatura.settings import Document

MAX_BYTES = 5_000_000
# Real pages have thousands to tens of thousands of tags; beyond this the page is junk or an
# attack, and trafilatura's tree walks would take seconds.
MAX_TAGS = 250_000
MIN_BODY_CHARS = 120
# Below this many characters, trafilatura's fast result gets a second opinion (its full cascade).
SECOND_OPINION_CHARS = 1000
MIN_BODY_WORDS = 15

# Asides that trafilatura may keep inside <article>: pull quotes, teasers, sharing bars, pagers,
# breadcrumbs. Matched on whole class tokens (and on id), never on substrings: a substring rule
# like "share" or "read-more" also matches "f_share_tools_on" on <body> or
# "entry-content-read-more" on the article container and throws the article away.
_ASIDE_TOKENS = frozenset(
    word_list(
        """
    pullquote pull-quote pull_quote pullQuote blockquote-pull
    related related-posts related-post related-articles related-article related-stories related-content
    related-links relatedposts related_posts yarpp-related jp-relatedposts crp_related
    teaser teasers recommended recommendations more-stories morestories more-articles read-next readnext
    read-more-links also-read see-also
    share shares sharing share-bar share-buttons share-links share-tools sharedaddy social social-share
    social-links social-media social-icons social-buttons addthis addtoany a2a_kit
    pagination pager nav-links post-navigation page-numbers
    breadcrumb breadcrumbs crumbs
    newsletter newsletter-signup subscribe subscription-box
    advert advertisement ad-container ad-slot ad-wrapper adsbygoogle sponsored
        """
    )
)
# A matched element holding at least this share of the page's paragraph text is the article
# (or wraps it), not an aside: it stays.
_MAX_ASIDE_SHARE = 0.3
# Below this many characters of <p> text, a page's text is measured on all its elements.
_FEW_PARAGRAPH_CHARS = 500
_HTML_SNIFF = re.compile(
    r"<\s*/?\s*(!doctype\s+html|html|head|body|p|div|span|a|article|meta|title|link|script|style)\b",
    re.IGNORECASE,
)
_BARE_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


class ExtractionError(DrugtradeError, ValueError):
    """The page could not be turned into an article. ``kind`` is one of: empty page, no article,
    binary, truncated, too large, undecodable; the message names the URL and the reason."""

    def __init__(self, url: str, kind: str, detail: str = "") -> None:
        self.url = url
        self.kind = kind
        self.detail = detail
        super().__init__(f"{url}: {kind}" + (f": {detail}" if detail else ""))


@dataclass(frozen=True, kw_only=True)
class ExtractedArticle:
    title: str | None
    author: str | None
    published_date: date | None
    canonical_url: str | None
    language: str | None
    body: str


def _as_text(content: bytes | str, url: str, content_type: str | None, max_bytes: int) -> str:
    # A str has at least as many UTF-8 bytes as characters: an oversized one is not encoded to tell.
    size = len(content)
    if isinstance(content, str) and size <= max_bytes:
        size = len(content.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ExtractionError(url, "too large", f"{size} bytes, the limit is {max_bytes}")
    if isinstance(content, bytes):
        if not content.strip():
            raise ExtractionError(url, "empty page", f"{len(content)} bytes of whitespace")
        try:
            text = decode(content, content_type)
        except DecodeFailure as failure:
            raise ExtractionError(url, failure.kind, failure.detail) from None
    else:
        text = content
        if "\x00" in text[:8192]:
            raise ExtractionError(url, "binary", "contains NUL characters")
    # A NUL past the sniffed head is damage, not a binary file: libxml2 would stop reading there.
    text = text.lstrip("\ufeff").replace("\x00", "")
    if not text.strip():
        raise ExtractionError(url, "empty page", "no characters but whitespace")
    return text


def _is_html(text: str, content_type: str | None) -> bool:
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime == "text/plain":
        return False
    if mime in {"text/html", "application/xhtml+xml"}:
        return True
    # Pages may open with kilobytes of inline CSS or script before the first structural tag.
    return len(list(itertools.islice(_HTML_SNIFF.finditer(text, 0, 65_536), 2))) >= 2


def _choose_language(declared: str | None, body: str) -> str | None:
    detected, share = detect_language(body)
    # A declared language wins unless the text clearly says otherwise (templates often hard-code lang="en").
    if detected and (declared is None or (detected != declared and share >= 0.6)):
        return detected
    return declared


def _body_or_fail(paragraphs: list[str], url: str) -> str:
    body = "\n\n".join(paragraphs)
    if len(body) < MIN_BODY_CHARS or len(body.split()) < MIN_BODY_WORDS:
        raise ExtractionError(url, "no article", f"only {len(body)} characters of body text after cleaning")
    return body


# class and id values in the page source; found by a regular expression (the scan runs in C) and
# tested once per distinct value, so the tree is searched only for the few that name an aside.
# A literal prefix keeps the scan fast; the rare CLASS= or class = only loses a prune.
_CLASS_VALUE = re.compile(r"""class=["']([^"'<>]*)""")
_ID_VALUE = re.compile(r""" id=["']([^"'<>]*)""")
_NEVER_PRUNED = "not(self::html or self::body or self::main or self::article)"


def _aside_values(pattern: re.Pattern[str], source: str) -> list[str]:
    return sorted(v for v in set(pattern.findall(source)) if not _ASIDE_TOKENS.isdisjoint(v.split()))


def _aside_xpath(source: str) -> str | None:
    """An XPath selecting the elements whose class or id has an aside token, or None."""
    tests = [  # the values hold no quote marks (the patterns stop at them), so '...' is safe
        f"@{attribute}='{value}'"
        for attribute, pattern in (("class", _CLASS_VALUE), ("id", _ID_VALUE))
        for value in _aside_values(pattern, source)
    ]
    return f"//*[{' or '.join(tests)}][{_NEVER_PRUNED}]" if tests else None


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(len(p.text_content()) for p in element.iter("p"))


def _all_text_chars(element: HtmlElement) -> int:
    return len(element.text_content())


def _prune_asides(tree: HtmlElement, source: str) -> None:
    """Remove elements whose class or id tokens name an aside, unless they hold the article."""
    expression = _aside_xpath(source)
    if expression is None:
        return
    matches = tree.xpath(expression)
    measure = _paragraph_chars
    page_text = measure(tree)
    if page_text < _FEW_PARAGRAPH_CHARS:
        # Text laid out in <div>s and <br>s: all text counts (scripts too, which errs on keeping).
        measure = _all_text_chars
        page_text = measure(tree)
    for element in matches:
        if element.getroottree().getroot() is not tree:
            continue  # inside an aside removed already
        if next(element.iter("article", "main"), None) is not None:
            continue  # wraps the article container
        if page_text and measure(element) >= _MAX_ASIDE_SHARE * page_text:
            continue
        delete_element(element)


def _main_text(tree: HtmlElement, url: str, *, fast: bool) -> str:
    """trafilatura's main text of the page, one block per line ("" when it finds none). It works
    on a copy, so the tree can be extracted again."""
    # Without as_dict=True, bare_extraction returns a Document (or None).
    document = cast(
        "Document | None",
        trafilatura.bare_extraction(
            tree,
            url=url,
            fast=fast,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            with_metadata=False,
        ),
    )
    return (document.text or "") if document is not None else ""


def _extract_html(text: str, url: str) -> ExtractedArticle:
    tags = text.count("<")
    if tags > MAX_TAGS:
        raise ExtractionError(url, "too large", f"{tags} tags, the limit is {MAX_TAGS}")
    lowered_tail = text[-4096:].lower()
    # HTML may omit </body></html>, so a page without them is cut only when it also stops
    # mid-text or mid-tag rather than after a closing tag.
    if (
        re.search(r"<\s*(html|body)\b", text[:8192], re.IGNORECASE)
        and "</html" not in lowered_tail
        and "</body" not in lowered_tail
        and not text.rstrip().endswith(">")
    ):
        raise ExtractionError(
            url, "truncated", "the HTML stops mid-text without its closing </body> or </html> tag"
        )
    try:
        # trafilatura's own loader: comments and processing instructions are dropped at parse
        # time, so text after an inline <!-- --> stays in its paragraph.
        tree = load_html(text)
    except (ParserError, ValueError, TypeError) as error:
        raise ExtractionError(url, "no article", f"the HTML does not parse ({error})") from None
    if tree is None:
        raise ExtractionError(url, "no article", "the HTML does not parse into a document")
    metadata = page_metadata(tree, url)
    _prune_asides(tree, text)
    try:
        main_text = _main_text(tree, url, fast=True)
        if len(main_text) < SECOND_OPINION_CHARS and _paragraph_chars(tree) > 1.5 * len(main_text):
            # A short result on a page with more paragraph text than it kept is where
            # trafilatura's comparison with readability and jusText recovers an article its own
            # rules missed; the other pages skip its cost.
            main_text = _main_text(tree, url, fast=False) or main_text
    except (RecursionError, LxmlError) as error:
        # libxml2 caps nesting at 256 levels, so this is a guard, not an expected path.
        raise ExtractionError(
            url, "no article", f"the page's structure defeats extraction ({error!r:.200})"
        ) from None
    if not main_text.strip():
        raise ExtractionError(url, "no article", "trafilatura found no main content")
    paragraphs = clean_paragraphs(main_text.split("\n"), title=metadata.title)
    body = _body_or_fail(paragraphs, url)
    return ExtractedArticle(
        title=metadata.title,
        author=metadata.author,
        published_date=metadata.published,
        canonical_url=metadata.canonical,
        language=_choose_language(metadata.language, body),
        body=body,
    )


def _is_title_line(line: str) -> bool:
    return 0 < len(line.split()) <= 25 and not line.endswith((".", "!", "?", '"', "”", ":"))


def _extract_plain(text: str, url: str) -> ExtractedArticle:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    title = source_url = None
    # Stored copies of pages often open with the page's address on line 1 and its headline on line 2.
    first_line, _, rest = text.partition("\n")
    if _BARE_URL.fullmatch(first_line.strip()):
        source_url = first_line.strip()
        second_line, _, after = rest.lstrip().partition("\n")
        if _is_title_line(second_line.strip()) and after.strip():
            title, rest = second_line.strip(), after
        text = rest
    blocks = [re.sub(r"\s*\n\s*", " ", b).strip() for b in re.split(r"\n[ \t\u00a0]*\n", text)]
    blocks = [b for b in blocks if b]
    if title is None and len(blocks) > 1 and len(blocks[0].split()) <= 20 and _is_title_line(blocks[0]):
        title = blocks[0]
    paragraphs = clean_paragraphs(blocks, title=title)
    body = _body_or_fail(paragraphs, url)
    return ExtractedArticle(
        title=title,
        author=None,
        published_date=url_date(source_url) if source_url else None,
        canonical_url=clean_url(source_url, url) if source_url else None,
        language=_choose_language(None, body),
        body=body,
    )


def extract_article(
    content: bytes | str, *, url: str, content_type: str | None = None, max_bytes: int = MAX_BYTES
) -> ExtractedArticle:
    """Metadata and clean body of one page. HTML or plain text is detected from the content type
    or the content; bytes are decoded with the declared or sniffed charset.

    Raises ExtractionError (a ValueError) naming the URL and why the page yields no article.
    """
    text = _as_text(content, url, content_type, max_bytes)
    if _is_html(text, content_type):
        return _extract_html(text, url)
    return _extract_plain(text, url)
