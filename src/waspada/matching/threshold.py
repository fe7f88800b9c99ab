"""The default threshold of a dedupe or linkage: a precision target (issue #13 item 3).

The match probabilities are calibrated (docs/matching.md, "What a threshold means"), so the
model's own estimate of the precision of the pairs it links at a threshold ``t`` is the mean
probability of the pairs scored ``>= t``, and of its recall the sum of their probabilities
over the sum of all scored pairs'. A fixed threshold keeps a pair's odds fixed but not the
precision of the whole output: at scale more pairs sit in the uncertain band (namesakes grow
like n²) and precision at 0.5 fell from 0.994 at 20k to 0.971 at 1M. The threshold chosen
here is the smallest whose estimated precision reaches the target, never below
:data:`MIN_THRESHOLD` (a pair more likely two people than one is not linked). It is an option
(``--precision``), not the default: at 1M records on the held-out seed it held precision
(0.987) but lost 0.040 of recall against 0.5, more than the 0.03 allowed in advance.

Pure; linear after one sort.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["DEFAULT_PRECISION", "MIN_THRESHOLD", "ThresholdChoice", "check_precision",
           "check_threshold", "choose_threshold", "describe", "estimate", "of_linked", "show"]

#: the precision target of the dedupe page's automatic threshold, and the one suggested for
#: ``--precision`` (the default threshold stays 0.5: docs/matching.md, "The precision target")
DEFAULT_PRECISION = 0.99
#: a chosen threshold is never lower: a pair scored below 0.5 is more likely two people
MIN_THRESHOLD = 0.5


@dataclass(frozen=True)
class ThresholdChoice:
    """The threshold a run linked at and the model's estimates of what it linked."""

    threshold: float
    #: estimated precision: the mean probability of the pairs at or above ``threshold``
    #: (1.0 when there are none)
    precision: float
    #: estimated recall: their summed probability over that of every scored pair (the pairs
    #: never scored — not blocked, or below the scoring floor — are not counted)
    recall: float
    #: the precision target the threshold was chosen for (None: the threshold was given)
    target: float | None = None
    #: pairs at or above ``threshold``
    pairs: int = 0


def check_threshold(threshold: float) -> None:
    """A threshold is a probability in (0, 1]; ``ValueError`` otherwise (NaN too)."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError("the threshold must be a probability in (0, 1]")


def check_precision(target: float) -> None:
    """A precision target is in (0.5, 1); ``ValueError`` otherwise (NaN too)."""
    if not 0.5 < target < 1.0:
        raise ValueError("the precision target must be in (0.5, 1), e.g. 0.99")


def _probabilities(probabilities: Iterable[float]) -> np.ndarray:
    p = np.fromiter(probabilities, dtype=float)
    if p.size and not (np.isfinite(p).all() and p.min() >= 0.0 and p.max() <= 1.0):
        raise ValueError("match probabilities must be finite and in [0, 1]")
    return p


def estimate(probabilities: Iterable[float], threshold: float,
             target: float | None = None) -> ThresholdChoice:
    """The estimated precision and recall of linking the pairs scored ``>= threshold``."""
    check_threshold(threshold)
    p = _probabilities(probabilities)
    return _estimate(p, threshold, target)


def _estimate(p: np.ndarray, threshold: float, target: float | None) -> ThresholdChoice:
    return of_linked(p[p >= threshold], p, threshold, target)


def of_linked(linked: Iterable[float], scored: Iterable[float], threshold: float,
              target: float | None = None) -> ThresholdChoice:
    """The estimates of linking the pairs of probabilities ``linked`` (a subset of ``scored``,
    e.g. the pairs a one-to-one assignment kept at ``threshold``): precision their mean, recall
    their sum over that of every ``scored`` pair."""
    kept = np.fromiter(linked, dtype=float)
    total = float(np.fromiter(scored, dtype=float).sum())
    return ThresholdChoice(threshold=float(threshold),
                           precision=float(kept.mean()) if kept.size else 1.0,
                           recall=float(kept.sum()) / total if total > 0 else 0.0,
                           target=target, pairs=int(kept.size))


#: how far below the target a running mean may fall by rounding and still count as reaching it
MEAN_TOLERANCE = 1e-12


def choose_threshold(probabilities: Iterable[float], target: float = DEFAULT_PRECISION,
                     floor: float = MIN_THRESHOLD) -> ThresholdChoice:
    """The smallest threshold ``t >= floor`` whose estimated precision (mean probability of
    the pairs scored ``>= t``) is at least ``target``, with its estimates.

    The candidates are the scored probabilities themselves (pairs with equal probability are
    linked together or not at all). The mean of the top pairs can only fall as the threshold
    falls, so the pairs that qualify are a prefix of them, ordered by probability. When even
    the most probable pair is below ``target``, the threshold is ``target``: nothing is linked.
    """
    check_precision(target)
    if not 0.0 <= floor <= 1.0:
        raise ValueError("the threshold floor must be in [0, 1]")
    p = _probabilities(probabilities)
    s = np.sort(p)[::-1]
    t = float(target)
    if s.size:
        means = np.cumsum(s) / np.arange(1, s.size + 1)
        ends = np.ones(s.size, dtype=bool)  # the last pair of a run of equal probabilities
        ends[:-1] = s[:-1] != s[1:]
        # a running mean is a sum divided, rounded on the way: a mean equal to the target
        # (4.6 / 5 for 0.92) may come out one ulp below it, so compare with a tolerance
        ok = np.flatnonzero(ends & (means >= target - MEAN_TOLERANCE))
        if ok.size:
            t = float(s[ok[-1]])
    return _estimate(p, max(t, floor), target)


def show(threshold: float) -> str:
    """A threshold as printed: up to six decimals, no trailing zeros (a chosen threshold may
    be 0.999951, which four decimals would round to 1)."""
    return f"{threshold:.6f}".rstrip("0").rstrip(".")


def describe(choice: ThresholdChoice) -> str:
    """One line on the threshold used and its estimates (printed by the CLI)."""
    how = ("fixed" if choice.target is None else
           f"chosen for an estimated precision >= {choice.target:g}")
    if not choice.pairs:
        return (f"threshold {show(choice.threshold)} ({how}): no pair scored at or above it "
                f"(estimated recall 0 of the pairs scored >= 0.001)")
    return (f"threshold {show(choice.threshold)} ({how}): estimated precision "
            f"{choice.precision:.4f}, estimated recall {choice.recall:.4f} of the pairs scored "
            f">= 0.001; {choice.pairs:,} pairs at or above the threshold")
