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
(:data:`EXACT_KEYS`, round 10f, :mod:`waspada.matching.key_strata`): the pairs equal on a
key (the same date, the same NIK, its first 12 digits, ...) form strata whose probabilities are
exact from value counts, counted on every pair of the stratum or on pairs drawn within it, so
a level that only key-equal pairs reach (the same sex, phone, NIK or date, a day/month swap)
has its exact u, and only the pairs equal on no key come from random pairs.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from waspada.matching.key_strata import (
    EXACT_KEYS,
    STRATUM_PAIRS,
    key_codes,
    null_condition,
    pair_counts,
    pair_stratum,
    strata_counts,
)
from waspada.matching.name_levels import (
    NAME_COLUMNS,
    NAME_ID,
    TOKEN_COUNT,
    TOKEN_MASK,
    disjoint_masks_case,
    mask_shared_token_guard,
    maskable,
    with_token_mask_sql,
)

__all__ = ["EXACT_KEYS", "KEY_PAIRS", "REST_PAIRS", "Strata", "name_key", "pair_strata",
           "random_pairs", "random_u", "sample_pairs", "stratified_u", "u_from_counts"]

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
    # once per distinct name (round 10h: 9,578 of 20,000 records' names are distinct); the
    # missing ones (None, NaN: code -1) take the key of None, the last entry
    codes, uniques = pd.factorize(name_phon_sorted.astype(object))
    keys = np.array([key(v) for v in uniques] + [None], dtype=object)
    return pd.Series(keys[codes], index=name_phon_sorted.index, name=name_phon_sorted.name,
                     dtype=object)


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


def _name_pair_counts(name_ids: np.ndarray, li: np.ndarray, ri: np.ndarray,
                      st: np.ndarray) -> pd.DataFrame:
    """The sampled pairs (row indices ``li``, ``ri``, stratum ``st``) counted by (stratum,
    name id of the left row, name id of the right row): columns ``stratum``, ``a``, ``b``,
    ``n``. What a ``group by`` of the pairs joined with their records gives, without the
    join (issue #13 round 22)."""
    if not len(li):
        return pd.DataFrame({"stratum": np.zeros(0, np.int8), "a": np.zeros(0, np.int64),
                             "b": np.zeros(0, np.int64), "n": np.zeros(0, np.int64)})
    ids, codes = np.unique(name_ids, return_inverse=True)  # dense codes 0..m-1
    m = np.int64(len(ids))
    a, b = codes[li].astype(np.int64), codes[ri].astype(np.int64)
    key = (st.astype(np.int64) * m + a) * m + b  # m <= rows, so below 3 * m * m: no overflow
    uniq, n = np.unique(key, return_counts=True)
    return pd.DataFrame({"stratum": (uniq // (m * m)).astype(np.int8),
                         "a": ids[(uniq // m) % m], "b": ids[uniq % m],
                         "n": n.astype(np.int64)})


def _by_masks(con: Any, recs: str, view: str, nm: str, pairs: pd.DataFrame, cols: list[str],
              cases: tuple[str, str]) -> str:
    """The statement counting the name's levels of the distinct name pairs ``pairs``
    (``stratum``, ``a``, ``b``, ``n``) in two parts: the pairs whose token masks are not NULL
    and share no bit with ``cases[1]`` (:func:`~waspada.matching.name_levels.disjoint_masks_case`:
    no token lists joined, 91 % of random name pairs at 20,000 records), the others with the
    masked CASE ``cases[0]``. Each pair gets the level of the masked CASE (issue #13, round
    22). Leaves the names in the table ``{recs}_names`` and the two parts registered as
    ``{view}_d`` and ``{view}_o`` (the caller drops them)."""
    names, nid, mask = f"{recs}_names", _quote(NAME_ID), _quote(TOKEN_MASK)
    con.execute(f"create or replace temp table {names} as with {nm} "  # noqa: S608
                f"select *, array_length(name_tokens) as {_quote(TOKEN_COUNT)} from nm")
    # the mask is a HUGEINT of bits 0-63 (DuckDB's bit_or of the shifts): exact as UBIGINT
    got = con.sql(f"select {nid}::BIGINT, {mask} is null, "  # noqa: S608
                  f"coalesce({mask}, 0)::UBIGINT from {names} order by {nid}").fetchall()
    ids = np.array([r[0] for r in got], dtype=np.int64)
    none = np.array([r[1] for r in got], dtype=bool)
    bits = np.array([r[2] for r in got], dtype=np.uint64)
    ia = np.searchsorted(ids, pairs["a"].to_numpy())
    ib = np.searchsorted(ids, pairs["b"].to_numpy())
    disjoint = ~none[ia] & ~none[ib] & ((bits[ia] & bits[ib]) == 0)
    con.register(f"{view}_d", pairs[disjoint].reset_index(drop=True))
    con.register(f"{view}_o", pairs[~disjoint].reset_index(drop=True))
    light = [c for c in cols if c != "name_tokens"] + [TOKEN_COUNT]
    parts = []
    for side, these, case in (("d", light, cases[1]), ("o", [*cols, TOKEN_MASK], cases[0])):
        sel = ", ".join([f"l.{_quote(c)} as {_quote(c + '_l')}" for c in these]
                        + [f"r.{_quote(c)} as {_quote(c + '_r')}" for c in these])
        parts.append(f"select stratum, n, {case} as g from (select k.stratum, k.n, {sel} "  # noqa: S608
                     f"from {view}_{side} k join {names} l on l.{nid} = k.a "
                     f"join {names} r on r.{nid} = k.b)")
    both = " union all ".join(parts)
    return f"select stratum, g, sum(n) as n from ({both}) group by all"  # noqa: S608


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
        fetch = ["name_canon", "name_phon_sorted", *([_quote(NAME_ID)] if by_name else [])]
        frame = con.sql(f"select {', '.join(fetch)} from {recs} order by i").df()  # noqa: S608
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
        if by_name and frame[NAME_ID].notna().all():
            # the sampled pairs counted by (stratum, name id, name id) here rather than by
            # joining them with the records in DuckDB: the same counts (round 22)
            pairs = _name_pair_counts(frame[NAME_ID].to_numpy(dtype=np.int64), li, ri, st)
        else:
            by_name = False
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
                fast = disjoint_masks_case(case) if masks else None
                if fast is not None:
                    # the pairs whose masks share no bit without their token lists (round 22)
                    sql = _by_masks(con, recs, view, nm, pairs, cols,
                                    (case.rsplit(" as ", 1)[0], fast.rsplit(" as ", 1)[0]))
                else:
                    sql = (f"with {nm}, "  # noqa: S608
                           f"p as (select k.stratum, k.n, {select}{masks} from {view} k "
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
            for side in ("d", "o"):
                with contextlib.suppress(duckdb.Error):
                    con.unregister(f"{view}_{side}")
    finally:
        con.execute(f"drop table if exists {recs}")
        con.execute(f"drop table if exists {recs}_names")
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
    probability is exact from value counts (:mod:`~waspada.matching.key_strata`), its levels
    counted on all its pairs or on ``stratum_size`` pairs drawn within it; only the rest (equal
    on no key) is estimated from the random pairs. u(level) = Σ_s P(s) ·
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
        if ks and null_condition(comp) == f'"{ks[0]}_l" IS NULL OR "{ks[0]}_r" IS NULL':
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
                codes[k] = key_codes(con, recs, ks)
            except duckdb.Error:  # a key on a column this table lacks: random pairs only
                del strat[k]
        for k in strat:
            pairs[f"s{k}"] = pair_stratum(codes[k], li, ri)
        select = ", ".join([f"l.{_quote(c)} as {_quote(c + '_l')}" for c in cols]
                           + [f"r.{_quote(c)} as {_quote(c + '_r')}" for c in cols])
        cases = ", ".join(comp._case_statement for comp in comparisons)
        svars = "".join(f", p.s{k}" for k in strat)
        rows = pair_counts(con, recs, view, pairs, select + svars,
                           cases + svars.replace("p.", ""))
        inside = strata_counts(con, recs, view, select, comparisons, codes, stratum_size,
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
