"""Communities and brokers on a bounded sub-graph (pure; networkx, BSD licence).

The sub-graph is the entity projection of a lookup: two entities are joined when they appear
in the same source record, weighted by how many records they share. Louvain is seeded, so
the same data gives the same communities; betweenness is sampled (``k``) above
:data:`EXACT_BETWEENNESS` nodes, also seeded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

from waspada.platform.labels import label

SEED = 42
EXACT_BETWEENNESS = 60
MIN_COMMUNITY = 3
TOP_BROKERS = 5


def projection(sources: Mapping[tuple[str, int], Iterable[int]]) -> Any:
    """The entity graph: entity ids joined by shared source records (weight = how many)."""
    import networkx as nx

    graph = nx.Graph()
    for members in sources.values():
        ids = sorted(set(members))
        graph.add_nodes_from(ids)
        for a, b in combinations(ids, 2):
            weight = graph[a][b]["weight"] + 1 if graph.has_edge(a, b) else 1
            graph.add_edge(a, b, weight=weight)
    return graph


def communities(graph: Any, kinds: Mapping[int, str]) -> list[dict[str, Any]]:
    """Louvain communities of at least :data:`MIN_COMMUNITY` entities, largest first, each
    with the reason it stands out."""
    from networkx.algorithms.community import louvain_communities

    if graph.number_of_edges() == 0:
        return []
    found = [sorted(c) for c in louvain_communities(graph, weight="weight", seed=SEED)
             if len(c) >= MIN_COMMUNITY]
    found.sort(key=lambda c: (-len(c), c[0]))
    out = []
    for number, members in enumerate(found, 1):
        sub = graph.subgraph(members)
        shared = int(sum(d["weight"] for _, _, d in sub.edges(data=True)))
        mix = Counter(kinds.get(m, "?") for m in members)
        out.append({"id": number, "members": members, "size": len(members),
                    "reason": f"{len(members)} entities ({_mix(mix, 'en')}) tied by {shared} "
                              f"shared appearance{'' if shared == 1 else 's'} in the same "
                              f"records",
                    # the same in Indonesian, for the page (the API keeps ``reason``)
                    "reason_id": f"{len(members)} entitas ({_mix(mix, 'id')}) terhubung oleh "
                                 f"{shared} kemunculan bersama dalam catatan yang sama"})
    return out


def brokers(graph: Any, community_of: Mapping[int, int]) -> list[dict[str, Any]]:
    """Entities with the highest betweenness that touch two or more communities."""
    import networkx as nx

    n = graph.number_of_nodes()
    if n < 3:
        return []
    k = None if n <= EXACT_BETWEENNESS else EXACT_BETWEENNESS
    scores = nx.betweenness_centrality(graph, k=k, seed=SEED, weight=None)
    out: list[dict[str, Any]] = []
    for node, score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if score <= 0 or len(out) >= TOP_BROKERS:
            break
        touched = {community_of[m] for m in graph.neighbors(node) if m in community_of}
        touched.discard(community_of.get(node, -1))
        own = community_of.get(node)
        reached = len(touched) + (1 if own is not None else 0)
        if reached < 2 and score < 0.5:
            continue
        out.append({"entity_id": node, "betweenness": round(score, 4),
                    "communities": sorted(touched | ({own} if own is not None else set())),
                    "reason": f"lies on {score:.0%} of shortest paths between other entities "
                              f"and connects {reached} communit{'y' if reached == 1 else 'ies'}",
                    "reason_id": f"berada di {score:.0%} jalur terpendek antara entitas lain "
                                 f"dan menghubungkan {reached} komunitas"})
    return out


def analyse(sources: Mapping[tuple[str, int], Iterable[int]], kinds: Mapping[int, str]
            ) -> dict[str, Any]:
    graph = projection(sources)
    found = communities(graph, kinds)
    community_of = {m: c["id"] for c in found for m in c["members"]}
    return {"communities": found, "brokers": brokers(graph, community_of)}


def _mix(counts: Counter[str], lang: str = "en") -> str:
    """The kinds in words, most first: "2 tempat, 1 akun Telegram" in Indonesian; in English,
    which has plurals the labels lack, "place: 2, Telegram account: 1" (were the codes "2 place,
    1 telegram"). A word keeps its capital when its first word is a name (Telegram)."""
    def word(kind: str) -> str:
        words = label("network_kind", kind, lang)
        first = words.split(" ", 1)[0]
        if first in label("network_kind", kind, "id" if lang == "en" else "en").split(" ")[1:]:
            return words  # a name (Telegram), capitalised in the other language's words too
        return words[:1].lower() + words[1:]
    ordered = sorted(counts.items(), key=lambda kv: -kv[1])
    if lang == "en":
        return ", ".join(f"{word(kind)}: {n}" for kind, n in ordered)
    return ", ".join(f"{n} {word(kind)}" for kind, n in ordered)
