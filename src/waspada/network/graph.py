"""The stored graph: writing a source record's links, merge groups, and bounded traversal.

No access checks and no audit here (``service.py`` does both); traversal takes the caller's
:class:`~waspada.network.visibility.Scope` and answers only links it may see.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from .extract import Observation, agency_value, email_value, from_text, phone_value
from .sources import SourceField, SourceRecord
from .store import Entity, Link
from .visibility import Scope, link_filter, may_see

#: entities with more links than this are hubs: listed, never expanded through
HUB_LINKS = 200
#: the largest bounds a lookup may ask for (the graph page and seeded exports use them)
MAX_NODES = 300
MAX_LINKS = 2_000
MAX_DEPTH = 3


@dataclass(frozen=True)
class Bounds:
    """How much of a neighbourhood one lookup loads: entities and links (newest first)."""

    nodes: int = MAX_NODES
    links: int = MAX_LINKS


#: the API's and the CLI's default: small enough for a depth-2 lookup within 50 ms at 1M
#: links (docs/network.md, "Benchmark"); a caller may ask for up to :data:`MAX_BOUNDS`
DEFAULT_BOUNDS = Bounds(nodes=100, links=500)
MAX_BOUNDS = Bounds()
MERGE_CHAIN = 20
_CHUNK = 500

#: reach filter for case links: ``fn(case_ids) -> the ids the caller's unit reaches``
CaseReach = Callable[[set[int]], set[int]]


def observations(item: SourceField) -> list[Observation]:
    """The entity values one source field holds."""
    kind, value, role = item["kind"], (item.get("value") or "").strip(), item.get("role", "")
    if not value:
        return []
    if kind == "text":
        return from_text(value, role)
    if kind == "phone":
        phone = phone_value(value)
        return [Observation("phone", phone, phone, value[:255], 1.0, role)] if phone else \
            from_text(value, role)
    if kind == "email":
        email = email_value(value)
        return [Observation("email", email, email, value[:255], 1.0, role)] if email else []
    if kind == "agency":
        return [Observation("agency", agency_value(value), value[:255], value[:255], 1.0, role)]
    if kind == "person":
        return [Observation("person", value[:255], item.get("label", "")[:255], "", 1.0, role)]
    raise ValueError(f"unknown source field kind {kind!r}")


class EntityCache:
    """(kind, value) -> entity id, creating entities on first sight (one query per batch)."""

    def __init__(self, db: Session, registry: Sequence[str] = ()) -> None:
        self.db = db
        self.ids: dict[tuple[str, str], int] = {}
        self.registry = list(registry)

    def resolve(self, found: Iterable[Observation]) -> dict[tuple[str, str], int]:
        wanted = {(o.kind, o.value): o for o in found}
        missing = [k for k in wanted if k not in self.ids]
        for i in range(0, len(missing), _CHUNK):
            chunk = missing[i:i + _CHUNK]
            # kind and value: the unique (kind, value) index serves only both (a value alone
            # read every entity: 0.1-0.3 s per new record at 1M links)
            for row in self.db.execute(select(Entity.id, Entity.kind, Entity.value).where(
                    Entity.kind.in_({k for k, _ in chunk}),
                    Entity.value.in_({v for _, v in chunk}))):
                self.ids[(row.kind, row.value)] = row.id
        new = [wanted[k] for k in missing if k not in self.ids]
        if new:
            created = [Entity(kind=o.kind, value=o.value, label=o.label or o.value,
                              attrs_json=json.dumps(self._attrs(o))) for o in new]
            self.db.add_all(created)
            self.db.flush()
            for entity in created:
                self.ids[(entity.kind, entity.value)] = entity.id
        return {k: self.ids[k] for k in wanted}

    def _attrs(self, o: Observation) -> dict[str, object]:
        if o.kind != "agency" or not self.registry:
            return {}
        from waspada.offers.agencies import match_agency

        match = match_agency(o.label, self.registry)
        return {"licensed": match.status == "registered", "registry_name": match.best
                if match.status == "registered" else None}


def replace_links(db: Session, source_type: str, records: Iterable[SourceRecord],
                  cache: EntityCache, *, fresh: bool = False) -> int:
    """Replace every link of these source records with what they hold now; the count.
    ``fresh``: the records have no links yet (a rebuild deleted them), skip the delete."""
    records = list(records)
    if not fresh:
        ids = [r["source_id"] for r in records]
        for i in range(0, len(ids), _CHUNK):
            db.execute(delete(Link).where(Link.source_type == source_type,
                                          Link.source_id.in_(ids[i:i + _CHUNK])))
    found: list[tuple[SourceRecord, Observation, str]] = []
    for record in records:
        for item in record["fields"]:
            found.extend((record, o, item.get("group", "")) for o in observations(item))
    entity_ids = cache.resolve(o for _, o, _ in found)
    rows = [{"entity_id": entity_ids[(o.kind, o.value)], "source_type": source_type,
             "source_id": r["source_id"], "source_unit_id": r["unit_id"], "field_group": group,
             "role": o.role, "seen_at": r["seen_at"], "confidence": o.confidence, "raw": o.raw}
            for r, o, group in found]
    if rows:
        db.execute(insert(Link), rows)
    return len(rows)


# -- merges -----------------------------------------------------------------------------------

def roots(db: Session, ids: Iterable[int]) -> dict[int, int]:
    """Each entity id -> the entity its confirmed merges lead to (itself when unmerged)."""
    parent: dict[int, int | None] = {}
    todo = set(ids)
    for _ in range(MERGE_CHAIN):
        todo -= parent.keys()
        if not todo:
            break
        for row in db.execute(select(Entity.id, Entity.merged_into_id)
                              .where(Entity.id.in_(todo))):
            parent[row.id] = row.merged_into_id
        todo = {p for p in parent.values() if p is not None}
    out = {}
    for start in set(ids):
        node, steps = start, 0
        while (up := parent.get(node)) is not None and steps < MERGE_CHAIN:
            node, steps = up, steps + 1
        out[start] = node
    return out


def members(db: Session, root_ids: Iterable[int]) -> dict[int, set[int]]:
    """root -> every entity merged into it (directly or through others), itself included."""
    groups = {r: {r} for r in root_ids}
    frontier = {r: r for r in groups}
    for _ in range(MERGE_CHAIN):
        if not frontier:
            break
        nxt: dict[int, int] = {}
        for row in db.execute(select(Entity.id, Entity.merged_into_id)
                              .where(Entity.merged_into_id.in_(list(frontier)))):
            root = frontier[row.merged_into_id]
            groups[root].add(row.id)
            nxt[row.id] = root
        frontier = nxt
    return groups


#: a lookup loads every confirmed merge at once when there are at most this many (merges are
#: analysts' decisions, few next to the entities); above, it asks the database per hop
MERGE_MAP_MAX = 50_000


class MergeMap:
    """Every confirmed merge (entity -> the entity it joined), read in one statement: the
    traversal's merge groups without a query per hop."""

    def __init__(self, parent: dict[int, int]) -> None:
        self.parent = parent
        self.children: dict[int, set[int]] = defaultdict(set)
        for child, up in parent.items():
            self.children[up].add(child)

    @classmethod
    def load(cls, db: Session) -> MergeMap | None:
        rows = db.execute(select(Entity.id, Entity.merged_into_id)
                          .where(Entity.merged_into_id.is_not(None))
                          .limit(MERGE_MAP_MAX + 1)).all()
        if len(rows) > MERGE_MAP_MAX:
            return None
        return cls({r[0]: r[1] for r in rows if r[1] is not None})

    def roots(self, ids: Iterable[int]) -> dict[int, int]:
        out = {}
        for start in set(ids):
            node, steps = start, 0
            while (up := self.parent.get(node)) is not None and steps < MERGE_CHAIN:
                node, steps = up, steps + 1
            out[start] = node
        return out

    def members(self, root_ids: Iterable[int]) -> dict[int, set[int]]:
        groups = {}
        for root in root_ids:
            group, frontier = {root}, {root}
            for _ in range(MERGE_CHAIN):
                frontier = {c for f in frontier for c in self.children.get(f, ())} - group
                if not frontier:
                    break
                group |= frontier
            groups[root] = group
        return groups


def _roots(db: Session, merges: MergeMap | None, ids: Iterable[int]) -> dict[int, int]:
    return merges.roots(ids) if merges is not None else roots(db, ids)


def _members(db: Session, merges: MergeMap | None, ids: Iterable[int]) -> dict[int, set[int]]:
    return merges.members(ids) if merges is not None else members(db, ids)


# -- visible links ------------------------------------------------------------------------------

#: the link columns a traversal loads (plain rows: no ORM identity map for thousands of links)
LINK_COLUMNS = tuple(Link.__table__.c)


def visible(links: Iterable[Any], scope: Scope, reach: CaseReach | None) -> list[Any]:
    kept = [link for link in links if may_see(scope, link)]
    if reach is None:
        return kept
    case_ids = {link.source_id for link in kept if link.source_type == "case"}
    reached = reach(case_ids) if case_ids else set()
    return [link for link in kept if link.source_type != "case" or link.source_id in reached]


def links_of_entities(db: Session, ids: Iterable[int], scope: Scope, reach: CaseReach | None,
                      limit: int = MAX_LINKS) -> list[Any]:
    """Visible links of these entities (rows with :class:`Link`'s columns), newest first."""
    id_list = sorted(set(ids))
    out: list[Any] = []
    for i in range(0, len(id_list), _CHUNK):
        out.extend(db.execute(select(*LINK_COLUMNS).where(
            Link.entity_id.in_(id_list[i:i + _CHUNK]), link_filter(scope))
            .order_by(Link.seen_at.desc()).limit(limit)))
    return visible(out, scope, reach)


def hub_facts(db: Session, ids: Iterable[int], scope: Scope) -> dict[int, tuple[str, int]]:
    """Each entity's kind and how many links the SQL filter lets ``scope`` see, counted only
    up to ``HUB_LINKS + 1`` (enough to tell a hub; a hub's thousands of links are not read)."""
    id_list = sorted(set(ids))
    out: dict[int, tuple[str, int]] = {}
    for i in range(0, len(id_list), _CHUNK):
        capped = (select(Link.id).where(Link.entity_id == Entity.id, link_filter(scope))
                  .limit(HUB_LINKS + 1).correlate(Entity).subquery())
        count = select(func.count()).select_from(capped).scalar_subquery()
        for entity_id, kind, n in db.execute(select(Entity.id, Entity.kind, count)
                                             .where(Entity.id.in_(id_list[i:i + _CHUNK]))):
            out[entity_id] = (kind, n)
    return out


def links_of_sources(db: Session, keys: Iterable[tuple[str, int]], scope: Scope,
                     reach: CaseReach | None, limit: int = MAX_LINKS) -> list[Any]:
    by_type: dict[str, list[int]] = defaultdict(list)
    for source_type, source_id in set(keys):
        by_type[source_type].append(source_id)
    out: list[Any] = []
    for source_type, ids in by_type.items():
        ids.sort()
        for i in range(0, len(ids), _CHUNK):
            out.extend(db.execute(select(*LINK_COLUMNS).where(
                Link.source_type == source_type, Link.source_id.in_(ids[i:i + _CHUNK]),
                link_filter(scope)).limit(limit)))
    return visible(out, scope, reach)


# -- bounded traversal ---------------------------------------------------------------------------

@dataclass
class Subgraph:
    seed: int
    depth_of: dict[int, int] = field(default_factory=dict)  # root entity id -> hops from seed
    links: dict[int, Any] = field(default_factory=dict)
    root_of: dict[int, int] = field(default_factory=dict)
    hubs: set[int] = field(default_factory=set)
    truncated: bool = False

    def sources(self) -> dict[tuple[str, int], set[int]]:
        out: dict[tuple[str, int], set[int]] = defaultdict(set)
        for link in self.links.values():
            out[(link.source_type, link.source_id)].add(self.root_of.get(link.entity_id,
                                                                         link.entity_id))
        return out


def expand(db: Session, seed_root: int, depth: int, scope: Scope, reach: CaseReach | None,
           bounds: Bounds = MAX_BOUNDS) -> Subgraph:
    """Entities reachable from ``seed_root`` through shared source records, up to ``depth``
    hops, within ``bounds`` (entities, and links newest first when cut); hubs (more than
    :data:`HUB_LINKS` links, or places) are listed, not expanded."""
    sub = Subgraph(seed=seed_root, depth_of={seed_root: 0}, root_of={seed_root: seed_root})
    merges = MergeMap.load(db)
    frontier = {seed_root}
    for hop in range(0, depth + 1):
        if hop == depth and hop > 0:
            break  # the last hop's entities came with the links that reached them
        groups = _members(db, merges, frontier)
        for root, group in groups.items():
            for m in group:
                sub.root_of[m] = root
        facts = hub_facts(db, [m for g in groups.values() for m in g], scope)
        counts: dict[int, int] = defaultdict(int)
        for entity_id, (_kind, n) in facts.items():
            counts[sub.root_of[entity_id]] += n
        places = {r for r in frontier if facts.get(r, ("", 0))[0] == "place"}
        expandable = {r for r in frontier if counts[r] <= HUB_LINKS and r not in places}
        sub.hubs |= frontier - expandable
        load = expandable | ({seed_root} & frontier)
        budget = bounds.links - len(sub.links)
        own = links_of_entities(db, [m for r in load for m in groups[r]], scope, reach,
                                limit=max(budget, 0))
        if len(own) >= budget:
            sub.truncated = True
        for link in own[:max(budget, 0)]:
            sub.links[link.id] = link
        if hop == depth:
            break
        keys = list(dict.fromkeys((lk.source_type, lk.source_id) for lk in own
                                  if sub.root_of[lk.entity_id] in expandable))
        budget = bounds.links - len(sub.links)
        if budget <= 0:
            sub.truncated = True
            break
        around = links_of_sources(db, keys, scope, reach, limit=budget)
        new_roots = _roots(db, merges, {lk.entity_id for lk in around})
        sub.root_of.update(new_roots)
        nxt: set[int] = set()
        for link in around:
            if len(sub.links) >= bounds.links:
                sub.truncated = True
                break
            root = new_roots[link.entity_id]
            if root not in sub.depth_of:
                if len(sub.depth_of) >= bounds.nodes:
                    sub.truncated = True
                    continue
                sub.depth_of[root] = hop + 1
                nxt.add(root)
            sub.links[link.id] = link
        frontier = nxt
        if not frontier:
            break
    return sub
