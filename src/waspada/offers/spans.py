"""A set of half-open text spans answering "is this position covered?" in O(log n).

Entity extraction asks, for every candidate, whether an earlier finding already covers
it. Scanning a list of spans for each candidate is quadratic in the number of findings
(thousands in a 20,000-character text full of addresses); this index keeps the spans
merged and sorted, so the whole extraction stays linear-logarithmic.
"""

from __future__ import annotations

from bisect import bisect_right, insort


class SpanIndex:
    """Union of half-open spans ``[start, end)``; empty spans cover nothing."""

    __slots__ = ("_starts", "_ends")

    def __init__(self, spans: list[tuple[int, int]] | None = None) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for a, b in sorted(spans or []):
            self.add(a, b)

    def add(self, start: int, end: int) -> None:
        """Add ``[start, end)``; O(1) when spans arrive in start order, O(n) otherwise."""
        if end <= start:
            return
        if not self._starts or start > self._ends[-1]:
            if not self._starts or start >= self._starts[-1]:
                self._starts.append(start)
                self._ends.append(end)
                return
        elif start >= self._starts[-1]:
            self._ends[-1] = max(self._ends[-1], end)
            return
        # Out of order: insert, then merge the neighbourhood (rare; correct, not fast).
        pairs = list(zip(self._starts, self._ends, strict=True))
        insort(pairs, (start, end))
        self._starts, self._ends = [], []
        for a, b in pairs:
            if self._starts and a <= self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], b)
            else:
                self._starts.append(a)
                self._ends.append(b)

    def covers(self, pos: int) -> bool:
        """True if some span contains ``pos`` (``start <= pos < end``)."""
        k = bisect_right(self._starts, pos) - 1
        return k >= 0 and pos < self._ends[k]
