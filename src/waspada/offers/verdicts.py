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

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, get_args

from waspada.platform.tallies import Share

LEVELS = ("low", "medium", "high")
#: the statuses a report takes (the one definition: the API model, the page and the CLI read it)
ReportStatus = Literal["new", "reviewed", "referred", "dismissed"]
STATUSES: tuple[str, ...] = get_args(ReportStatus)
#: the statuses that are a decision about the offer (the others are still open)
DECIDED = ("referred", "dismissed")


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
        return {"counts": {lv: dict(row) for lv, row in self.counts.items()},
                "total": self.total, "decided": self.decided,
                "high_referred": self.high_referred.to_dict(),
                "referred_high": self.referred_high.to_dict(),
                "dismissed_high": self.dismissed_high.to_dict()}


def tally(rows: Iterable[tuple[str, str, int]]) -> ReportVerdicts:
    """Rows of (level, status, count), as a ``GROUP BY`` gives them. Levels and statuses the
    table does not know (an older engine's name, say) are kept under their own name."""
    counts: dict[str, dict[str, int]] = {lv: dict.fromkeys(STATUSES, 0) for lv in LEVELS}
    for level, status, n in rows:
        row = counts.setdefault(level, dict.fromkeys(STATUSES, 0))
        row[status] = row.get(status, 0) + int(n)
    return ReportVerdicts(counts)
