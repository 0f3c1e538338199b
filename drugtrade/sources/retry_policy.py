"""When to try a failed request again and how long to wait: exponential backoff with jitter, or
the server's Retry-After up to a cap."""

from __future__ import annotations

import email.utils
import random
import threading
from datetime import UTC, datetime

from drugtrade.errors import DrugtradeError


class Retryable(DrugtradeError):
    """A transient failure of one attempt; the caller decides whether to try again (the client
    turns the last one into a FetchError, so it never leaves the client)."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent or invalid."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryPolicy:
    """``retries`` more attempts after the first; thread-safe (one jitter source per policy)."""

    def __init__(
        self, *, retries: int, backoff: float, max_backoff: float, max_retry_after: float, seed: int | None
    ) -> None:
        self.retries = retries
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._max_retry_after = max_retry_after
        self._random = random.Random(seed)
        self._random_lock = threading.Lock()

    def gives_up(self, attempts: int) -> bool:
        """True when ``attempts`` tries have failed and no retry is left."""
        return attempts > self.retries

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if retry_after is not None:
            return min(retry_after, self._max_retry_after)
        base = min(self._backoff * 2.0 ** (attempt - 1), self._max_backoff)
        with self._random_lock:
            spread = self._random.random()
        # Jitter keeps parallel workers that failed together from retrying in lockstep.
        return base * (0.5 + spread)
