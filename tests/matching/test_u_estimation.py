"""Stratified u for the name comparison (issue #13 item 5, round 6b)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.matching.conftest import dataset
from waspada.matching.comparisons import present_comparisons
from waspada.matching.engines import make_db_api, register_frame, table_name
from waspada.matching.records import PersonRecord
from waspada.matching.splink_features import feature_frame, mark_rare_spellings
from waspada.matching.training import estimate_u, linker, settings
from waspada.matching.u_estimation import (
    name_key,
    pair_strata,
    random_pairs,
    random_u,
    sample_pairs,
    stratified_u,
)


def test_strata_probabilities_are_exact_from_frequencies() -> None:
    names = pd.Series(["a b", "a b", "a b", "a c", "a c", "b d"])
    keys = pd.Series(["ab", "ab", "ab", "ab", "ab", "bd"])
    s = pair_strata(names, keys)
    total = 6 * 5
    assert s.p_exact == pytest.approx((3 * 2 + 2 * 1) / total)  # Σ f(f-1) / n(n-1)
    assert s.p_key == pytest.approx(5 * 4 / total - s.p_exact)
    assert s.p_exact + s.p_key + s.p_rest == pytest.approx(1.0)


def test_name_key_is_shared_by_reordered_and_phonetic_names() -> None:
    keys = name_key(pd.Series(["ahmat budi", "budi ahmat", "sulaiman", None]))
    assert keys[0] == keys[1] == "ab" and keys[2] == "s" and keys[3] is None


def test_sampled_pairs_stay_in_their_strata() -> None:
    names = np.array(["x", "y", "x", "z", "w", "v"], dtype=object)
    keys = np.array(["k", "k", "k", "k", "m", "n"], dtype=object)
    li, ri, st = sample_pairs(names, keys, 500, 500, np.random.default_rng(1))
    assert (li != ri).all()
    k, r = st == 1, st == 2
    assert k.sum() == 500 and r.sum() == 500
    assert (keys[li[k]] == keys[ri[k]]).all() and (names[li[k]] != names[ri[k]]).all()
    assert (keys[li[r]] != keys[ri[r]]).all()


def _linker() -> tuple[object, object]:
    recs, _ = dataset()
    frame = feature_frame(recs)
    mark_rare_spellings([frame])
    db_api = make_db_api("duckdb")
    sdf = register_frame(db_api, "duckdb", frame, table_name("records"))
    return sdf, linker(sdf, settings(present_comparisons([frame], False)))


def _brute_force_u(sdf: object, comparison: object) -> dict[int, float]:
    """u over every ordered pair of distinct records with a name."""
    con = sdf.db_api._con
    t = sdf.physical_name
    cols = [c for (c,) in con.sql(f'select column_name from (describe "{t}")').fetchall()]
    sel = ", ".join([f'l."{c}" as "{c}_l"' for c in cols] + [f'r."{c}" as "{c}_r"' for c in cols])
    rows = con.sql(f'with p as (select {sel} from "{t}" l join "{t}" r '
                   f"on l.unique_id <> r.unique_id "
                   f"where l.joined is not null and r.joined is not null) "
                   f"select {comparison._case_statement}, count(*) from p group by all"
                   ).fetchall()
    total = sum(c for v, c in rows if v != -1)
    return {int(v): c / total for v, c in rows if v != -1}


def test_stratified_u_agrees_with_all_pairs() -> None:
    sdf, lk = _linker()
    comp = next(c for c in lk._settings_obj.comparisons if c.output_column_name == "name")
    truth = _brute_force_u(sdf, comp)
    got = stratified_u(sdf.db_api, sdf.physical_name, comp, seed=3,
                       n_key=60_000, n_rest=60_000)
    exact = max(got)
    # the exact level is not sampled at all: Σ f(f-1) / n(n-1) exactly
    assert got[exact] == pytest.approx(truth[exact], rel=1e-9)
    assert sum(got.values()) == pytest.approx(1.0)
    for v, u in truth.items():
        assert got[v] == pytest.approx(u, abs=max(0.15 * u, 2e-4)), v


def test_training_a_dedupe_uses_the_stratified_name_u() -> None:
    """After :func:`estimate_u` the exact-name level's u is the exact share of same-name
    pairs, not a random sample's count (Splink's sampling gives another value)."""
    recs = [PersonRecord(f"R{i}", name, date(1970 + i % 30, 1 + i % 12, 1 + i % 28), "M")
            for i, name in enumerate(["Budi Santoso"] * 30 + ["Agus Salim"] * 20
                                     + [f"Nama{chr(97 + i % 26)} Orang{i}" for i in range(250)])]
    frame = feature_frame(recs)
    mark_rare_spellings([frame])
    db_api = make_db_api("duckdb")
    sdf = register_frame(db_api, "duckdb", frame, table_name("records"))
    lk = linker(sdf, settings(present_comparisons([frame], False)))
    lk = estimate_u(sdf, lk, len(recs), lambda _m: None)
    name = next(c for c in lk.misc.save_model_to_json()["comparisons"]
                if c["output_column_name"] == "name")
    exact = next(lv for lv in name["comparison_levels"] if not lv.get("is_null_level"))
    n = len(recs)
    assert exact["u_probability"] == pytest.approx((30 * 29 + 20 * 19) / (n * (n - 1)))
    birth = next(c for c in lk.misc.save_model_to_json()["comparisons"]
                 if c["output_column_name"] == "birth_date")
    assert any(lv.get("u_probability") for lv in birth["comparison_levels"])


def _sample_pairs_on_strings(names: np.ndarray, keys: np.ndarray, n_key: int, n_rest: int,
                             rng: np.random.Generator
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Round 6b's :func:`sample_pairs`, comparing the strings themselves (the reference)."""
    n = len(names)
    ls, rs, ss = [], [], []
    codes, inverse = np.unique(keys, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    counts = np.bincount(inverse, minlength=len(codes)).astype(float)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    weights = counts * (counts - 1)
    p = weights / weights.sum()
    got = 0
    while got < n_key:
        want = n_key - got
        b = rng.choice(len(codes), size=2 * want + 100, p=p)
        c = counts[b].astype(np.int64)
        i = rng.integers(0, c)
        j = rng.integers(0, c - 1)
        j = j + (j >= i)
        li, ri = order[starts[b] + i], order[starts[b] + j]
        keep = names[li] != names[ri]
        ls.append(li[keep][:want])
        rs.append(ri[keep][:want])
        ss.append(np.full(len(ls[-1]), 1))
        got += len(ls[-1])
    got = 0
    while got < n_rest:
        want = n_rest - got
        li = rng.integers(0, n, size=2 * want + 100)
        ri = rng.integers(0, n, size=2 * want + 100)
        keep = keys[li] != keys[ri]
        ls.append(li[keep][:want])
        rs.append(ri[keep][:want])
        ss.append(np.full(len(ls[-1]), 2))
        got += len(ls[-1])
    return np.concatenate(ls), np.concatenate(rs), np.concatenate(ss)


def test_sample_pairs_draws_the_pairs_of_the_string_comparison() -> None:
    """Integer codes in place of the strings (round 7) give the very same pairs for a seed,
    so u is unchanged."""
    rng = np.random.default_rng(5)
    keys = np.array([f"k{x}" for x in rng.integers(0, 40, 3000)], dtype=object)
    names = np.array([f"{k}-{x}" for k, x in zip(keys, rng.integers(0, 4, 3000), strict=True)],
                     dtype=object)
    got = sample_pairs(names, keys, 5000, 5000, np.random.default_rng(11))
    want = _sample_pairs_on_strings(names, keys, 5000, 5000, np.random.default_rng(11))
    for g, w in zip(got, want, strict=True):
        assert np.array_equal(g, w)


def test_random_pairs_are_distinct_and_cover_every_ordered_pair() -> None:
    li, ri = random_pairs(4, 24_000, np.random.default_rng(2))
    assert (li != ri).all()
    seen = pd.Series(list(zip(li.tolist(), ri.tolist(), strict=True))).value_counts()
    assert len(seen) == 12 and seen.min() > 1700  # 2,000 each expected


def _brute_force_all(sdf: object, comparison: object) -> dict[int, float]:
    """u over every ordered pair of distinct records (records without a name included)."""
    con = sdf.db_api._con
    t = sdf.physical_name
    cols = [c for (c,) in con.sql(f'select column_name from (describe "{t}")').fetchall()]
    sel = ", ".join([f'l."{c}" as "{c}_l"' for c in cols] + [f'r."{c}" as "{c}_r"' for c in cols])
    rows = con.sql(f'with p as (select {sel} from "{t}" l join "{t}" r '
                   f"on l.unique_id <> r.unique_id) "
                   f"select {comparison._case_statement}, count(*) from p group by all"
                   ).fetchall()
    total = sum(c for v, c in rows if v != -1)
    return {int(v): c / total for v, c in rows if v != -1}


def test_random_u_agrees_with_all_pairs_for_every_other_comparison() -> None:
    """The other comparisons' u, all from one pass over uniform random pairs (round 7: in
    place of Splink's sampling, one comparison and chunk at a time), against every ordered
    pair of the 640-record fixture."""
    sdf, lk = _linker()
    others = [c for c in lk._settings_obj.comparisons if c.output_column_name != "name"]
    assert {c.output_column_name for c in others} >= {"birth_date", "sex", "nik", "phone"}
    got = random_u(sdf.db_api, sdf.physical_name, others, seed=3, n_pairs=400_000)
    for comp in others:
        truth = _brute_force_all(sdf, comp)
        mine = got[comp.output_column_name]
        assert sum(mine.values()) == pytest.approx(1.0)
        for v, u in truth.items():
            assert mine[v] == pytest.approx(u, abs=max(0.1 * u, 1e-4)), (comp, v)


@hsettings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.just(float("nan")), st.integers(0, 2),
                          st.sampled_from(["", " ", "ahmat budi", "budi ahmat", "sulaiman"]),
                          st.text(alphabet="ab c", max_size=8)), max_size=30))
def test_name_key_per_distinct_name_is_the_per_record_key(values: list) -> None:
    """Round 10h: the key worked out once per distinct name is each record's own key."""
    def key(v: object) -> object:
        if not isinstance(v, str) or not v.strip():
            return None
        return "".join(sorted(t[0] for t in v.split()))

    series = pd.Series(values, dtype=object, index=[f"i{k}" for k in range(len(values))],
                       name="name_phon_sorted")
    got = name_key(series)
    assert got.index.equals(series.index) and got.name == series.name
    assert got.dtype == object
    assert [(type(v), v) for v in got] == [(type(key(v)), key(v)) for v in values]
