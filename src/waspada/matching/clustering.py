"""Clusters that do not chain.

Connected components at one threshold let a single link merge two families: A-B and B-C above
the threshold put A and C together even when A and C disagree (two namesakes each linked to a
third record with little information). After the components are found,
:func:`coherent_clusters` re-clusters each component of three or more records by **average
linkage** over *every* pair inside it: two groups merge only when the mean match probability of
all their cross pairs reaches the threshold. Pairs never compared count as 0 — the pipeline
scores every pair inside such a component (see ``pipeline.dedupe``), so that only happens for
components too large to score completely.

Greedy average linkage is the classic remedy for the single-linkage chaining effect (e.g.
Manning, Raghavan & Schütze, *Introduction to Information Retrieval*, ch. 17.3); it keeps a
cluster whose records are all strongly linked (a person with five records), and splits one
held together by one weak bridge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

__all__ = ["Pair", "coherent_clusters", "components", "pair_key"]

Pair = tuple[str, str]


def pair_key(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


def components(ids: Iterable[str], edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected components (union-find), each sorted, in order of their smallest id."""
    parent: dict[str, str] = {i: i for i in ids}

    def find(x: str) -> str:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for i in parent:
        groups.setdefault(find(i), []).append(i)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def coherent_clusters(members: Sequence[str], prob: Mapping[Pair, float],
                      threshold: float) -> list[list[str]]:
    """Split one component into clusters by greedy average linkage at ``threshold``.

    ``prob`` maps :func:`pair_key` pairs to match probabilities (missing pairs count 0).
    Edges are taken strongest first (ties by ids: deterministic); the groups of an edge's two
    records merge when the mean probability over all their cross pairs is at least
    ``threshold``.
    """
    if len(members) <= 2:
        return [sorted(members)] if len(members) == 2 and prob.get(
            pair_key(members[0], members[1]), 0.0) >= threshold else [[m] for m in
                                                                     sorted(members)]
    member_set = set(members)
    edges = sorted(((p, a, b) for (a, b), p in prob.items()
                    if p >= threshold and a in member_set and b in member_set),
                   key=lambda e: (-e[0], e[1], e[2]))
    group_of: dict[str, int] = {m: i for i, m in enumerate(sorted(members))}
    groups: dict[int, list[str]] = {i: [m] for m, i in group_of.items()}
    for _p, a, b in edges:
        ga, gb = group_of[a], group_of[b]
        if ga == gb:
            continue
        left, right = groups[ga], groups[gb]
        total = sum(prob.get(pair_key(x, y), 0.0) for x in left for y in right)
        if total / (len(left) * len(right)) < threshold:
            continue
        keep, gone = (ga, gb) if len(left) >= len(right) else (gb, ga)
        for m in groups[gone]:
            group_of[m] = keep
        groups[keep].extend(groups.pop(gone))
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])
