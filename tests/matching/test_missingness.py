"""Missing identifiers as record-level evidence (issue #13: the first generator's recall fell
from 0.977 at 20k to 0.616 at 1M because a record lacking its NIK or phone, almost always a
second record of someone, was scored as if the absence said nothing)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from waspada.matching.missingness import (
    adjust,
    adjust_groups,
    partner_probability,
    pattern_factors,
    patterns,
    record_factors,
    record_view,
)


def _population(n: int, share_partner: tuple[float, float], missing_share: float,
                p_true: float, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Per-record partner probability Q (as a calibrated pairwise model would give it) and
    pattern code: records of pattern 1 (missing) have a partner with probability
    share_partner[1], complete ones share_partner[0]; the model, which cannot see the pattern,
    gives every record with a partner Q = p_true (weak evidence) and the others Q = q0 such
    that it is calibrated over the whole population."""
    rng = np.random.default_rng(seed)
    code = (rng.random(n) < missing_share).astype(np.int64)
    has = rng.random(n) < np.where(code == 1, share_partner[1], share_partner[0])
    pbar = has.mean()
    # calibrated overall: mean Q = pbar with Q = p_true for records with a partner
    q0 = max((pbar - has.mean() * p_true) / max(1 - has.mean(), 1e-9), 0.0)
    return np.where(has, p_true, q0), code


def test_uninformative_missingness_gives_factor_one() -> None:
    """Missing as often inside as outside pairs: the sampling wobble of the estimate fails the
    likelihood-ratio test, so no pair moves."""
    for seed in range(3):
        q, code = _population(20_000, (0.1, 0.1), 0.3, 0.6, seed=seed)
        assert pattern_factors(q, code) == {0: 1.0, 1: 1.0}


def test_missing_records_with_more_duplicates_get_a_factor_above_one() -> None:
    q, code = _population(20_000, (0.02, 0.8), 0.05, 0.6)
    f = pattern_factors(q, code)
    assert f[1] > 10.0, f
    assert f[0] < 1.0, f  # the complete records have fewer duplicates than the average


def test_a_small_pattern_keeps_factor_one() -> None:
    q, code = _population(2_000, (0.02, 0.9), 0.01, 0.6)
    assert pattern_factors(q, code)[1] == 1.0


def test_patterns_ignore_an_identifier_missing_everywhere_or_nowhere() -> None:
    code = patterns({"nik": [True, False, True], "passport_no": [True, True, True],
                     "phone": [False, False, False]})
    assert code.tolist() == [1, 0, 1]
    code = patterns({"nik": [True, False, False], "phone": [True, True, False]})
    assert code.tolist() == [3, 2, 0]


def test_a_lone_candidate_gains_the_whole_factor() -> None:
    left, right, p = np.array([0]), np.array([1]), np.array([0.3])
    a, b = record_view(left, right, p, 2, np.array([8.0, 1.0]))
    odds = a[0] / (1 - a[0])
    assert abs(odds / (0.3 / 0.7) - 8.0) < 1e-6
    assert abs(b[0] - 0.3) < 1e-12  # the complete record's view is unchanged


def test_two_candidates_of_one_record_share_its_gain() -> None:
    """A variant without NIK (record 0) with its original (1) and a namesake born the same
    day (2), equally good on name, date and sex: the record surely has a partner, but which
    one is unknown, so neither rises above one half; as a pairwise factor both would have."""
    left, right, p = np.array([0, 0]), np.array([1, 2]), np.array([0.3, 0.3])
    a, _ = record_view(left, right, p, 3, np.array([1000.0, 1.0, 1.0]))
    assert a[0] == a[1] and 0.3 < a[0] <= 0.5
    pairwise = 1000 * (0.3 / 0.7)
    assert pairwise / (1 + pairwise) > 0.99
    # a better candidate takes the larger share
    a, _ = record_view(left, right, np.array([0.6, 0.1]), 3, np.array([1000.0, 1.0, 1.0]))
    assert a[0] > 0.85 and a[1] < 0.15


def test_adjust_raises_the_missing_records_pairs_and_changes_nothing_when_uninformative(
) -> None:
    rng = np.random.default_rng(5)
    n = 4_000
    # pairs (2i, 2i+1); odd records lack the NIK; on the informative data every missing
    # record has its pair, on the uninformative one only the complete records' pairs exist
    left = np.arange(0, n, 2)
    right = left + 1
    p = rng.uniform(0.2, 0.5, len(left))
    code = np.zeros(n, np.int64)
    code[1::2] = 1
    code[: n // 2] = 0  # half of the pairs are between complete records
    # informative: the pattern's records all have a partner; the complete ones mostly not
    extra_left = np.arange(n, n + 6_000)
    q_left = np.concatenate([left, extra_left])
    q_right = np.concatenate([right, extra_left + 6_000])
    q = np.concatenate([p, np.full(6_000, 0.001)])
    code_all = np.concatenate([code, np.zeros(12_000, np.int64)])
    new, f = adjust(q_left, q_right, q, code_all)
    assert f[1] > 1.5, f
    raised = code_all[q_right[: len(p)]] == 1
    assert (new[: len(p)][raised] > p[raised]).all()
    # the same records with a pattern drawn at random: factor about 1
    code_rand = (rng.random(len(code_all)) < 0.25).astype(np.int64)
    new2, f2 = adjust(q_left, q_right, q, code_rand)
    assert all(abs(v - 1.0) < 0.2 for v in f2.values()), f2
    assert np.abs(new2 - q).max() < 0.1


def test_partner_probability_combines_all_candidates() -> None:
    q = partner_probability(np.array([0, 0]), np.array([1, 2]), np.array([0.5, 0.5]), 4)
    assert np.allclose(q, [0.75, 0.5, 0.5, 0.0])


def test_dedupe_hook_raises_the_pairs_of_records_lacking_identifiers() -> None:
    """The pipeline's hook reads the patterns from the feature frame's identifier columns."""
    import pandas as pd

    from waspada.matching.pipeline import _pairs_at, _with_missingness

    n = 600
    ids = [f"r{i}" for i in range(n)]
    # records 0..99 lack NIK and phone and each has a weak candidate (its original, 100+i);
    # the complete records 200.. have only faint candidates
    frame = pd.DataFrame({"unique_id": ids,
                          "nik": [None if i < 100 else f"n{i}" for i in range(n)],
                          "phone": [None if i < 100 else f"p{i}" for i in range(n)]})
    a = [f"r{i}" for i in range(100)] + [f"r{i}" for i in range(200, 600, 2)]
    b = [f"r{100 + i}" for i in range(100)] + [f"r{i + 1}" for i in range(200, 600, 2)]
    p = [0.3] * 100 + [0.002] * 200
    pdf = pd.DataFrame({"unique_id_l": a, "unique_id_r": b, "match_probability": p})
    got = _pairs_at(*_with_missingness(frame, ids, pdf, lambda _m: None), None)
    assert all(q > 0.5 for _, _, q in got[:100])
    assert all(q <= 0.002 for _, _, q in got[100:])


def test_clustering_keeps_the_adjusted_probability_of_a_pair_already_scored(monkeypatch
                                                                            ) -> None:
    """Scoring every pair inside a component of 3+ records must not overwrite a pair's
    probability raised by the missingness prior with the bare model's."""
    from waspada.matching import pipeline

    pairs = [("a", "b", 0.8), ("b", "c", 0.8), ("a", "c", 0.8)]
    monkeypatch.setattr(pipeline, "_score_inside", lambda *args: {
        ("a", "b"): 0.2, ("b", "c"): 0.2, ("a", "c"): 0.2})
    cluster_of, splits = pipeline._coherent(None, None, "duckdb", None, ["a", "b", "c"],
                                            pairs, 0.5, lambda _m: None)
    assert splits == 0 and set(cluster_of.values()) == {"a"}


def _dob_population(n: int, informative: bool, seed: int = 11
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (2i, 2i+1) scored weakly (0.2-0.5) for the first 800 records, faint candidates
    (0.001) for the rest; 100 records lack their birth date. Informative: they are all in a
    pair (only duplicates lack a date, as on the second generator); otherwise drawn at
    random (as often in a pair as outside one). Returns left, right, p, the identifiers' pattern (all complete) and the birth
    date's."""
    rng = np.random.default_rng(seed)
    left = np.arange(0, n, 2)
    right = left + 1
    p = np.where(left < 800, rng.uniform(0.2, 0.5, len(left)), 0.001)
    dob = np.zeros(n, np.int64)
    if informative:
        dob[1:200:2] = 1
    else:  # as often among the weakly paired records as among the others (1 %)
        dob[rng.choice(800, 8, replace=False)] = 1
        dob[800 + rng.choice(n - 800, 92, replace=False)] = 1
    return left, right, p, np.zeros(n, np.int64), dob


def test_a_missing_birth_date_is_a_factor_of_its_own_when_it_marks_duplicates() -> None:
    """Issue #13 round 7: on data where only duplicates lack a birth date, that absence is
    record-level evidence like a missing NIK; a group of its own next to the identifiers."""
    left, right, p, ident, dob = _dob_population(10_000, informative=True)
    new, found = adjust_groups(left, right, p, [ident, dob])
    assert found[1][1] > 3.0, found
    assert found[1][0] == 1.0  # the reference: a record with its date
    lacking = dob[right] == 1
    assert (new[lacking] > p[lacking]).all()
    # the records with a date hold fewer of the duplicates than the common prior says: the
    # identifiers' group (here one pattern) carries the intercept and lowers them a little
    assert (new[~lacking] <= p[~lacking] + 1e-12).all()


def test_an_uninformative_missing_birth_date_changes_nothing() -> None:
    for seed in range(3):
        left, right, p, ident, dob = _dob_population(10_000, informative=False, seed=seed)
        new, found = adjust_groups(left, right, p, [ident, dob])
        assert found[1] == {0: 1.0, 1: 1.0}, found
        assert np.array_equal(new, p)


def test_two_groups_missing_together_are_not_counted_twice() -> None:
    """The records lacking their birth date are exactly those lacking their NIK: fitted in
    turn (backfitting), the two groups' factors together give the one group's factor, not
    its square."""
    left, right, p, _, dob = _dob_population(10_000, informative=True)
    q = partner_probability(left, right, p, len(dob))
    alone, _ = record_factors(q, [dob])
    both, found = record_factors(q, [dob.copy(), dob])
    assert abs(math.log(both[1]) - math.log(alone[1])) < 0.05 * abs(math.log(alone[1]))
    assert alone[1] > 3.0


def test_dedupe_hook_reads_the_birth_date_and_sex_as_groups_of_their_own() -> None:
    import pandas as pd

    from waspada.matching.pipeline import _pairs_at, _with_missingness

    n = 2_000
    ids = [f"r{i}" for i in range(n)]
    # records 0..99 lack their birth date (NIK and phone present) and each has one weak
    # candidate, its original 100+i; the other records have faint candidates
    frame = pd.DataFrame({"unique_id": ids,
                          "nik": [f"n{i}" for i in range(n)],
                          "phone": [None if i % 3 else f"p{i}" for i in range(n)],
                          "dob": [None if i < 100 else "1990-01-01" for i in range(n)],
                          "sex": ["M"] * n})
    a = [f"r{i}" for i in range(100)] + [f"r{i}" for i in range(200, n, 2)]
    b = [f"r{100 + i}" for i in range(100)] + [f"r{i + 1}" for i in range(200, n, 2)]
    p = [0.3] * 100 + [0.002] * ((n - 200) // 2)
    pdf = pd.DataFrame({"unique_id_l": a, "unique_id_r": b, "match_probability": p})
    got = _pairs_at(*_with_missingness(frame, ids, pdf, lambda _m: None), None)
    assert all(q > 0.5 for _, _, q in got[:100])
    assert all(q <= 0.002 for _, _, q in got[100:])


def _reference_with_missingness(frame, ids, pdf, floor):  # type: ignore[no-untyped-def]
    """The pipeline's hook before round 10d (every pair made a tuple, then filtered)."""
    import numpy as np

    from waspada.matching.missingness import adjust_groups, patterns
    from waspada.matching.pipeline import IDENTIFIERS, OTHER_FIELDS

    a = [str(x) for x in pdf["unique_id_l"]]
    b = [str(x) for x in pdf["unique_id_r"]]
    p = pdf["match_probability"].to_numpy(dtype=float)
    groups = [[c for c in IDENTIFIERS if c in frame.columns]]
    groups += [[c] for c in OTHER_FIELDS if c in frame.columns]
    groups = [g for g in groups if g]
    if not len(p) or not groups:
        out = list(zip(a, b, p.tolist(), strict=True))
    else:
        index = {i: n for n, i in enumerate(ids)}
        codes = [patterns({c: frame[c].isna().to_numpy() for c in g}) for g in groups]
        new, _found = adjust_groups(np.fromiter((index[x] for x in a), np.int64, len(a)),
                                    np.fromiter((index[x] for x in b), np.int64, len(b)), p,
                                    codes)
        out = list(zip(a, b, new.tolist(), strict=True))
    return out if floor is None else [t for t in out if t[2] >= floor]


@pytest.mark.parametrize("seed", range(6))
def test_dedupe_hook_equals_the_reference_construction(seed: int) -> None:
    """Round 10d vectorised the hook: the same pairs, order, types and float bits as the
    construction before, with and without a floor, int or str ids, repeated ids, no pairs."""
    import numpy as np
    import pandas as pd

    from waspada.matching.pipeline import _pairs_at, _with_missingness

    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 400))
    ids: list = [f"r{i}" for i in range(n)]
    if seed == 4:
        ids[-1] = ids[0]  # a repeated id: the last occurrence wins, as before
    frame = pd.DataFrame({"unique_id": ids,
                          "nik": [None if x else "n" for x in rng.random(n) < 0.3],
                          "phone": [None if x else "p" for x in rng.random(n) < 0.4],
                          "dob": [None if x else "1990-01-01" for x in rng.random(n) < 0.2]})
    if seed == 3:
        frame = frame[["unique_id"]]  # no identifier columns: nothing adjusted
    m = 0 if seed == 5 else int(rng.integers(1, 3 * n))
    li, ri = rng.integers(0, n, m), rng.integers(0, n, m)
    uid = (lambda i: i) if seed == 2 else (lambda i: ids[i])
    pdf = pd.DataFrame({"unique_id_l": [uid(i) for i in li],
                        "unique_id_r": [uid(i) for i in ri],
                        "match_probability": rng.random(m) ** 3})
    if seed == 2:
        ids = [str(i) for i in range(n)]
    for floor in (None, 0.0, 0.1, 0.5):
        got = _pairs_at(*_with_missingness(frame, ids, pdf, lambda _m: None), floor)
        want = _reference_with_missingness(frame, ids, pdf, floor)
        assert [(type(x), type(y), type(q)) for x, y, q in got] == \
            [(type(x), type(y), type(q)) for x, y, q in want]
        assert got == want
