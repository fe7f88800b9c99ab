"""Clusters that do not chain (issue #13 item 2)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from waspada.matching.clustering import coherent_clusters, components, pair_key


def _prob(pairs: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    return {pair_key(a, b): p for (a, b), p in pairs.items()}


def test_a_weak_bridge_does_not_merge_two_families() -> None:
    # A1-A2-A3 strongly one person, B1-B2 another; one bridge A3-B1 just above the threshold
    strong = {pair: 0.99 for pair in itertools.combinations(["A1", "A2", "A3"], 2)}
    prob = _prob({**strong, ("B1", "B2"): 0.98, ("A3", "B1"): 0.55,
                  ("A1", "B1"): 0.01, ("A2", "B1"): 0.02, ("A1", "B2"): 0.0,
                  ("A2", "B2"): 0.0, ("A3", "B2"): 0.03})
    members = ["A1", "A2", "A3", "B1", "B2"]
    assert components(members, [(a, b) for (a, b), p in prob.items() if p >= 0.5]) == [members]
    assert coherent_clusters(members, prob, 0.5) == [["A1", "A2", "A3"], ["B1", "B2"]]


def test_a_person_with_many_records_stays_whole() -> None:
    ids = [f"P{i}" for i in range(6)]
    # not every pair is certain (a record without NIK), but the cluster as a whole is coherent
    prob = _prob({pair: (0.97 if "P5" not in pair else 0.6)
                  for pair in itertools.combinations(ids, 2)})
    assert coherent_clusters(ids, prob, 0.5) == [ids]


def test_a_chain_of_pairs_is_cut_where_ends_disagree() -> None:
    ids = ["C1", "C2", "C3", "C4"]
    prob = _prob({("C1", "C2"): 0.9, ("C2", "C3"): 0.9, ("C3", "C4"): 0.9})  # others unknown
    clusters = coherent_clusters(ids, prob, 0.5)
    assert len(clusters) >= 2 and max(len(c) for c in clusters) <= 2


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.tuples(st.sampled_from("abcdefg"), st.sampled_from("abcdefg")),
                       st.floats(0, 1), max_size=25), st.floats(0.05, 0.99))
def test_every_cluster_is_coherent_and_a_partition(raw: dict[tuple[str, str], float],
                                                   threshold: float) -> None:
    prob = {pair_key(a, b): p for (a, b), p in raw.items() if a != b}
    members = sorted("abcdefg")
    clusters = coherent_clusters(members, prob, threshold)
    assert sorted(m for c in clusters for m in c) == members  # nobody lost or duplicated
    for c in clusters:
        if len(c) >= 2:  # linked by at least one edge, and its mean agreement >= threshold
            pairs = list(itertools.combinations(c, 2))
            scores = [prob.get(pair_key(a, b), 0.0) for a, b in pairs]
            assert any(s >= threshold for s in scores)
            assert sum(scores) / len(scores) >= threshold - 1e-9


def _reference_average_linkage(members: list[str], prob: dict[tuple[str, str], float],
                               threshold: float) -> list[list[str]]:
    """The textbook greedy average linkage, recomputing every cross sum (slow, obviously
    right): what coherent_clusters must give."""
    edges = sorted(((p, a, b) for (a, b), p in prob.items()
                    if p >= threshold and a in members and b in members),
                   key=lambda e: (-e[0], e[1], e[2]))
    group = {m: [m] for m in members}
    for _p, a, b in edges:
        left, right = group[a], group[b]
        if left is right:
            continue
        total = sum(prob.get(pair_key(x, y), 0.0) for x in left for y in right)
        if total / (len(left) * len(right)) < threshold:
            continue
        big, small = (left, right) if len(left) >= len(right) else (right, left)
        big.extend(small)
        for m in small:
            group[m] = big
    uniq = {id(g): sorted(g) for g in group.values()}
    return sorted(uniq.values(), key=lambda g: g[0])


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.tuples(st.sampled_from("abcdefghij"), st.sampled_from("abcdefghij")),
                       st.sampled_from([0.0, 0.1, 0.3, 0.45, 0.5, 0.55, 0.7, 0.9, 0.99]),
                       max_size=40), st.sampled_from([0.3, 0.5, 0.9]))
def test_incremental_sums_give_the_textbook_average_linkage(
        raw: dict[tuple[str, str], float], threshold: float) -> None:
    prob = {pair_key(a, b): p for (a, b), p in raw.items() if a != b}
    members = sorted("abcdefghij")
    assert coherent_clusters(members, prob, threshold) == _reference_average_linkage(
        members, prob, threshold)


def test_clustering_many_components_takes_linear_time(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """20,000 families of three records: each component is clustered on its own pairs (the
    whole pair list scanned per component took minutes at 200,000 records, issue #13)."""
    import time

    from waspada.matching import pipeline

    monkeypatch.setattr(pipeline, "_score_inside", lambda *args: {})
    ids, pairs = [], []
    for f in range(20_000):
        a, b, c = (f"F{f:05d}{x}" for x in "abc")
        ids += [a, b, c]
        pairs += [(a, b, 0.99), (b, c, 0.98), (a, c, 0.97)]
    t0 = time.perf_counter()
    cluster_of, splits = pipeline._coherent(None, None, "duckdb", None, ids, pairs, 0.5,
                                            lambda _m: None)
    assert time.perf_counter() - t0 < 10.0
    assert splits == 0 and len(set(cluster_of.values())) == 20_000
    assert cluster_of["F00007c"] == "F00007a"


def test_by_component_keeps_only_the_pairs_inside() -> None:
    from waspada.matching.clustering import by_component

    prob = {("a", "b"): 0.9, ("b", "c"): 0.8, ("c", "d"): 0.7, ("x", "y"): 0.6}
    assert by_component([["a", "b"], ["c", "d"]], prob) == [{("a", "b"): 0.9},
                                                             {("c", "d"): 0.7}]
