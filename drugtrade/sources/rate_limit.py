"""A per-host minimum interval between requests, shared by the threads of one client."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit


class HostRateLimiter:
    """Spaces requests to one host at least ``min_interval`` seconds apart; other hosts are not
    held back. One instance per client, so two clients do not throttle each other."""

    def __init__(self, min_interval: float) -> None:
        self._min_interval = min_interval
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}

    def wait_turn(self, url: str) -> None:
        """Reserve the next request slot for the URL's host, then sleep until it comes.

        Slots are reserved under the lock and slept outside it, so concurrent threads hitting
        one host queue up at min_interval spacing while other hosts are not held back."""
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self._min_interval
        if slot > now:
            time.sleep(slot - now)
