"""Getting article pages off the web politely: an HTTP client, discovery of article URLs from
feeds, WordPress, sitemaps and local folders, and a batch fetcher that never loses a page silently."""

from drugtrade.sources.articles import FetchedPage, RejectedPage, fetch_articles
from drugtrade.sources.discovery import ArticleRef, DiscoveryError, discover
from drugtrade.sources.http import DEFAULT_USER_AGENT, FetchError, FetchResult, HttpClient, validators_path

__all__ = [
    "DEFAULT_USER_AGENT",
    "ArticleRef",
    "DiscoveryError",
    "FetchError",
    "FetchResult",
    "FetchedPage",
    "HttpClient",
    "RejectedPage",
    "discover",
    "fetch_articles",
    "validators_path",
]
