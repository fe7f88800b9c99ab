"""Exact u from value counts for the other comparisons' equality keys (issue #13 item 5,
round 10f): stratum sizes against brute-force counts, the strata's pairs, and u against every
ordered pair of the 640-record fixture."""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.matching.test_u_estimation import _brute_force_all, _linker
from waspada.matching.comparisons import spec_for
from waspada.matching.key_strata import EXACT_KEYS, pair_stratum, strata_sizes, stratum_pairs
from waspada.matching.u_estimation import random_u

# a few rows, each key a small code (-1: missing), so that equal values are frequent
_codes = st.integers(1, 12).flatmap(lambda n: st.lists(
    st.lists(st.integers(-1, 3), min_size=n, max_size=n), min_size=1, max_size=3))


def _brute_strata(codes: list[np.ndarray]) -> tuple[int, list[int]]:
    n = len(codes[0])
    pairs = [(i, j) for i, j in permutations(range(n), 2)
             if codes[0][i] >= 0 and codes[0][j] >= 0]
    sizes = [0] * len(codes)
    for i, j in pairs:
        for k, c in enumerate(codes):
            if c[i] >= 0 and c[i] == c[j]:
                sizes[k] += 1
                break
    return len(pairs), sizes


@settings(max_examples=150, deadline=None)
@given(_codes)
def test_strata_sizes_equal_a_brute_force_count(rows: list[list[int]]) -> None:
    codes = [np.array(r, dtype=np.int64) for r in rows]
    assert strata_sizes(codes) == _brute_strata(codes)
    n = len(codes[0])
    li, ri = (np.array(x, dtype=np.int64) for x in zip(*permutations(range(n), 2), strict=True)
              ) if n > 1 else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    s = pair_stratum(codes, li, ri)
    total, sizes = strata_sizes(codes)
    assert int((s >= 0).sum()) == total
    assert [int((s == j + 1).sum()) for j in range(len(codes))] == sizes


@settings(max_examples=100, deadline=None)
@given(_codes, st.integers(1, 40))
def test_stratum_pairs_are_the_stratum(rows: list[list[int]], size: int) -> None:
    """Enumerated: exactly the stratum's pairs; drawn: pairs of the stratum only."""
    codes = [np.array(r, dtype=np.int64) for r in rows]
    n = len(codes[0])
    every = set(permutations(range(n), 2))
    for j in range(len(codes)):
        li, ri, complete = stratum_pairs(codes, j, size, np.random.default_rng(j))
        want = {(a, b) for a, b in every
                if pair_stratum(codes, np.array([a]), np.array([b]))[0] == j + 1}
        got = list(zip(li.tolist(), ri.tolist(), strict=True))
        assert set(got) <= want
        if complete:
            assert sorted(got) == sorted(want)
        elif want:
            assert len(got) == size


def test_drawn_stratum_pairs_are_uniform() -> None:
    """Drawn pairs: a key block chosen ∝ c(c−1), two distinct members, finer-key pairs
    rejected — every pair of the stratum about equally often."""
    codes = [np.array([0, 0, 1, 1, 2, 2, 3, -1], dtype=np.int64),
             np.array([0, 0, 0, 0, 0, 1, 1, 1], dtype=np.int64)]
    drawn = []
    for seed in range(3000):  # 10 pairs a call: the blocks hold 22 > 2 · 10 pairs
        li, ri, complete = stratum_pairs(codes, 1, 10, np.random.default_rng(seed))
        assert not complete and len(li) == 10
        drawn.append(np.stack([li, ri]))
    got = np.unique(np.concatenate(drawn, axis=1), axis=1, return_counts=True)[1]
    _, sizes = strata_sizes(codes)
    # block 0 (rows 0-4): 20 pairs less 0/1 and 2/3 (equal on the finer key); block 1: rows
    # 5 and 6 (row 7 has no first key)
    assert len(got) == sizes[1] == 18
    assert got.min() > 0.85 * got.mean() and got.max() < 1.15 * got.mean()


def _levels(name: str) -> dict[str, int]:
    spec = spec_for(name)
    assert spec is not None
    keys = [lv.key for lv in spec.scored_levels]
    return dict(zip(keys, range(len(keys) - 1, -1, -1), strict=True))


def test_exact_levels_equal_every_ordered_pair() -> None:
    """On the 640-record fixture the levels only key-equal pairs reach are exact (the strata
    are enumerated or all at one level), the others within the sample's error."""
    sdf, lk = _linker()
    others = [c for c in lk._settings_obj.comparisons if c.output_column_name != "name"]
    got = random_u(sdf.db_api, sdf.physical_name, others, seed=3, n_pairs=100_000,
                   keys=EXACT_KEYS)
    exact = {"sex": ["sex.same", "sex.different"],
             "phone": ["phone.same", "phone.same_given_names_differ", "phone.different"],
             "nik": ["nik.same", "nik.same_birth_code_given_names_differ",
                     "nik.same_birth_code", "nik.same_regency_different"],
             "birth_date": ["birth_date.exact", "birth_date.exact_given_names_differ",
                            "birth_date.day_month_swap", "birth_date.one_year_shift",
                            "birth_date.jan1_default"],
             "passport_no": ["passport_no.same", "passport_no.different"]}
    for comp in others:
        name = comp.output_column_name
        truth, mine = _brute_force_all(sdf, comp), got[name]
        assert sum(mine.values()) == pytest.approx(1.0)
        value = _levels(name)
        for key in exact[name]:
            assert mine[value[key]] == pytest.approx(truth.get(value[key], 0.0), rel=1e-9,
                                                     abs=1e-15), key
        for v, u in truth.items():
            assert mine[v] == pytest.approx(u, abs=max(0.05 * u, 2e-4)), (name, v)


def test_a_comparison_whose_null_level_is_another_column_is_not_stratified() -> None:
    """Keys whose first column is not the null level's: plain random pairs (the same as
    without keys, draw for draw)."""
    sdf, lk = _linker()
    sex = [c for c in lk._settings_obj.comparisons if c.output_column_name == "sex"]
    plain = random_u(sdf.db_api, sdf.physical_name, sex, seed=4, n_pairs=20_000)
    wrong = random_u(sdf.db_api, sdf.physical_name, sex, seed=4, n_pairs=20_000,
                     keys={"sex": ("nik",)})
    right = random_u(sdf.db_api, sdf.physical_name, sex, seed=4, n_pairs=20_000,
                     keys={"sex": ("sex",)})
    assert wrong == plain
    assert right != plain


def test_a_key_on_a_missing_column_falls_back_to_random_pairs() -> None:
    sdf, lk = _linker()
    sex = [c for c in lk._settings_obj.comparisons if c.output_column_name == "sex"]
    plain = random_u(sdf.db_api, sdf.physical_name, sex, seed=4, n_pairs=20_000)
    assert random_u(sdf.db_api, sdf.physical_name, sex, seed=4, n_pairs=20_000,
                    keys={"sex": ("sex", "no_such_column")}) == plain
