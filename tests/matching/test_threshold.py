"""The default threshold as a precision target (``matching/threshold.py``, issue #13 item 3)."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from waspada.matching.threshold import (
    MEAN_TOLERANCE,
    MIN_THRESHOLD,
    check_precision,
    choose_threshold,
    describe,
    estimate,
)

probabilities = st.lists(st.floats(0.0, 1.0, allow_nan=False), max_size=60)
# few distinct values, so that ties (linked together or not at all) occur often
tied = st.lists(st.sampled_from([0.0, 0.2, 0.45, 0.5, 0.7, 0.9, 0.95, 0.99, 0.999, 1.0]),
                max_size=60)
targets = st.floats(0.5, 1.0, exclude_min=True, exclude_max=True)


def _mean_at(ps: list[float], t: float) -> float | None:
    kept = [p for p in ps if p >= t]
    return sum(kept) / len(kept) if kept else None


def _brute(ps: list[float], target: float, floor: float) -> float:
    """The smallest candidate threshold (a scored value, or the target) >= floor whose pairs
    have a mean of at least the target (up to the engine's rounding tolerance), tried one by
    one."""
    for t in sorted(set(ps) | {target}):
        mean = _mean_at(ps, t)
        if t >= floor and (mean is None or mean >= target - MEAN_TOLERANCE):
            return t
    return max(target, floor)


@settings(max_examples=300, deadline=None)
@given(st.one_of(probabilities, tied), targets, st.sampled_from([0.0, MIN_THRESHOLD]))
@example([0.9, 0.9, 0.9, 1.0, 0.9], 0.92, 0.0)  # the mean 4.6 / 5 summed one ulp below 0.92
@example([0.0, 1.0], 0.5000000000000001, 0.0)  # a mean of 0.5 is within the tolerance of the target
def test_the_threshold_is_the_smallest_that_reaches_the_target(ps, target, floor) -> None:  # type: ignore[no-untyped-def]
    c = choose_threshold(ps, target, floor=floor)
    assert c.threshold >= floor and c.target == target
    mean = _mean_at(ps, c.threshold)
    assert c.pairs == sum(p >= c.threshold for p in ps)
    if mean is not None:  # the estimated precision at the chosen threshold reaches the target
        assert c.precision == pytest.approx(mean) and c.precision >= target - MEAN_TOLERANCE
    else:
        assert c.precision == 1.0
    # no smaller threshold (at or above the floor) would have reached it
    for t in {p for p in ps if floor <= p < c.threshold}:
        m = _mean_at(ps, t)
        assert m is not None and m < target - MEAN_TOLERANCE
    # and it is what trying every candidate finds
    want = _brute(ps, target, floor)
    assert math.isclose(c.threshold, want) or (
        _mean_at(ps, want) == _mean_at(ps, c.threshold))


@settings(max_examples=200, deadline=None)
@given(st.one_of(probabilities, tied), targets, targets)
def test_a_higher_target_never_gives_a_lower_threshold(ps, a, b) -> None:  # type: ignore[no-untyped-def]
    lo, hi = sorted((a, b))
    assert choose_threshold(ps, lo).threshold <= choose_threshold(ps, hi).threshold
    assert choose_threshold(ps, lo).recall >= choose_threshold(ps, hi).recall - 1e-12


@settings(max_examples=200, deadline=None)
@given(probabilities, st.floats(0.0, 1.0, exclude_min=True))
def test_the_estimates_of_a_given_threshold(ps, t) -> None:  # type: ignore[no-untyped-def]
    c = estimate(ps, t)
    kept = [p for p in ps if p >= t]
    assert c.target is None and c.threshold == t and c.pairs == len(kept)
    assert c.recall == pytest.approx(sum(kept) / sum(ps) if sum(ps) > 0 else 0.0)
    assert 0.0 <= c.recall <= 1.0 + 1e-12 and 0.0 <= c.precision <= 1.0


def test_worked_example() -> None:
    # 98 sure pairs, then 0.6 and 0.55: the mean with both is 0.9915, with the 0.2 too 0.9837
    ps = [1.0] * 98 + [0.6, 0.55, 0.2, 0.01]
    c = choose_threshold(ps, 0.99)
    assert c.threshold == 0.55 and c.pairs == 100
    assert c.precision == pytest.approx(0.9915)
    assert c.recall == pytest.approx(99.15 / 99.36)
    # without the floor a lower threshold is not taken either (the 0.2 would bring 0.9837)
    assert choose_threshold(ps, 0.99, floor=0.0).threshold == 0.55
    # a lower target reaches the 0.2 pair; the floor keeps it out
    assert choose_threshold(ps, 0.98, floor=0.0).threshold == 0.2
    assert choose_threshold(ps, 0.98).threshold == MIN_THRESHOLD


def test_ties_are_linked_together_or_not_at_all() -> None:
    # the first 0.98 alone would keep the mean at 0.99, both bring it to 0.9867
    c = choose_threshold([1.0, 0.98, 0.98], 0.99)
    assert c.threshold == 1.0 and c.pairs == 1


def test_nothing_reaches_the_target_then_nothing_is_linked() -> None:
    c = choose_threshold([0.9, 0.8, 0.3], 0.99)
    assert c.pairs == 0 and c.precision == 1.0 and c.threshold == 0.99
    c = choose_threshold([], 0.99)
    assert c.pairs == 0 and c.recall == 0.0


@pytest.mark.parametrize("target", [0.5, 1.0, 0.3, 1.5, float("nan"), float("inf"), -0.9])
def test_a_target_outside_the_open_interval_is_refused(target: float) -> None:
    with pytest.raises(ValueError, match="precision target must be in"):
        check_precision(target)
    with pytest.raises(ValueError, match="precision target must be in"):
        choose_threshold([0.9], target)


@pytest.mark.parametrize("bad", [[float("nan")], [1.5], [-0.1], [float("inf")]])
def test_probabilities_outside_zero_one_are_refused(bad: list[float]) -> None:
    with pytest.raises(ValueError, match="finite and in"):
        choose_threshold(bad, 0.99)


def test_the_line_printed() -> None:
    line = describe(choose_threshold([1.0] * 98 + [0.6, 0.55, 0.2, 0.01], 0.99))
    assert line == ("threshold 0.55 (chosen for an estimated precision >= 0.99): estimated "
                    "precision 0.9915, estimated recall 0.9979 of the pairs scored >= 0.001; "
                    "100 pairs at or above the threshold")
    assert describe(estimate([0.9, 0.1], 0.5)).startswith("threshold 0.5 (fixed): ")
    # six decimals: a threshold just below 1 is not shown as 1
    assert describe(choose_threshold([0.999951] * 3, 0.99)).startswith("threshold 0.999951 ")
    assert describe(choose_threshold([1.0], 0.99)).startswith("threshold 1 ")
    # nothing at or above the threshold: no precision is claimed
    assert describe(estimate([0.3, 0.1], 0.5)) == (
        "threshold 0.5 (fixed): no pair scored at or above it (estimated recall 0 of the pairs "
        "scored >= 0.001)")
    assert "no pair scored" in describe(choose_threshold([], 0.99))


def test_the_dedupe_page_line_claims_no_precision_without_pairs() -> None:
    from waspada.matching.dedupejob import threshold_line

    message, values = threshold_line(estimate([0.3, 0.1], 0.5))
    assert message.startswith("Threshold %(t)s: no pair scored") and values == {"t": "0.5"}
    message, values = threshold_line(estimate([0.9, 0.1], 0.5))
    assert message.startswith("Threshold %(t)s (fixed)") and values["p"] == "0.9000"
