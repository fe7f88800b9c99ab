"""Sign-in throttle: failed attempts are counted per (username, client address).

After ``max_failures`` failures from one address for one username, that pair is refused for
``base_seconds``; each further lockout of the same pair doubles the wait (exponential backoff,
at most ``max_seconds``). A success clears the pair. Nobody can lock an account out from
*another* address, so a stranger who knows the admin's username cannot keep the admin out.

The state is kept in memory, per process, like the per-address :class:`RateLimiter`; it is a
throttle on password guessing, not an account state (API tokens keep working, see auth.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

#: a pair untouched for this long is forgotten (its backoff starts again from the base)
FORGET_AFTER_SECONDS = 24 * 3600
#: the most pairs kept; beyond it, pairs that are neither locked nor recent are dropped first
MAX_KEYS = 100_000


@dataclass
class _Pair:
    failures: int = 0
    lockouts: int = 0
    locked_until: float = 0.0
    last_seen: float = 0.0


class LoginThrottle:
    def __init__(self, max_failures: int, base_seconds: float, max_seconds: float = 24 * 3600,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max(1, max_failures)
        self.base_seconds = base_seconds
        self.max_seconds = max_seconds
        self.clock = clock
        self._pairs: dict[tuple[str, str], _Pair] = {}
        self._lock = threading.Lock()

    def locked_for(self, username: str, client: str) -> float:
        """Seconds this (username, client) pair must still wait; 0 when it may try."""
        now = self.clock()
        with self._lock:
            pair = self._pairs.get((username, client))
            return max(0.0, pair.locked_until - now) if pair else 0.0

    def failure(self, username: str, client: str) -> bool:
        """Count a failed attempt; True when it starts a lockout for this pair."""
        now = self.clock()
        with self._lock:
            key = (username, client)
            pair = self._pairs.get(key)
            if pair is None or now - pair.last_seen > FORGET_AFTER_SECONDS:
                pair = self._pairs[key] = _Pair()
                self._prune(now)
            pair.last_seen = now
            pair.failures += 1
            if pair.failures < self.max_failures:
                return False
            pair.failures = 0
            pair.lockouts += 1
            wait = min(self.max_seconds, self.base_seconds * 2 ** min(pair.lockouts - 1, 30))
            pair.locked_until = now + wait
            return True

    def success(self, username: str, client: str) -> None:
        with self._lock:
            self._pairs.pop((username, client), None)

    def reset(self) -> None:
        with self._lock:
            self._pairs.clear()

    def _prune(self, now: float) -> None:
        if len(self._pairs) <= MAX_KEYS:
            return
        self._pairs = {key: pair for key, pair in self._pairs.items()
                       if pair.locked_until > now or now - pair.last_seen < 3600}
        if len(self._pairs) > MAX_KEYS:  # a flood of recent pairs: keep only the locked ones
            self._pairs = {key: pair for key, pair in self._pairs.items()
                           if pair.locked_until > now}
