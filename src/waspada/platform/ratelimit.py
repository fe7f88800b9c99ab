"""Small in-process limiters: a sliding-window rate limiter (login throttling, public forms)
and a limit on simultaneous operations per key (the match API)."""

from __future__ import annotations

import threading
import time
from collections import deque

#: keys a limiter holds at most. A flood of distinct keys (an attacker chooses the Primero
#: destination in ``destination|ip`` and an inbox bundle's claimed sender) first drops the keys
#: with no event left in the window, then the keys whose newest event is oldest, down to half
#: this number: memory stays bounded and the pruning costs O(log n) per event, amortised.
MAX_KEYS = 50_000


class RateLimiter:
    """Allow at most ``limit`` events per ``window`` seconds for each key."""

    def __init__(self, limit: int, window: float, max_keys: int = MAX_KEYS) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> bool:
        """Record an event; return False when the key is over its limit (the event is refused)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= self.max_keys:
                    self._prune(now)
                events = self._events[key] = deque()
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def _prune(self, now: float) -> None:
        """Drop expired keys; if more than half the cap remain, keep the most recent half.

        (The old bound kept every key with an event, that is all of them, and rebuilt the
        whole dict on every event once over the cap: 4 ms per request at 50,000 keys.)"""
        cutoff = now - self.window
        live = {k: v for k, v in self._events.items() if v and v[-1] > cutoff}
        keep = self.max_keys // 2
        if len(live) > keep:
            newest = sorted(live, key=lambda k: live[k][-1], reverse=True)[:keep]
            live = {k: live[k] for k in newest}
        self._events = live

    def __len__(self) -> int:
        return len(self._events)

    def reset(self) -> None:
        with self._lock:
            self._events.clear()


class InFlightLimiter:
    """At most ``limit`` operations in flight at once for each key, across the threads of one
    process (each server process counts its own). A key is forgotten when its last operation
    ends, so memory is bounded by the operations running."""

    def __init__(self) -> None:
        self._running: dict[object, int] = {}
        self._lock = threading.Lock()

    def acquire(self, key: object, limit: int) -> bool:
        """Take a slot for ``key``; False (nothing taken) when ``limit`` are already taken.
        Every True must be followed by exactly one :meth:`release` (``try``/``finally``)."""
        with self._lock:
            running = self._running.get(key, 0)
            if running >= limit:
                return False
            self._running[key] = running + 1
            return True

    def release(self, key: object) -> None:
        with self._lock:
            running = self._running.get(key, 0) - 1
            if running > 0:
                self._running[key] = running
            else:
                self._running.pop(key, None)

    def running(self, key: object) -> int:
        with self._lock:
            return self._running.get(key, 0)
