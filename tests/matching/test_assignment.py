"""One-to-one probabilities (issue #13, item 3: FEBRL4 names + birth date with --one-to-one)."""

from __future__ import annotations

from waspada.matching.assignment import one_to_one_probabilities

LAM = 1e-4  # pairwise prior of the model: 100 x 100 records, about one match per record


def _odds(bits: float, lam: float = LAM) -> float:
    """Pairwise probability of a pair with Bayes factor 2**bits under the prior ``lam``."""
    o = lam / (1 - lam) * 2.0 ** bits
    return o / (1 + o)


def test_a_lone_weak_candidate_of_sources_that_mostly_match_becomes_probable() -> None:
    strong = [(f"l{i}", f"r{i}", _odds(25)) for i in range(95)]
    weak = ("l99", "r99", _odds(10))  # only the birth date agrees; pairwise ~0.09
    got = dict(((a, b), p) for a, b, p in one_to_one_probabilities(strong + [weak], LAM,
                                                                   100, 100))
    assert weak[2] < 0.1
    assert got[("l99", "r99")] > 0.5
    assert all(got[(f"l{i}", f"r{i}")] > 0.99 for i in range(95))


def test_competing_candidates_share_their_record() -> None:
    strong = [(f"l{i}", f"r{i}", _odds(25)) for i in range(95)]
    twins = [("l99", "r98", _odds(18)), ("l99", "r99", _odds(18))]
    got = one_to_one_probabilities(strong + twins, LAM, 100, 100)
    shared = [p for a, _, p in got if a == "l99"]
    assert all(p < 0.5 for p in shared) and sum(shared) <= 1.0
    assert all(p > 0.9 for _, _, p in twins)  # pairwise, each looked certain


def test_few_matches_keep_the_pairwise_probabilities() -> None:
    """Four candidate pairs between two sources of 1,000: the one-to-one model has nothing to
    add (its theta is the pairwise prior, fitted the same way)."""
    n, bits = 1_000, (30, 28, 22, 18)
    lam = 1e-6
    for _ in range(100):  # the pairwise prior's own fixed point: expected matches / pairs
        lam = sum(_odds(b, lam) for b in bits) / n ** 2
    pairs = [(f"l{i}", f"r{i}", _odds(b, lam)) for i, b in enumerate(bits)]
    got = one_to_one_probabilities(pairs, lam, n, n)
    assert one_to_one_probabilities([], lam, n, n) == []
    assert 0.2 < pairs[-1][2] < 0.8
    for (_, _, p), (_, _, q) in zip(pairs, got, strict=True):
        assert abs(p - q) < 0.02


def test_each_record_sums_to_at_most_one() -> None:
    pairs = [(f"l{i % 7}", f"r{i % 5}", _odds(8 + i % 9)) for i in range(35)]
    got = one_to_one_probabilities(pairs, LAM, 100, 100)
    for side in (0, 1):
        tot: dict[str, float] = {}
        for t in got:
            tot[t[side]] = tot.get(t[side], 0.0) + t[2]
        assert max(tot.values()) <= 1.0 + 1e-9


def test_a_dominant_candidate_does_not_cancel_out_its_record() -> None:
    """Every field agreeing (FEBRL4 with the social-security id) gives Bayes factors near
    1e19 beside candidates of 1e2: ``total - own`` rounded to zero or below, and the old code
    divided by zero and returned NaN for every pair (no link at all)."""
    strong = [(f"l{i}", f"r{i}", 1 - 1e-13) for i in range(95)]
    weak = [(f"l{i}", f"r{i + 1}", _odds(6)) for i in range(95)]
    got = {(a, b): p for a, b, p in one_to_one_probabilities(strong + weak, LAM, 100, 100)}
    assert all(0.0 <= p <= 1.0 for p in got.values())
    assert all(got[(f"l{i}", f"r{i}")] > 0.99 for i in range(95))
    assert all(got[(f"l{i}", f"r{i + 1}")] < 0.01 for i in range(95))
