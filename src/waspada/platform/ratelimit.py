"""A small in-process sliding-window rate limiter (login throttling, public forms)."""

from __future__ import annotations

import threading
import time
from collections import deque


class RateLimiter:
    """Allow at most ``limit`` events per ``window`` seconds for each key."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> bool:
        """Record an event; return False when the key is over its limit (the event is refused)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            if len(self._events) > 50_000:  # bound memory under a flood of distinct keys
                self._events = {k: v for k, v in self._events.items() if v}
            return True

    def reset(self) -> None:
        with self._lock:
            self._events.clear()
