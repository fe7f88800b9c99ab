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

__all__ = ["Pair", "by_component", "coherent_clusters", "components", "pair_key"]

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

    ``prob`` maps :func:`pair_key` pairs to match probabilities (missing pairs count 0); it
    may hold pairs of other records too (ignored), but is best limited to the component's own
    (:func:`by_component`): it is scanned once. Edges are taken strongest first (ties by ids:
    deterministic); the groups of an edge's two records merge when the mean probability over
    all their cross pairs is at least ``threshold``. The sums of probability between groups are
    kept up to date as groups merge, so each merge test costs O(1) (a component of 2,000
    records no longer re-adds its cross pairs at every edge).
    """
    if len(members) <= 2:
        return [sorted(members)] if len(members) == 2 and prob.get(
            pair_key(members[0], members[1]), 0.0) >= threshold else [[m] for m in
                                                                     sorted(members)]
    member_set = set(members)
    group_of: dict[str, int] = {m: i for i, m in enumerate(sorted(members))}
    groups: dict[int, list[str]] = {i: [m] for m, i in group_of.items()}
    # between[g][h]: sum of the probabilities of the pairs across groups g and h (sparse)
    between: dict[int, dict[int, float]] = {i: {} for i in groups}
    edges = []
    for (a, b), p in prob.items():
        if a in member_set and b in member_set and a != b:
            ga, gb = group_of[a], group_of[b]
            between[ga][gb] = between[ga].get(gb, 0.0) + p
            between[gb][ga] = between[gb].get(ga, 0.0) + p
            if p >= threshold:
                edges.append((p, a, b))
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    for _p, a, b in edges:
        ga, gb = group_of[a], group_of[b]
        if ga == gb:
            continue
        left, right = groups[ga], groups[gb]
        if between[ga].get(gb, 0.0) / (len(left) * len(right)) < threshold:
            continue
        keep, gone = (ga, gb) if len(left) >= len(right) else (gb, ga)
        for m in groups[gone]:
            group_of[m] = keep
        groups[keep].extend(groups.pop(gone))
        # the merged group's sums with every other group: add the gone group's
        for other, total in between.pop(gone).items():
            if other == keep:
                continue
            between[keep][other] = between[keep].get(other, 0.0) + total
            row = between[other]
            row[keep] = row.get(keep, 0.0) + row.pop(gone)
        between[keep].pop(gone, None)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def by_component(comps: Sequence[Sequence[str]], prob: Mapping[Pair, float]
                 ) -> list[dict[Pair, float]]:
    """The pairs of ``prob`` inside each component (pairs across components are dropped), in
    one pass over ``prob``: handing every component the whole mapping made clustering
    quadratic (6,233 components x 300,000 pairs at 200,000 records, issue #13)."""
    comp_of = {i: n for n, comp in enumerate(comps) for i in comp}
    out: list[dict[Pair, float]] = [{} for _ in comps]
    for (a, b), p in prob.items():
        ca = comp_of.get(a)
        if ca is not None and ca == comp_of.get(b):
            out[ca][(a, b)] = p
    return out
