"""Stratified u for the name comparison (issue #13 item 5, round 6b).

Splink's u by random sampling evaluates the name comparison (13 levels, several Jaro-Winkler
and array levels) on a million random pairs, and still sees its rare levels (exact, reordered,
phonetic, one or two typos) only a few dozen times. Those levels can only hold between records
whose names share a cheap *key* (:func:`name_key`: the sorted first letters of the phonetic
tokens), so the pairs are split into three strata whose probabilities are exact, from key
frequencies:

* ``E``: the same canonical name, all at the exact level: P(E) = Σ f(f−1) / n(n−1) over the
  name frequencies f (no sampling at all);
* ``K``: the same key but not the same name: P(K) = Σ c(c−1) / n(n−1) over key frequencies,
  minus P(E); sampled uniformly within the key's blocks;
* ``R``: the rest (different keys); sampled uniformly among random pairs.

u(level) = Σ_s P(s) · P(level | s). The estimator is unbiased for the same quantity random
sampling estimates (u over all pairs with a name, true matches included, which
:func:`~waspada.matching.priors.regularise_model` corrects), and the rare levels are seen
tens of times more often per evaluated pair. Only for a dedupe on DuckDB; a link and Spark keep
Splink's random sampling.

The other comparisons (birth date, sex, NIK, passport, phone) are counted together on uniform
random pairs (:func:`random_u`, round 7), stratified the same way by their *equality keys*
(:data:`EXACT_KEYS`, round 10f): the pairs equal on a key (the same date, the same NIK, its
first 12 digits, ...) form strata whose probabilities are exact from value counts
(:func:`strata_sizes`), counted on every pair of the stratum or on pairs drawn within it, so a
level that only key-equal pairs reach (the same sex, phone, NIK or date, a day/month swap) has
its exact u, and only the pairs equal on no key come from random pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from waspada.matching.comparisons import NIK_BIRTH_CODE_DIGITS
from waspada.matching.name_levels import (
    NAME_COLUMNS,
    NAME_ID,
    TOKEN_MASK,
    mask_shared_token_guard,
    maskable,
    with_token_mask_sql,
)

__all__ = ["ENUMERATE_FACTOR", "EXACT_KEYS", "KEY_PAIRS", "REST_PAIRS", "STRATUM_PAIRS", "Strata",
           "name_key", "pair_stratum", "pair_strata", "random_pairs", "random_u", "sample_pairs",
           "strata_sizes", "stratified_u", "stratum_pairs", "u_from_counts"]

#: pairs evaluated within the key's blocks (stratum K) and among the rest (stratum R), per
#: million pairs random sampling would take (:func:`waspada.matching.training.estimate_u`)
KEY_PAIRS = 200_000
REST_PAIRS = 300_000
NAME = "name"


def name_key(name_phon_sorted: pd.Series) -> pd.Series:
    """The sorted first letters of a name's phonetic tokens ("ahmad budi" -> "ab"); None for
    a missing name. Exact, reordered and phonetic names share it, and so do most typos."""
    def key(v: Any) -> Any:
        if not isinstance(v, str) or not v.strip():
            return None
        return "".join(sorted(t[0] for t in v.split()))
    return name_phon_sorted.map(key)


@dataclass(frozen=True)
class Strata:
    """Exact stratum probabilities over the ``n`` records with a name."""

    n: int
    p_exact: float  # P(E): the same canonical name
    p_key: float    # P(K): the same key, different names
    p_rest: float   # P(R) = 1 - P(E) - P(K)


def _same_pairs(values: pd.Series) -> float:
    c = values.value_counts(dropna=True).to_numpy(dtype=float)
    return float((c * (c - 1)).sum())


def pair_strata(names: pd.Series, keys: pd.Series) -> Strata:
    """:class:`Strata` of records' canonical names and keys (records without a name are left
    out by the caller). A name's key is a function of the name, so E ⊆ same key."""
    n = len(names)
    total = float(n) * (n - 1)
    if total <= 0:
        return Strata(n, 0.0, 0.0, 1.0)
    p_exact = _same_pairs(names) / total
    p_key = max(_same_pairs(keys) / total - p_exact, 0.0)
    return Strata(n, p_exact, p_key, max(1.0 - p_exact - p_key, 0.0))


def sample_pairs(names: np.ndarray, keys: np.ndarray, n_key: int, n_rest: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row indices (left, right) and stratum codes (1 = K, 2 = R) of pairs drawn uniformly
    within stratum K (the same key, different names) and stratum R (different keys)."""
    n = len(names)
    ls, rs, ss = [], [], []
    # integer codes in place of the strings: the same equalities, and the blocks in the same
    # (sorted) order as np.unique's, so the same draws; comparing Python strings pair by pair
    # was most of this function's time (issue #13, round 7)
    names = pd.factorize(pd.Series(names, dtype=object))[0]
    inverse, codes = pd.factorize(pd.Series(keys, dtype=object), sort=True)
    keys = inverse
    # K: a block with probability ∝ c(c-1), then two distinct members; same-name pairs
    # (stratum E) are rejected
    order = np.argsort(inverse, kind="stable")
    counts = np.bincount(inverse, minlength=len(codes)).astype(float)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    weights = counts * (counts - 1)
    if n_key > 0 and weights.sum() > 0:
        p = weights / weights.sum()
        got = 0
        for _ in range(50):
            want = max(n_key - got, 0)
            if want == 0:
                break
            b = rng.choice(len(codes), size=2 * want + 100, p=p)
            c = counts[b].astype(np.int64)
            i = rng.integers(0, c)
            j = rng.integers(0, c - 1)
            j = j + (j >= i)
            li, ri = order[starts[b] + i], order[starts[b] + j]
            keep = names[li] != names[ri]
            li, ri = li[keep][:want], ri[keep][:want]
            ls.append(li)
            rs.append(ri)
            ss.append(np.full(len(li), 1))
            got += len(li)
    if n_rest > 0 and n > 1:
        got = 0
        for _ in range(50):
            want = n_rest - got
            if want <= 0:
                break
            li = rng.integers(0, n, size=2 * want + 100)
            ri = rng.integers(0, n, size=2 * want + 100)
            keep = keys[li] != keys[ri]
            li, ri = li[keep][:want], ri[keep][:want]
            ls.append(li)
            rs.append(ri)
            ss.append(np.full(len(li), 2))
            got += len(li)
    if not ls:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(ls), np.concatenate(rs), np.concatenate(ss)


def u_from_counts(strata: Strata, counts: dict[tuple[int, int], int], exact_value: int,
                  values: list[int]) -> dict[int, float]:
    """u of each comparison vector value from per-stratum counts ``{(stratum, value): n}``
    (stratum 1 = K, 2 = R; the null value -1 is left out): Σ_s P(s) · n(s, value) / n(s),
    with stratum E all at ``exact_value``; renormalised over the non-null values."""
    u = dict.fromkeys(values, 0.0)
    u[exact_value] += strata.p_exact
    for s, p_s in ((1, strata.p_key), (2, strata.p_rest)):
        total = sum(c for (ss, v), c in counts.items() if ss == s and v != -1)
        if total == 0 or p_s == 0:
            continue
        for (ss, v), c in counts.items():
            if ss == s and v in u:
                u[v] += p_s * c / total
    norm = sum(u.values())
    return {v: x / norm for v, x in u.items()} if norm > 0 else u


def _quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def stratified_u(db_api: Any, table: str, comparison: Any, seed: int,
                 n_key: int = KEY_PAIRS, n_rest: int = REST_PAIRS) -> dict[int, float]:
    """u of the name ``comparison`` (a Splink ``Comparison`` with its comparison vector
    values) on the DuckDB ``table`` of features, by comparison vector value."""
    # identifiers are ours (engines.table_name, the feature frame's columns), quoted anyway
    con = db_api._con
    tag = f"{abs(hash((table, seed))) % 10**8}"
    recs, view = f"__waspada_u_records_{tag}", f"__waspada_u_pairs_{tag}"
    # only the columns the comparison reads, and an integer row number to join on (the join
    # on the string ids and on every column cost as much as the comparison itself)
    used = {c.unquote().name for c in comparison._input_columns_used_by_case_statement}
    cols = [c for c in con.table(table).columns if c in used]
    by_name = NAME_ID in con.table(table).columns and used <= set(NAME_COLUMNS)
    extra = [NAME_ID] if by_name else []
    sel = ", ".join(_quote(c) for c in dict.fromkeys(["name_canon", "name_phon_sorted", *cols,
                                                      *extra]))
    con.execute(f"create or replace temp table {recs} as select "  # noqa: S608
                f"(row_number() over () - 1)::integer as i, {sel} from {_quote(table)} "
                "where joined is not null")
    try:
        frame = con.sql(f"select name_canon, name_phon_sorted from {recs} order by i").df()  # noqa: S608
        names = frame["name_canon"].astype(object).where(frame["name_canon"].notna(), None)
        keys = name_key(frame["name_phon_sorted"])
        # a record without a key (or name) is its own block
        own = pd.Series([f"\0{i}" for i in range(len(frame))], index=frame.index)
        names = names.where(names.notna(), own)
        keys = keys.where(keys.notna(), names)
        strata = pair_strata(names, keys)
        li, ri, st = sample_pairs(names.to_numpy(dtype=object), keys.to_numpy(dtype=object),
                                  n_key if strata.p_key > 0 else 0,
                                  n_rest if strata.p_rest > 0 else 0,
                                  np.random.default_rng(seed))
        pairs = pd.DataFrame({"il": li.astype(np.int32), "ir": ri.astype(np.int32),
                              "stratum": st.astype(np.int8)})
        select = ", ".join([f"l.{_quote(c)} as {_quote(c + '_l')}" for c in cols]
                           + [f"r.{_quote(c)} as {_quote(c + '_r')}" for c in cols])
        con.register(view, pairs)
        try:
            if by_name:
                # the level once per distinct pair of names, weighted by its count: the
                # same counts (module name_levels, round 7b)
                nid = _quote(NAME_ID)
                anys = ", ".join(f"any_value({_quote(c)}) as {_quote(c)}" for c in cols)
                case = comparison._case_statement
                nm = f"nm as (select {nid}, {anys} from {recs} group by {nid})"  # noqa: S608
                masks = ""
                if maskable(case, cols):  # the shared-token guard behind token masks
                    nm = (f"nm0 as (select {nid}, {anys} from {recs} group by {nid}), "  # noqa: S608
                          f"nm as ({with_token_mask_sql('nm0')})")
                    case = mask_shared_token_guard(case)
                    masks = "".join(f", {s}.{_quote(TOKEN_MASK)} as {_quote(TOKEN_MASK + '_' + s)}"
                                    for s in ("l", "r"))
                sql = (f"with k as (select p.stratum, l.{nid} as a, r.{nid} as b, "  # noqa: S608
                       f"count(*) as n from {view} p join {recs} l on l.i = p.il "
                       f"join {recs} r on r.i = p.ir group by all), {nm}, "
                       f"p as (select k.stratum, k.n, {select}{masks} from k "
                       f"join nm l on l.{nid} = k.a join nm r on r.{nid} = k.b) "
                       f"select stratum, {case}, sum(n) as n from p "
                       "group by all")
            else:
                sql = (f"with p as (select p.stratum, {select} from {view} p "  # noqa: S608
                       f"join {recs} l on l.i = p.il join {recs} r on r.i = p.ir) "
                       f"select stratum, {comparison._case_statement}, count(*) as n from p "
                       "group by all")
            rows = con.sql(sql).fetchall()
        finally:
            con.unregister(view)
    finally:
        con.execute(f"drop table if exists {recs}")
    counts = {(int(s), int(v)): int(c) for s, v, c in sorted(rows)}  # a fixed order
    levels = list(comparison._comparison_levels_excluding_null)
    values = [int(cl.comparison_vector_value) for cl in levels]
    return u_from_counts(strata, counts, max(values), values)


def random_pairs(n: int, size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``size`` ordered pairs of distinct row indices below ``n``, drawn uniformly."""
    if n < 2 or size <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    li = rng.integers(0, n, size=size)
    ri = rng.integers(0, n - 1, size=size)
    return li, ri + (ri >= li)  # j != i, uniform over the other n - 1 rows


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


def _codes(con: Any, recs: str, exprs: tuple[str, ...]) -> list[np.ndarray]:
    """Integer codes (missing: -1) of each key expression over the rows of ``recs``, in
    row order: equal codes exactly where DuckDB's ``=`` holds (the values are compared in
    Python after DuckDB computes them: strings and integers, as the keys are)."""
    sel = ", ".join(f"{e} as k{j}" for j, e in enumerate(exprs))
    frame = con.sql(f"select {sel} from {recs} order by i").df()  # noqa: S608
    return [pd.factorize(frame[f"k{j}"].astype(object).where(frame[f"k{j}"].notna(), None)
                         )[0].astype(np.int64) for j in range(len(exprs))]


def _null_column(comp: Any) -> str | None:
    for lv in comp.comparison_levels:
        if lv.is_null_level:
            return str(lv.sql_condition)
    return None


def random_u(db_api: Any, table: str, comparisons: list[Any], seed: int, n_pairs: int,
             keys: dict[str, tuple[str, ...]] | None = None,
             stratum_size: int = STRATUM_PAIRS) -> dict[str, dict[int, float]]:
    """u of each Splink ``Comparison`` in ``comparisons`` from ``n_pairs`` uniformly drawn
    pairs of distinct records of the DuckDB ``table``, all comparisons in one pass, by output
    column name and comparison vector value (a level never seen: 0; the null level left out).

    What Splink's random sampling estimates (u over all pairs, true matches included), but
    one join and one scan for every comparison, where Splink joins a sample of records with
    itself once per comparison and chunk (1.2–1.4 s CPU of a 20,000-record dedupe, issue #13
    round 7); uniform pairs rather than all pairs among sampled records, so no record weighs
    more than another.

    With ``keys`` (round 10f: :data:`EXACT_KEYS`), a comparison listed there is stratified by
    its equality keys: the pairs equal on key j (and on no finer key) are stratum j, whose
    probability is exact from value counts (:func:`strata_sizes`), its levels counted on all
    its pairs or on ``stratum_size`` pairs drawn within it (:func:`stratum_pairs`); only the
    rest (equal on no key) is estimated from the random pairs. u(level) = Σ_s P(s) ·
    P(level | s): the same quantity, and a level that only pairs equal on a key reach (the
    same sex, phone or NIK, the same birth date) is exact when its stratum is enumerated."""
    con = db_api._con
    tag = f"{abs(hash((table, seed, 'r'))) % 10**8}"
    recs, view = f"__waspada_ur_records_{tag}", f"__waspada_ur_pairs_{tag}"
    used = {c.unquote().name for comp in comparisons
            for c in comp._input_columns_used_by_case_statement}
    cols = [c for c in con.table(table).columns if c in used]
    if not comparisons or not cols:
        return {}
    strat: dict[int, tuple[str, ...]] = {}
    for k, comp in enumerate(comparisons):
        ks = (keys or {}).get(comp.output_column_name)
        # stratified only when the null level is "the first key missing on either side"
        if ks and _null_column(comp) == f'"{ks[0]}_l" IS NULL OR "{ks[0]}_r" IS NULL':
            strat[k] = ks
    sel = ", ".join(_quote(c) for c in cols)
    con.execute(f"create or replace temp table {recs} as select "  # noqa: S608
                f"(row_number() over () - 1)::integer as i, {sel} from {_quote(table)}")
    try:
        ((n,),) = con.sql(f"select count(*) from {recs}").fetchall()  # noqa: S608
        rng = np.random.default_rng([seed, 1])
        li, ri = random_pairs(int(n), n_pairs, rng)
        pairs = pd.DataFrame({"il": li.astype(np.int32), "ir": ri.astype(np.int32)})
        codes = {}
        for k, ks in list(strat.items()):
            try:
                codes[k] = _codes(con, recs, ks)
            except duckdb.Error:  # a key on a column this table lacks: random pairs only
                del strat[k]
        for k in strat:
            pairs[f"s{k}"] = pair_stratum(codes[k], li, ri)
        select = ", ".join([f"l.{_quote(c)} as {_quote(c + '_l')}" for c in cols]
                           + [f"r.{_quote(c)} as {_quote(c + '_r')}" for c in cols])
        cases = ", ".join(comp._case_statement for comp in comparisons)
        svars = "".join(f", p.s{k}" for k in strat)
        con.register(view, pairs)
        try:
            rows = con.sql(f"with p as (select {select}{svars} from {view} p "  # noqa: S608
                           f"join {recs} l on l.i = p.il join {recs} r on r.i = p.ir) "
                           f"select {cases}{svars.replace('p.', '')}, count(*) as n from p "
                           "group by all").fetchall()
        finally:
            con.unregister(view)
        inside = _strata_counts(con, recs, view, select, comparisons, codes, stratum_size,
                                seed)
    finally:
        con.execute(f"drop table if exists {recs}")
    out: dict[str, dict[int, float]] = {}
    m = len(comparisons)
    for k, comp in enumerate(comparisons):
        values = [int(cl.comparison_vector_value)
                  for cl in comp._comparison_levels_excluding_null]
        if k not in strat:
            counts: dict[int, int] = {}
            for row in rows:
                counts[int(row[k])] = counts.get(int(row[k]), 0) + int(row[-1])
            total = sum(c for v, c in counts.items() if v != -1)
            out[comp.output_column_name] = {
                v: (counts.get(v, 0) / total if total else 0.0) for v in values}
            continue
        col = m + sorted(strat).index(k)  # this comparison's stratum column in ``rows``
        probs, by_stratum = inside[k]
        # a stratum with pairs but none drawn (it cannot happen with 50 rounds of drawing
        # unless nearly all of its key's pairs are equal on a finer key) is left to the
        # random pairs, like the rest
        rest = {0} | {s for s, p in probs.items() if p > 0 and not by_stratum.get(s)}
        p_rest = 1.0 - sum(p for s, p in probs.items() if s not in rest)
        rest_counts: dict[int, int] = {}
        for row in rows:
            if int(row[col]) in rest and int(row[k]) != -1:
                rest_counts[int(row[k])] = rest_counts.get(int(row[k]), 0) + int(row[-1])
        u = dict.fromkeys(values, 0.0)
        for s, p in probs.items():
            got = by_stratum.get(s)
            if s in rest or not got or p <= 0:
                continue
            tot = sum(got.values())
            for v, c in got.items():
                if v in u:
                    u[v] += p * c / tot
        tot = sum(rest_counts.values())
        if tot and p_rest > 0:
            for v, c in rest_counts.items():
                if v in u:
                    u[v] += p_rest * c / tot
        norm = sum(u.values())
        out[comp.output_column_name] = {v: x / norm for v, x in u.items()} if norm else u
    return out


def _strata_counts(con: Any, recs: str, view: str, select: str, comparisons: list[Any],
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
    con.register(view, pd.concat(parts, ignore_index=True))
    try:
        rows = con.sql(f"with p as (select p.c, p.s, {select} from {view} p "  # noqa: S608
                       f"join {recs} l on l.i = p.il join {recs} r on r.i = p.ir) "
                       f"select c, s, CASE c {cases} END as v, count(*) as n from p "
                       "group by all").fetchall()
    finally:
        con.unregister(view)
    for k, s, v, c in sorted(rows):
        out[int(k)][1].setdefault(int(s), {})[int(v)] = int(c)
    return out
