"""Exact u from value counts for the comparisons with equality keys (issue #13 item 5, round
10f), used by :func:`waspada.matching.u_estimation.random_u`.

A comparison's *equality keys* (:data:`EXACT_KEYS`: the same date, the same NIK, its first 12
digits, ...) split the pairs of records into strata: stratum j holds the pairs equal on key j
and on no finer key before it, and the rest equal on none. Each stratum's probability is
exact from value counts (:func:`strata_sizes`); its levels are counted on every pair of it or
on pairs drawn uniformly within it (:func:`stratum_pairs`), so a level that only key-equal
pairs reach has its exact u, and only the rest needs random pairs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from waspada.matching.comparisons import NIK_BIRTH_CODE_DIGITS

__all__ = ["ENUMERATE_FACTOR", "EXACT_KEYS", "STRATUM_PAIRS", "key_codes", "null_condition",
           "pair_counts", "pair_stratum", "strata_counts", "strata_sizes", "stratum_pairs"]

#: the equality keys of the other comparisons (round 10f), finest first: SQL expressions of
#: one record's columns, each a stratum of pairs whose probability is exact from value counts
#: (:func:`strata_sizes`); the first key must be the column of the comparison's null level
EXACT_KEYS: dict[str, tuple[str, ...]] = {
    # the year with the smaller of "MM-DD" and "DD-MM": equal for the same date and for a
    # day/month swap only, so its stratum is exactly the swap level
    "birth_date": ("dob", "dob_year::varchar || ' ' || least(dob_md, dob_dm)", "dob_md",
                   "dob_year"),
    "sex": ("sex",),
    # the first or the last seven digits: where a NIK's one slip can be (its guard), so that
    # level is counted among pairs that can reach it, not among all pairs of a regency
    "nik": ("nik", f"substr(nik, 1, {NIK_BIRTH_CODE_DIGITS})", "substr(nik, 1, 7)",
            "substr(nik, -7, 7)", "nik_region"),
    "passport_no": ("passport_no",),
    "phone": ("phone",),
}
#: pairs evaluated in each key's stratum (every pair of it when it has no more than
#: :data:`ENUMERATE_FACTOR` times as many pairs in its key's blocks)
STRATUM_PAIRS = 20_000
ENUMERATE_FACTOR = 2


def _same_pairs_codes(codes: list[np.ndarray]) -> int:
    """Ordered pairs of distinct rows equal on every code array (a code < 0 is missing:
    never equal)."""
    if not codes:
        return 0
    ok = np.ones(len(codes[0]), dtype=bool)
    for c in codes:
        ok &= c >= 0
    if not ok.any():
        return 0
    combined = codes[0][ok]
    for c in codes[1:]:  # one code per combination, renumbered so that it stays small
        combined = pd.factorize(combined * (int(c[ok].max()) + 1) + c[ok])[0]
    cnt = np.bincount(combined).astype(np.int64)
    return int((cnt * (cnt - 1)).sum())


def strata_sizes(codes: list[np.ndarray]) -> tuple[int, list[int]]:
    """``(pairs, sizes)``: the ordered pairs of distinct rows whose first key is present
    (``codes[0] >= 0``: the comparison's null level does not hold) and, for each key j, how
    many of them are in stratum j (equal on key j, on no finer key before it), counted
    exactly by inclusion and exclusion over the value counts of the keys' combinations."""
    from itertools import combinations

    ok = codes[0] >= 0
    cs = [c[ok] for c in codes]
    n = int(ok.sum())
    sizes = []
    for j in range(len(cs)):
        size = 0
        for r in range(j + 1):
            for t in combinations(range(j), r):
                size += (-1) ** r * _same_pairs_codes([cs[k] for k in (*t, j)])
        sizes.append(size)
    return n * (n - 1), sizes


def pair_stratum(codes: list[np.ndarray], li: np.ndarray, ri: np.ndarray) -> np.ndarray:
    """The stratum of each pair (rows ``li``, ``ri``): j + 1 for the first (finest) key j
    on which the two are equal, 0 for none (the rest), -1 where the first key is missing on
    either side (the comparison's null level)."""
    s = np.zeros(len(li), dtype=np.int8)
    for j in range(len(codes) - 1, -1, -1):
        a, b = codes[j][li], codes[j][ri]
        s = np.where((a == b) & (a >= 0), np.int8(j + 1), s)
    first = codes[0]
    return np.where((first[li] < 0) | (first[ri] < 0), np.int8(-1), s).astype(np.int8)


def _block_pairs(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair of distinct rows with the same (present) code."""
    rows = np.flatnonzero(block >= 0)
    order = rows[np.argsort(block[rows], kind="stable")]
    b = block[order]
    counts = np.bincount(b)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    reps = counts[b]  # each row pairs with every row of its block
    left = np.repeat(order, reps)
    first = np.repeat(starts[b], reps)
    offs = np.arange(len(left)) - np.repeat(np.cumsum(reps) - reps, reps)
    right = order[first + offs]
    keep = left != right
    return left[keep], right[keep]


def stratum_pairs(codes: list[np.ndarray], j: int, size: int, rng: np.random.Generator
                  ) -> tuple[np.ndarray, np.ndarray, bool]:
    """Row pairs of stratum j + 1 (:func:`pair_stratum`) and whether they are *all* of its
    pairs: every pair when the key's blocks hold no more than :data:`ENUMERATE_FACTOR` ·
    ``size`` pairs, else ``size`` pairs drawn uniformly (a block with probability ∝
    c(c−1), two distinct members, pairs equal on a finer key rejected)."""
    ok = codes[0] >= 0
    block = np.where(ok & (codes[j] >= 0), codes[j], -1)
    present = block[block >= 0]
    counts = np.bincount(present).astype(np.int64) if len(present) else np.zeros(0, np.int64)
    weights = counts * (counts - 1)
    total = int(weights.sum())
    empty = np.zeros(0, dtype=np.int64)
    if total == 0:
        return empty, empty, True
    if total <= ENUMERATE_FACTOR * size:
        li, ri = _block_pairs(block)
        keep = pair_stratum(codes, li, ri) == j + 1
        return li[keep], ri[keep], True
    rows = np.flatnonzero(block >= 0)
    order = rows[np.argsort(block[rows], kind="stable")]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    p = weights / total
    ls, rs, got = [], [], 0
    for _ in range(50):
        want = size - got
        if want <= 0:
            break
        b = rng.choice(len(counts), size=2 * want + 100, p=p)
        c = counts[b]
        i = rng.integers(0, c)
        k = rng.integers(0, c - 1)
        k = k + (k >= i)
        li, ri = order[starts[b] + i], order[starts[b] + k]
        keep = pair_stratum(codes, li, ri) == j + 1
        li, ri = li[keep][:want], ri[keep][:want]
        ls.append(li)
        rs.append(ri)
        got += len(li)
    if not ls:
        return empty, empty, False
    return np.concatenate(ls), np.concatenate(rs), False


def key_codes(con: Any, recs: str, exprs: tuple[str, ...]) -> list[np.ndarray]:
    """Integer codes (missing: -1) of each key expression over the rows of ``recs``, in
    row order: equal codes exactly where DuckDB's ``=`` holds (the values are compared in
    Python after DuckDB computes them: strings and integers, as the keys are)."""
    sel = ", ".join(f"{e} as k{j}" for j, e in enumerate(exprs))
    frame = con.sql(f"select {sel} from {recs} order by i").df()  # noqa: S608
    return [pd.factorize(frame[f"k{j}"].astype(object).where(frame[f"k{j}"].notna(), None)
                         )[0].astype(np.int64) for j in range(len(exprs))]


def null_condition(comp: Any) -> str | None:
    for lv in comp.comparison_levels:
        if lv.is_null_level:
            return str(lv.sql_condition)
    return None


def pair_counts(con: Any, recs: str, view: str, pairs: pd.DataFrame, select: str,
                outputs: str) -> list[tuple[Any, ...]]:
    """``outputs`` and a count, grouped by all of them, over the pairs of row numbers ``il``,
    ``ir`` in ``pairs`` (registered as ``view`` for the query) joined with their two records
    of ``recs``; ``select`` names what the join exposes (``p.*`` columns and ``l``/``r``
    record columns)."""
    con.register(view, pairs)
    try:
        return list(con.sql(f"with p as (select {select} from {view} p "  # noqa: S608
                            f"join {recs} l on l.i = p.il join {recs} r on r.i = p.ir) "
                            f"select {outputs}, count(*) as n from p group by all").fetchall())
    finally:
        con.unregister(view)


def strata_counts(con: Any, recs: str, view: str, select: str, comparisons: list[Any],
                   codes: dict[int, list[np.ndarray]], size: int, seed: int
                   ) -> dict[int, tuple[dict[int, float], dict[int, dict[int, int]]]]:
    """For each stratified comparison k (a key of ``codes``): the exact stratum probabilities
    ``{stratum: P}`` (among pairs not at the null level) and the comparison's level counts
    within each key stratum ``{stratum: {value: n}}``; one query for all of them, each pair
    evaluated on its own comparison's CASE only."""
    out: dict[int, tuple[dict[int, float], dict[int, dict[int, int]]]] = {}
    parts = []
    for k, cs in codes.items():
        total, sizes = strata_sizes(cs)
        out[k] = ({j + 1: (s / total if total else 0.0) for j, s in enumerate(sizes)}, {})
        rng = np.random.default_rng([seed, 2, k])
        for j, s in enumerate(sizes):
            if s <= 0:
                continue
            li, ri, _all = stratum_pairs(cs, j, size, rng)
            if len(li):
                parts.append(pd.DataFrame({
                    "c": np.full(len(li), k, dtype=np.int16), "s": np.full(len(li), j + 1,
                                                                            dtype=np.int8),
                    "il": li.astype(np.int32), "ir": ri.astype(np.int32)}))
    if not parts:
        return out
    cases = " ".join(f"WHEN {k} THEN ({comparisons[k]._case_statement.rsplit(' as ', 1)[0]})"
                     for k in codes)
    rows = pair_counts(con, recs, view, pd.concat(parts, ignore_index=True),
                       "p.c, p.s, " + select, f"c, s, CASE c {cases} END as v")
    for k, s, v, c in sorted(rows):
        out[int(k)][1].setdefault(int(s), {})[int(v)] = int(c)
    return out
