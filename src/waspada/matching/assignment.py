"""Match probabilities for a one-to-one linkage (pure, numpy).

When each of two sources holds a person at most once, a left record is the same person as at
most one right record and the other way round. A pairwise model cannot use that: it scores a
pair against a prior λ spread over all n_left × n_right pairs, so a true pair with weak
evidence (names replaced, only the birth date agrees) stays improbable even when it is the
only candidate either record has — and two candidates of one record are both scored as if the
other did not exist.

:func:`one_to_one_probabilities` re-reads the pairwise Bayes factors under the one-to-one
model: a matching σ has probability ∝ Π_{(i, j) ∈ σ} θ·BF_ij, θ being the odds that a
still-unmatched left record and a still-unmatched right record are one person. Its pair
marginals come from belief propagation (:func:`_marginals`: exact when the candidate graph
has no loops, as most of it has not), and θ = M / ((n_l − M)(n_r − M)) with M, the expected
number of matches, re-estimated as Σ P_ij until it settles
(an EM fixed point, like the pairwise prior in :mod:`waspada.matching.priors`). With few
matches (M ≪ n) θ ≈ λ and the probabilities are the pairwise ones; with most records matched
a lone candidate gains, and competing candidates share.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["one_to_one_probabilities"]

#: iterations of the inner (Sinkhorn) and outer (expected matches) loops, and their tolerances
INNER_ITERATIONS = 200
OUTER_ITERATIONS = 60


def one_to_one_probabilities(pairs: Sequence[tuple[str, str, float]], prior: float,
                             n_left: int, n_right: int) -> list[tuple[str, str, float]]:
    """``pairs`` (left_id, right_id, pairwise probability under ``prior``) re-scored under the
    one-to-one model (module docstring); same order, same ids.

    ``pairs`` should hold every pair the model scores above a low floor (the competitors of
    a pair are part of its probability); ``n_left``/``n_right`` are the sizes of the sources.
    """
    if not pairs:
        return []
    lam = min(max(prior, 1e-15), 0.5)
    p = np.clip(np.fromiter((t[2] for t in pairs), float, len(pairs)), 1e-15, 1 - 1e-12)
    bf = (p / (1 - p)) / (lam / (1 - lam))
    li: dict[str, int] = {}
    ri: dict[str, int] = {}
    left = np.fromiter((li.setdefault(t[0], len(li)) for t in pairs), np.int64, len(pairs))
    right = np.fromiter((ri.setdefault(t[1], len(ri)) for t in pairs), np.int64, len(pairs))
    n_l, n_r = max(n_left, len(li)), max(n_right, len(ri))
    m = float(p.sum())
    post = p
    for _ in range(OUTER_ITERATIONS):
        m = min(m, min(n_l, n_r) - 0.5)
        theta = m / ((n_l - m) * (n_r - m))
        post = _marginals(theta * bf, left, right, len(li), len(ri))
        new_m = float(post.sum())
        if abs(new_m - m) < 0.01 * max(1.0, 1e-4 * m):
            break
        m = new_m
    return [(a, b, float(q)) for (a, b, _), q in zip(pairs, post, strict=True)]


def _marginals(w: np.ndarray, left: np.ndarray, right: np.ndarray, n_l: int, n_r: int
               ) -> np.ndarray:
    """Pair marginals of the matching model with edge weights ``w`` (belief propagation).

    ``u`` (per edge i-j): how likely left record i is free when the edge is left out, as the
    ratio of its partition functions 1 / (1 + Σ_{k≠j} w_ik v_ki); ``v`` likewise for j.
    Exact on a forest (a lone pair: w / (1 + w); one record with two candidates:
    w_1 / (1 + w_1 + w_2)); damped on the few loops real candidate graphs have.
    """
    u = np.ones(len(w))
    v = np.ones(len(w))
    for _ in range(INNER_ITERATIONS):
        u_new = 1.0 / (1.0 + _others(w * v, left, n_l))
        v_new = 1.0 / (1.0 + _others(w * u_new, right, n_r))
        done = max(np.abs(u_new / u - 1.0).max(), np.abs(v_new / v - 1.0).max()) < 1e-9
        if done:
            u, v = u_new, v_new
            break
        u, v = 0.5 * (u + u_new), 0.5 * (v + v_new)
    g = w * u * v
    with np.errstate(divide="ignore"):
        return 1.0 / (1.0 + 1.0 / g)


def _others(x: np.ndarray, group: np.ndarray, n: int) -> np.ndarray:
    """Per edge, the sum of ``x`` over the OTHER edges of its group.

    ``total - own`` loses everything to rounding when one edge dominates its group (a Bayes
    factor of 1e19 next to 1e2 gave 0 or less, then a division by zero and no pairs at all:
    FEBRL4 with every field). The dominant edge of each group takes the sum of the rest
    instead, added up without it; for the other edges ``total - own`` ≥ half the total.
    """
    total = np.bincount(group, x, n)
    top = np.full(n, -1, np.int64)
    order = np.lexsort((x, group))  # by group, then by value: the last of a group is its max
    last = np.ones(len(order), bool)
    last[:-1] = group[order[1:]] != group[order[:-1]]
    top[group[order[last]]] = order[last]
    is_top = np.zeros(len(x), bool)
    is_top[top[top >= 0]] = True
    rest = np.bincount(group, np.where(is_top, 0.0, x), n)
    return np.where(is_top, rest[group], np.maximum(total[group] - x, 0.0))
