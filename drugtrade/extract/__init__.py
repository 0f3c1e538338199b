"""Article text extraction: clean body text, statements, mentions, numeric facts and topics.

    extract_article(content, url=..., content_type=None) -> ExtractedArticle   (content.py)
    extract_statements(body) -> list[Statement]                                 (statements.py)
    extract_mentions(body) -> list[Mention]                                     (mentions.py)
    extract_facts(body, published_date=None) -> list[TextFact]                  (facts.py)
    find_quantities(text) -> list[Quantity]                                     (quantities.py)
    tag_topics(text) -> tuple[str, ...]                                         (topics.py)

Countries, drugs and units come from the vocabularies the statistics side uses too
(drugtrade.vocab). Every function is pure: no module keeps mutable state (the cached tables are
read-only views of the seeds and pycountry), so the pipeline can run them in a process pool.
"""
