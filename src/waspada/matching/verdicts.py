"""Analysts' decisions on dedupe results, set against the score the review page showed.

When an analyst confirms or splits a cluster, or decides a pair of the review queue, the
decision is stored with the number shown beside it (``DedupeCluster.decided_score``): for a
cluster the weakest pair's score (``clusters.evidence``), for a review pair the run's match
probability. Those decisions are real labels of real records, so their tally is the engine's
calibration where it is used: of the pairs shown at about 0.3, are about 3 in 10 confirmed?
Per band of the shown score: confirmed, split, the share confirmed with its Wilson 95 %
interval, the mean shown score, and over all bands the calibration error (the decided-weighted
mean of |mean score − share confirmed|). Counts only: no name, no record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from waspada.platform.tallies import Share

#: band edges of the shown score; the last band holds 1.0
EDGES = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0)
KINDS = ("cluster", "pair")
DECISIONS = ("confirmed", "split")


def band_of(score: float) -> int:
    """The index of the band holding ``score`` (clamped into 0..1)."""
    for i in range(len(EDGES) - 2, -1, -1):
        if score >= EDGES[i]:
            return i
    return 0


@dataclass(frozen=True)
class Band:
    """Decisions on results shown with a score from ``low`` up to (not including) ``high``."""

    low: float
    high: float
    confirmed: int = 0
    split: int = 0
    score_sum: float = 0.0

    @property
    def decided(self) -> int:
        return self.confirmed + self.split

    @property
    def mean_score(self) -> float | None:
        return self.score_sum / self.decided if self.decided else None

    @property
    def confirmed_share(self) -> Share:
        return Share(self.confirmed, self.decided)

    def to_dict(self) -> dict[str, object]:
        return {"low": self.low, "high": self.high, "confirmed": self.confirmed,
                "split": self.split, "mean_score": self.mean_score,
                "confirmed_share": self.confirmed_share.to_dict()}


@dataclass(frozen=True)
class KindVerdicts:
    """The bands of one kind of result (clusters, or review pairs)."""

    bands: tuple[Band, ...]

    @property
    def decided(self) -> int:
        return sum(b.decided for b in self.bands)

    @property
    def calibration_error(self) -> float | None:
        """The decided-weighted mean of |mean shown score − share confirmed| over the bands."""
        if not self.decided:
            return None
        return sum(b.decided * abs((b.mean_score or 0.0) - (b.confirmed_share.value or 0.0))
                   for b in self.bands) / self.decided

    def to_dict(self) -> dict[str, object]:
        return {"decided": self.decided, "calibration_error": self.calibration_error,
                "bands": [b.to_dict() for b in self.bands]}


@dataclass(frozen=True)
class DedupeVerdicts:
    """Decided clusters and review pairs by shown score; ``unscored`` counts decisions stored
    without a score (made before scores were kept)."""

    clusters: KindVerdicts
    pairs: KindVerdicts
    unscored: int = 0

    @property
    def decided(self) -> int:
        return self.clusters.decided + self.pairs.decided + self.unscored

    def to_dict(self) -> dict[str, object]:
        return {"decided": self.decided, "unscored": self.unscored,
                "clusters": self.clusters.to_dict(), "pairs": self.pairs.to_dict()}


def tally(rows: Iterable[tuple[str, str, float | None]]) -> DedupeVerdicts:
    """Rows of (kind: ``cluster`` | ``pair``, decision: ``confirmed`` | ``split``, shown
    score or None). Undecided rows are not counted; a kind or decision outside those named is
    a programming error (``ValueError``)."""
    counts = {k: [[0, 0, 0.0] for _ in EDGES[:-1]] for k in KINDS}
    unscored = 0
    for kind, decision, score in rows:
        if kind not in KINDS or decision not in DECISIONS:
            raise ValueError(f"not a decided dedupe result: {kind!r}, {decision!r}")
        if score is None:
            unscored += 1
            continue
        shown = min(1.0, max(0.0, float(score)))
        cell = counts[kind][band_of(shown)]
        cell[0 if decision == "confirmed" else 1] += 1
        cell[2] += shown

    def of_kind(name: str) -> KindVerdicts:
        return KindVerdicts(tuple(Band(EDGES[i], EDGES[i + 1], int(c[0]), int(c[1]), c[2])
                                  for i, c in enumerate(counts[name])))

    return DedupeVerdicts(of_kind("cluster"), of_kind("pair"), unscored)
