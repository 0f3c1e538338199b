"""The paragraph filter applied after main-content extraction, to HTML and plain text alike.

trafilatura keeps in-body "SEE ALSO:" paragraphs, "Read more:" links, pagination strips and,
for plain-text copies of pages, whatever the copy carried along (related-article teasers,
pull quotes). These rules remove them paragraph by paragraph; none of them edits the text of a
paragraph it keeps, so offsets into the cleaned body stay meaningful.
"""

from __future__ import annotations

import re
import unicodedata

# A paragraph starting with one of these labels followed by a colon is navigation, whatever
# follows ("SEE ALSO: Mexico News and Profiles", "Read more: How banana exporters...").
# The same labels in the other languages of the sources (Spanish, Portuguese, French).
_LABELS_ES_PT_FR = (
    r"lee también|lea también|te puede interesar|le puede interesar|también te puede interesar|"
    r"noticias relacionadas|artículos relacionados|más noticias|leia também|veja também|saiba mais|"
    r"notícias relacionadas|leia mais|lire aussi|à lire aussi|voir aussi|sur le même sujet"
)
_LABEL_COLON = re.compile(
    r"^\s*(see also|read more|read also|also read|related( articles?| coverage| stories| content)?|"
    r"more from [\w &]+|recommended( reading)?|you may also like|watch|listen|share( this( article| story)?)?|"
    r"follow us( on [\w ]+)?|tags?|topics|filed under|photo|image|video|advertisement|sponsored|"
    rf"{_LABELS_ES_PT_FR})\s*[:|»>-]",
    re.IGNORECASE,
)
# The same labels standing alone on a short line ("Related", "You may also like").
_LABEL_ALONE = re.compile(
    r"^\s*(see also|read more|read also|also read|related( articles?| coverage| stories| content)?|"
    r"more from [\w &]+|recommended( reading)?|you may also like|advertisement|sponsored|"
    r"share( this( article| story)?)?|follow us|subscribe( now)?|sign up( for [\w ]+)?|click here[\w ]*|"
    rf"back to top|comments?|leave a comment|print|email|{_LABELS_ES_PT_FR})\s*[.!»>]*\s*$",
    re.IGNORECASE,
)
# Calls to action: newsletter, app, subscription and letters-to-the-editor promotions. A short
# paragraph is one when it opens like a call to action AND names what it sells.
_PROMO_OPENING = re.compile(
    r"^\W*(sign up|subscribe|get (the|our)|join (our|us)|download (the|our)|follow us|like us|click here|"
    r"don.t miss|never miss|we want to hear|do you want to (be informed|receive|get)|want more|"
    r"(enjoyed|like|liked) this (article|story)|support (our|independent) journalism)\b",
    re.IGNORECASE,
)
_PROMO_OFFER = re.compile(
    r"\b(newsletters?|sign up|subscribe|subscription|premium|app|podcast|by email|in your inbox|follow us|"
    r"letters? to the editor|facebook|twitter|instagram|donate)\b",
    re.IGNORECASE,
)
# Affiliate and advertiser disclosures printed above or below reviews and shopping stories.
_DISCLOSURE = re.compile(
    r"\b(affiliate (links?|commissions?|partners?)|we (may )?(earn|receive) (a )?(small )?(commission|compensation)|"
    r"contains (affiliate )?(links|references) to products|from (one or more of )?our advertisers|"
    r"independent(ly)? review(ed)? process|paid (partnership|promotion)|sponsored content)\b",
    re.IGNORECASE,
)
# A caption that trafilatura kept as a paragraph: a sentence or two, then the picture's credit
# ("... in the port. By U.S. Customs", "... at the border. (Photo: Navy)").
_CAPTION_CREDIT = re.compile(
    r"[.!?”\"]\s+\(?(?i:photos?|images?|pictures?|photo credit|credit|courtesy( of)?|by|foto)\s*(?i:by)?\s*[:|]?\s*"
    r"[A-ZÀ-Ý][\w.'’&/-]*(\s+[A-ZÀ-Ý&/][\w.'’&/-]*){0,6}\)?\s*$"
)
_COPYRIGHT = re.compile(r"^\s*(©|\(c\)|copyright\b)", re.IGNORECASE)
_BYLINE = re.compile(r"^\s*by\s+[A-ZÀ-Ý][\w'’.-]+(\s+[A-ZÀ-Ý][\w'’.-]+){0,4}\s*([|·,-].*)?$")
_DATE = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b|\b\d{4}-\d{2}-\d{2}\b",
    re.IGNORECASE,
)
_PAGER_TOKEN = re.compile(
    r"^(\d{1,3}|[•·|…«»‹›<>/←→-]+|\.{2,}|prev(ious)?|next|first|last|pages?:?|of|older|newer)$",
    re.IGNORECASE,
)
_PAGER_KEY = re.compile(r"^(\d{1,3}|prev(ious)?|next|older|newer)$", re.IGNORECASE)
# "quoted text - Speaker Name" on a paragraph of its own: the typographic form of a pull quote.
_PULL_QUOTE = re.compile(
    r"^\s*[\"“”«]?(?P<quote>.+?)[\"“”»]?\s+[-–—―]\s*(?P<who>[A-ZÀ-Ý][^.!?\"“”]{2,90})\s*$"
)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\"“”‘’'«»]", "", text)
    text = re.sub(r"[^\w]+", " ", text)
    return text.strip()


def _words(text: str) -> int:
    return len(text.split())


def is_pagination(paragraph: str) -> bool:
    tokens = paragraph.split()
    if len(tokens) < 2:
        return bool(tokens) and tokens[0].lower() in {"prev", "next", "previous"}
    return all(_PAGER_TOKEN.match(t) for t in tokens) and sum(bool(_PAGER_KEY.match(t)) for t in tokens) >= 2


def is_navigation(paragraph: str) -> bool:
    """Labels, promotions, bylines, datelines, copyright notices and pagers: paragraphs that are not prose."""
    text = paragraph.strip()
    if not text:
        return True
    words = _words(text)
    if words > 50:
        return is_pagination(text)  # the other rules are for short lines
    if words <= 25 and _LABEL_COLON.match(text):
        return True
    if _LABEL_ALONE.match(text):
        return True
    if words <= 30 and _PROMO_OPENING.match(text) and _PROMO_OFFER.search(text):
        return True
    if _DISCLOSURE.search(text):
        return True
    if words <= 40 and _CAPTION_CREDIT.search(text):
        return True
    if words <= 30 and _COPYRIGHT.match(text):
        return True
    if words <= 10:
        if _BYLINE.match(text):
            return True
        if _DATE.search(text) and not text.rstrip().endswith((".", "”", '"')):
            return True
    return is_pagination(text)


def _is_heading_like(paragraph: str) -> bool:
    text = paragraph.strip()
    return 0 < _words(text) <= 20 and not text.endswith((".", "!", "?", '"', "”", ":"))


def _pull_quote_text(paragraph: str) -> str | None:
    match = _PULL_QUOTE.match(paragraph)
    if not match or _words(match.group("quote")) < 4:
        return None
    return match.group("quote")


def clean_paragraphs(paragraphs: list[str], title: str | None = None) -> list[str]:
    """Keep the paragraphs of the article itself, in order, unchanged."""
    paras = [re.sub(r"\s+", " ", p).strip() for p in paragraphs]
    paras = [p for p in paras if p]
    # The headline is metadata; trafilatura and plain-text copies repeat it as the first line.
    if title and paras and _norm(paras[0]) == _norm(title):
        paras = paras[1:]

    drop = [is_navigation(p) for p in paras]
    # Normalised once, and only for the paragraphs a rule below compares.
    normalised: dict[int, str] = {}

    def norm(index: int) -> str:
        if index not in normalised:
            normalised[index] = _norm(paras[index])
        return normalised[index]

    # Related-article teasers: a title printed twice (image alt text and link) and its blurb.
    i = 0
    while i < len(paras) - 1:
        if _is_heading_like(paras[i]) and norm(i) == norm(i + 1):
            drop[i] = drop[i + 1] = True
            blurb = i + 2
            if blurb < len(paras) and not (blurb + 1 < len(paras) and norm(blurb) == norm(blurb + 1)):
                ends_teaser = blurb == len(paras) - 1 or (
                    blurb + 2 < len(paras) and norm(blurb + 1) == norm(blurb + 2)
                )
                if ends_teaser or paras[blurb].rstrip().endswith(("...", "…")):
                    drop[blurb] = True
            i += 2
        else:
            i += 1

    # Pull quotes repeat a sentence of the article with the speaker's name after a dash.
    for k, paragraph in enumerate(paras):
        quote = _pull_quote_text(paragraph)
        if quote is None:
            continue
        needle = _norm(quote)
        if any(needle in norm(j) for j in range(len(paras)) if j != k and not drop[j]):
            drop[k] = True

    return [p for p, d in zip(paras, drop, strict=True) if not d]
