"""Missing identifiers as record-level evidence (pure, numpy; issue #13).

A pairwise model takes a missing NIK, passport or phone as no evidence (Splink's null level,
weight 0). On data where a record lacking them is mostly a *second* record of someone (an
original registered in full, a variant written down with fewer identifiers) that throws
evidence away: such a record has a duplicate far more often than a complete one, and its pairs
are under-confident. As a pairwise Bayes factor it over-corrects (it raises every pair of the
record, a namesake born the same day as much as the true partner, and NIK and phone go missing
together). The evidence is about the *record* — "it has a duplicate somewhere" — so here it is
a record-level prior whose extra mass the record's candidates share.

**The model.** Record i has a partner among its candidates with probability
``Q_i = 1 - Π_j (1 - p_ij)`` under the pairwise model, whose prior is the same for every
record (π̄, the mean of Q over all records). With a prior π_k for the records of missingness
pattern k (which identifiers are missing), the record's odds become
``odds(Q'_i) = f_k · odds(Q_i)``, ``f_k = odds(π_k) / odds(π̄)``. π_k is estimated on the data
at hand by EM over the records (:func:`pattern_factors`): π_k = mean over the pattern of
Q'_i(π_k), to its fixed point, and used only when a likelihood-ratio test finds it better
than the common prior (:data:`CHI2_LEVEL`, the 5 % level). Where missing values carry no
evidence and the pairwise model is calibrated, the mean of Q over any pattern is π̄ already,
so f_k ≈ 1 and nothing changes.

**Sharing** (:func:`record_view`). When f_k > 1 the record's raised partner probability Q'_i
is shared among its candidates in proportion to their Bayes factors (their pairwise odds: the
prior is common), as a record with one partner among its candidates would share it (the
exact marginals of :mod:`~waspada.matching.assignment` for one record), and a pair keeps its
pairwise probability when that is higher (the pairwise model allows a person several
records). A lone candidate's odds rise by f_k; two equally good candidates (a true partner
and a namesake born the same day) split Q'_i, so neither passes one half. A factor below 1
lowers the record's pairs in proportion (Q'_i / Q_i); a factor of 1 changes nothing.

**Combining the two records' views** (:func:`adjust`): each pair takes the higher of its two
records' views. Each view is the pair's probability given the candidates and *one* record's
pattern; the two patterns are not independent evidence about *this* pair (each says its record
has a duplicate somewhere), so the stronger is counted once. A product would count twice two
incomplete namesakes; a minimum or a geometric mean would cancel or halve the evidence of an
incomplete variant paired with its complete original (whose pattern says nothing).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["CHI2_LEVEL", "MIN_PATTERN_RECORDS", "adjust", "adjust_groups", "pattern_factors",
           "partner_probability", "patterns", "record_factors", "record_view"]

#: a pattern held by fewer records keeps factor 1 (too few to estimate its own prior)
MIN_PATTERN_RECORDS = 50
_P_MIN, _P_MAX = 1e-15, 1 - 1e-12


def patterns(missing: Mapping[str, Sequence[bool]]) -> np.ndarray:
    """Pattern code per record: a bit per identifier that is missing. ``missing`` maps an
    identifier to a per-record flag; an identifier missing from every record or from none is
    left out (it tells records apart by nothing)."""
    n = len(next(iter(missing.values()))) if missing else 0
    code = np.zeros(n, np.int64)
    bit = 0
    for flags in missing.values():
        f = np.asarray(flags, bool)
        if 0 < f.sum() < n:
            code |= f.astype(np.int64) << bit
            bit += 1
    return code


def partner_probability(left: np.ndarray, right: np.ndarray, p: np.ndarray, n: int
                        ) -> np.ndarray:
    """Q_i = 1 - Π_j (1 - p_ij) per record (0 for a record without candidates)."""
    q = np.clip(p, _P_MIN, _P_MAX)
    log_free = np.bincount(left, np.log1p(-q), n) + np.bincount(right, np.log1p(-q), n)
    return -np.expm1(log_free)


def pattern_factors(q: np.ndarray, code: np.ndarray, offset: np.ndarray | None = None,
                    reference: int | None = None) -> dict[int, float]:
    """f_k per pattern code (module docstring): the EM fixed point of the pattern's prior,
    as odds relative to the prior every record has under the pairwise model.

    ``offset`` (per record, natural log): factors of other patterns already applied to the
    record's prior (:func:`record_factors`); f_k is then the pattern's factor on top of them
    (the moment condition of a log-linear prior: the pattern's records' mean posterior equals
    their mean prior). ``reference``: a pattern whose factor is 1 by definition (not
    estimated)."""
    q = np.clip(q, 0.0, _P_MAX)
    odds = q / (1.0 - q)
    pbar = min(max(float(q.mean()), _P_MIN), _P_MAX) if len(q) else 0.5
    base = math.log(pbar / (1.0 - pbar))
    off_all = np.zeros(len(q)) if offset is None else np.asarray(offset, float)
    out: dict[int, float] = {}
    for k in np.unique(code):
        sel = code == k
        o, off = odds[sel], off_all[sel]
        if len(o) < MIN_PATTERN_RECORDS or k == reference:
            out[int(k)] = 1.0
            continue
        # n records cannot put the pattern's prior beyond the rule of succession's
        # 1 / (n + 2) .. (n + 1) / (n + 2): the factor's bounds (with an offset, the bounds
        # of the records' whole factor: another group's factor at the bound leaves none)
        moff = float(off.mean())
        hi_t = max(math.log(len(o) + 1.0) - base, 0.0) - moff
        lo_t = min(-math.log(len(o) + 1.0) - base, 0.0) - moff
        def gap(t: float, o: np.ndarray = o, off: np.ndarray = off) -> float:
            e = o * np.exp(off + t)
            return float((e / (1.0 + e)).mean() - (1.0 / (1.0 + np.exp(-(base + off + t))))
                         .mean())

        # the fixed point nearest 0 (EM started at the pairwise prior): bisection towards the
        # side where the pattern's mean posterior lies
        if abs(gap(0.0)) < 1e-12:
            out[int(k)] = 1.0
            continue
        lo, hi = (0.0, hi_t) if gap(0.0) > 0 else (lo_t, 0.0)
        if hi <= lo or (gap(lo) > 0) == (gap(hi) > 0):  # no root inside the bounds: the bound
            out[int(k)] = math.exp(hi if gap(0.0) > 0 else lo)
            continue
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if (gap(mid) > 0) == (gap(lo) > 0):
                lo = mid
            else:
                hi = mid
        t = 0.5 * (lo + hi)
        out[int(k)] = math.exp(t) if _significant(o, base, t, off) else 1.0
    return out


#: the likelihood-ratio statistic (chi-square, 1 degree of freedom) a pattern's own prior must
#: reach to be used: 3.84, the 5 % level
CHI2_LEVEL = 3.84


def _significant(odds: np.ndarray, base: float, t: float, off: np.ndarray | float = 0.0
                 ) -> bool:
    """Whether the pattern's own prior explains its records better than the common one: the
    likelihood-ratio test of 2 Σ log[(1 − π_k + π_k R_i) / (1 − π̄ + π̄ R_i)] against
    :data:`CHI2_LEVEL`, R_i = odds(Q_i) / odds(π̄) being record i's likelihood ratio of
    "has a partner" (its candidates' evidence). Keeps a sampling wobble (a factor of 0.93 or
    1.09 where missing values say nothing) from moving any pair."""
    pbar = 1.0 / (1.0 + np.exp(-(base + off)))
    pk = 1.0 / (1.0 + np.exp(-(base + off + t)))
    r = odds / math.exp(base)
    gain = np.log1p(pk * (r - 1.0)) - np.log1p(pbar * (r - 1.0))
    return 2.0 * float(gain.sum()) >= CHI2_LEVEL


def record_view(left: np.ndarray, right: np.ndarray, p: np.ndarray, n: int,
                factor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's probability seen from its left record and from its right record, with
    that record's partner odds multiplied by ``factor`` (per record) and the change shared
    among its candidates in proportion to their Bayes factors."""
    q = np.clip(p, _P_MIN, _P_MAX)
    pair_odds = q / (1.0 - q)
    total = partner_probability(left, right, q, n)
    t = np.clip(total, 0.0, _P_MAX)
    o = factor * t / (1.0 - t)
    new_total = o / (1.0 + o)
    delta = new_total - total
    bf_sum = np.bincount(left, pair_odds, n) + np.bincount(right, pair_odds, n)
    views = []
    for me in (left, right):
        share = new_total[me] * pair_odds / np.maximum(bf_sum[me], 1e-300)
        scaled = q * np.where(total[me] > 0, new_total[me] / np.maximum(total[me], 1e-300),
                              1.0)
        view = np.where(delta[me] > 0, np.maximum(q, share),
                        np.where(delta[me] < 0, scaled, q))
        views.append(np.clip(view, 0.0, _P_MAX))
    return views[0], views[1]


#: rounds of backfitting the groups' factors (:func:`record_factors`)
BACKFIT_ROUNDS = 4


def record_factors(q: np.ndarray, codes: Sequence[np.ndarray]
                   ) -> tuple[np.ndarray, list[dict[int, float]]]:
    """Per-record factor of several groups of patterns (e.g. the joint pattern of the
    identifiers, and whether the birth date is missing): a log-linear record prior, each
    group's factors fitted with the others' as offsets, in turn (backfitting), so a group
    correlated with another (a record lacking its NIK often lacks its birth date too) is not
    counted twice. The first group's factors are free (the identifiers' joint pattern, as in
    :func:`adjust`); in every other group pattern 0 (nothing of the group missing) is the
    reference with factor 1, so the groups do not share an intercept. Returns the product of
    the groups' factors per record and each group's factor per pattern."""
    logs = [np.zeros(len(q)) for _ in codes]
    found: list[dict[int, float]] = [{} for _ in codes]
    for _ in range(BACKFIT_ROUNDS if len(codes) > 1 else 1):
        before = [x.copy() for x in logs]
        for g, code in enumerate(codes):
            offset = sum((logs[h] for h in range(len(codes)) if h != g), np.zeros(len(q)))
            found[g] = pattern_factors(q, code, offset, reference=0 if g else None)
            lut = np.zeros(int(code.max()) + 1 if len(code) else 1)
            for k, f in found[g].items():
                lut[k] = math.log(f)
            logs[g] = lut[code]
        if all(np.allclose(x, y, atol=1e-6) for x, y in zip(logs, before, strict=True)):
            break
    return np.exp(sum(logs, np.zeros(len(q)))), found


def adjust_groups(left: np.ndarray, right: np.ndarray, p: np.ndarray,
                  codes: Sequence[np.ndarray]
                  ) -> tuple[np.ndarray, list[dict[int, float]]]:
    """:func:`adjust` with several groups of patterns per record (:func:`record_factors`);
    returns each group's factor per pattern."""
    if not len(p) or not codes:
        return p, [{} for _ in codes]
    n = len(codes[0])
    q = partner_probability(left, right, p, n)
    factor, found = record_factors(q, codes)
    if np.allclose(factor, 1.0, rtol=0, atol=1e-9):
        return p, found
    a, b = record_view(left, right, p, n, factor)
    return np.maximum(a, b), found


def adjust(left: np.ndarray, right: np.ndarray, p: np.ndarray, code: np.ndarray
           ) -> tuple[np.ndarray, dict[int, float]]:
    """Pair probabilities with the record-level missingness prior (module docstring), and
    the factor of each pattern. ``left``/``right`` index records (``code`` per record);
    ``p`` should hold every pair the model scores above a low floor (a record's candidates
    share its prior)."""
    if not len(p):
        return p, {}
    new, found = adjust_groups(left, right, p, [code])
    return new, found[0]
