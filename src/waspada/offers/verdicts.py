"""Officers' verdicts on the offers the public reported, set against the engine's level.

A report keeps the level the public saw when they sent it. An analyst who reviews it either
refers it on (``referred``: a risky offer someone should act on) or dismisses it
(``dismissed``). Those two decisions are real, consented labels of real texts, so their
tally is the engine measured where it is used: of the reports it called high, how many did
officers refer (what "high" is worth); of the reports officers referred, how many it called
high (what it catches); of those they dismissed, how many it called high (false alarms).
Counts only: no text, no contact, no person.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

LEVELS = ("low", "medium", "high")
#: the statuses a report takes (the one definition: the API model, the page and the CLI read it)
ReportStatus = Literal["new", "reviewed", "referred", "dismissed"]
STATUSES: tuple[str, ...] = get_args(ReportStatus)
#: the statuses that are a decision about the offer (the others are still open)
DECIDED = ("referred", "dismissed")
_Z95 = 1.959963984540054
#: the range a ``since`` day may take (an earlier or later one is a mistake, and the year-1 or
#: year-9999 edges do not survive the conversion to UTC)
SINCE_MIN, SINCE_MAX = date(2000, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class Share:
    """``count`` of ``total``, with its Wilson 95 % interval (small counts are the rule here)."""

    count: int
    total: int

    @property
    def value(self) -> float | None:
        return self.count / self.total if self.total else None

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.total:
            return None
        n, p, z = self.total, self.count / self.total, _Z95
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        # the interval always holds p: pin the ends rounding could push past it (0 of n, n of n)
        return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


@dataclass(frozen=True)
class ReportVerdicts:
    """Reports counted by the engine's level and the officers' status."""

    counts: dict[str, dict[str, int]]

    def count(self, level: str | None = None, status: str | None = None) -> int:
        return sum(n for lv, row in self.counts.items() if level in (None, lv)
                   for st, n in row.items() if status in (None, st))

    @property
    def total(self) -> int:
        return self.count()

    @property
    def decided(self) -> int:
        return sum(self.count(status=s) for s in DECIDED)

    @property
    def high_referred(self) -> Share:
        """Of the decided reports the engine called high, the share officers referred."""
        return Share(self.count("high", "referred"),
                     sum(self.count("high", s) for s in DECIDED))

    @property
    def referred_high(self) -> Share:
        """Of the reports officers referred, the share the engine had called high."""
        return Share(self.count("high", "referred"), self.count(status="referred"))

    @property
    def dismissed_high(self) -> Share:
        """Of the reports officers dismissed, the share the engine had called high."""
        return Share(self.count("high", "dismissed"), self.count(status="dismissed"))

    def to_dict(self) -> dict[str, object]:
        def share(s: Share) -> dict[str, object]:
            return {"count": s.count, "total": s.total, "value": s.value,
                    "interval95": list(s.interval) if s.interval else None}

        return {"counts": {lv: dict(row) for lv, row in self.counts.items()},
                "total": self.total, "decided": self.decided,
                "high_referred": share(self.high_referred),
                "referred_high": share(self.referred_high),
                "dismissed_high": share(self.dismissed_high)}


def tally(rows: Iterable[tuple[str, str, int]]) -> ReportVerdicts:
    """Rows of (level, status, count), as a ``GROUP BY`` gives them. Levels and statuses the
    table does not know (an older engine's name, say) are kept under their own name."""
    counts: dict[str, dict[str, int]] = {lv: dict.fromkeys(STATUSES, 0) for lv in LEVELS}
    for level, status, n in rows:
        row = counts.setdefault(level, dict.fromkeys(STATUSES, 0))
        row[status] = row.get(status, 0) + int(n)
    return ReportVerdicts(counts)
